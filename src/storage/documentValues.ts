import { MAX_KEY_LENGTH } from './documentStore.js';

/** Rejects what no DocumentStore accepts, so the three implementations fail alike on a caller's mistake. */
export function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new RangeError(`DocumentStore: keys are 1 to ${MAX_KEY_LENGTH} characters; got ${key.length}.`);
  }
}

/** The value as stored: JSON text, so nothing the caller does afterwards can reach the stored copy. */
export function toJson(key: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`DocumentStore: the value for "${key}" is not JSON.`);
  return json;
}
