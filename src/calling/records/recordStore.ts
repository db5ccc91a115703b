/**
 * Durable keyed records as the domain sees them. `storage/` implements it over a botbuilder-shaped Storage with eTags;
 * tests may use the in-memory implementation there.
 */
export interface RecordStore<T> {
  get(key: string): Promise<T | undefined>;
  /**
   * Reads the current value, applies `change`, and writes the result only if nobody wrote in between (eTag);
   * on a conflict it reads again and re-applies `change`, so concurrent updates never lose one another.
   * `change` must be pure: it may run more than once. Returning `undefined` deletes the record; returning the
   * very object it was given skips the write. Resolves to what is stored afterwards.
   */
  update(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  delete(key: string): Promise<void>;
}
