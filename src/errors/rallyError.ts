// Every failure Rally reports is a RallyError: a stable code for logs and tests, the cause for operators, and one
// sentence a person in the chat can act on. The sentence is not in any language yet: the edge that tells the person
// says it in theirs, and the log reads it in English.
import { sentence } from '../i18n/sentence.js';
import type { Sentence, Words } from '../i18n/sentence.js';
import { Translator } from '../i18n/translator.js';

const LOG_LANGUAGE = new Translator();

/** Words as the log reads them: in English. */
export function inEnglish(words: Words): string {
  return LOG_LANGUAGE.say(words);
}

export abstract class RallyError extends Error {
  abstract readonly code: string;
  /** One sentence, safe to show in chat: no secrets, no stack, tells the person what to do. */
  readonly sentence: Words;
  /** The sentence in English, as the log reads it (a field of its own, so that the log's error record shows it). */
  readonly userMessage: string;

  constructor(said: Words, options?: { cause?: unknown; detail?: string }) {
    const english = inEnglish(said);
    super(options?.detail ?? english, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.sentence = said;
    this.userMessage = english;
  }
}

/** The sentence to tell a person for any failure: a RallyError's own, or `fallback` for the unforeseen. */
export function sentenceOf(error: unknown, fallback: Sentence): Words {
  return error instanceof RallyError ? error.sentence : fallback;
}

/** Nothing was placed, and nothing says why: the sentence for a failure Rally did not foresee. */
export const SOMETHING_WENT_WRONG: Sentence = sentence('error.somethingWentWrong');
