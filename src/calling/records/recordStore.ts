/**
 * Durable keyed records as the domain sees them. `storage/` implements it over Rally's conditional document store, so
 * every write is a compare-and-swap on the record's eTag: it holds across processes and instances, and there is no
 * lock anywhere. Tests may use the in-memory implementation.
 */
export interface UpdateOptions {
  /**
   * The record is most likely new (its key was just made, or names something that just happened): the first attempt
   * creates it from `change(undefined)` without reading, and only when one exists already is it read and changed.
   */
  likelyAbsent?: boolean;
}

export interface RecordStore<T> {
  get(key: string): Promise<T | undefined>;
  /**
   * Reads the current value, applies `change`, and writes the result only if nobody wrote in between (create-if-absent
   * for a new record, put-if-match or delete-if-match for an existing one); on a conflict it reads again and re-applies
   * `change`, so concurrent updates never lose one another. `change` must be pure: it may run more than once.
   * Returning `undefined` deletes the record; returning the very object it was given skips the write. Resolves to what
   * is stored afterwards.
   */
  update(key: string, change: (current: T | undefined) => T | undefined, options?: UpdateOptions): Promise<T | undefined>;
  /**
   * The record as this process last read or wrote it, read from the store only when it knows none: for a decision that
   * a later `update` checks anyway (it is a compare-and-swap), where a read would only cost a request.
   */
  peek(key: string): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /** The keys of every record whose key starts with `prefix` (all of them by default), in no particular order. */
  keys(prefix?: string): AsyncIterable<string>;
}
