// Words for a person, not yet in any language. The domain says what happened as a message key and what fills it;
// the edge that reaches the person says it in their language. A sentence is plain data, so a record keeps it as it
// is and a report made hours later, on another instance, is said in the language of the request it is about.
import type { MessageKey } from './catalogs.js';

/** A message's key and its placeholders' values. */
export interface Sentence {
  readonly key: MessageKey;
  readonly params?: SentenceParams;
}

/**
 * What fills a placeholder: text and numbers as they are; another sentence, said in the same language first (a
 * reason inside "#3 ended. {reason}"); names to list as the language lists them; a length of time; a country or
 * region by its ISO 3166 code, named as the language names it; an instant (ISO 8601), as a date and time of day in the
 * reader's zone.
 */
export type SentenceParam =
  | string
  | number
  | Sentence
  | { readonly list: readonly string[] }
  | { readonly durationMs: number }
  | { readonly region: string }
  | { readonly dateTime: string };

export type SentenceParams = Readonly<Record<string, SentenceParam>>;

/**
 * What a record holds for a person to read: a sentence, or English text (records written before Rally spoke
 * languages, and what Graph itself says, which only comes in one language).
 */
export type Words = Sentence | string;

export function sentence(key: MessageKey, params?: SentenceParams): Sentence {
  return params === undefined ? { key } : { key, params };
}

/**
 * A person's name as a message's params, and `named` (`no` when nothing names them) for the message to say someone
 * unnamed in its own words (`hung up by {named, select, no {someone} other {{name}}}`): a word put in for the name
 * would be English, or in the wrong case for the sentence around it.
 */
export function nameParams(name: string | undefined): Readonly<Record<string, string>> {
  return name === undefined ? { named: 'no' } : { named: 'yes', name };
}
