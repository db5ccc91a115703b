// What a record or an error holds for a person, as the English reader of a test sees it.
import type { Words } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';

const ENGLISH = new Translator();

export function inEnglish(words: Words): string;
export function inEnglish(words: Words | undefined): string | undefined;
export function inEnglish(words: Words | undefined): string | undefined {
  return words === undefined ? undefined : ENGLISH.say(words);
}

/** The fields that hold words for a person in records and news: a reason, a failure. */
const WORDS_FIELDS = new Set(['reason', 'failure']);

/** The value with every reason and failure in it said in English, for comparing records and news with what a test expects. */
export function reasonsInEnglish<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reasonsInEnglish(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => [name, WORDS_FIELDS.has(name) && typeof field === 'object' && field !== null ? inEnglish(field as Words) : reasonsInEnglish(field)]),
  ) as T;
}
