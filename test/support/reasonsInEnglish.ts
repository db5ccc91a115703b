// Records and news as a test expects them: what they keep for a person to read, in English.
import type { Words } from '../../src/i18n/sentence.js';
import { english } from './english.js';

/** The fields that hold words for a person in records and news: a reason, a failure. */
const WORDS_FIELDS = new Set(['reason', 'failure']);

/** The value with every reason and failure in it said in English, for comparing records and news with what a test expects. */
export function reasonsInEnglish<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reasonsInEnglish(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => [name, WORDS_FIELDS.has(name) && typeof field === 'object' && field !== null ? english(field as Words) : reasonsInEnglish(field)]),
  ) as T;
}
