// Rally's own storage interface: JSON documents by key, every write conditional. botbuilder's `Storage` cannot say
// "create only if absent" or "delete only if unchanged", and without those two instances (or a crash and a retry)
// lose each other's writes; Blob Storage (If-None-Match: *, If-Match) and the embedded file store can both say them.
//
// Keys are non-empty strings of at most 512 characters; `/` separates segments, and any other character is allowed
// (implementations encode as they need). Values are plain JSON, copied in and out.

/** A document as stored, with the eTag a conditional write or delete must name. */
export interface StoredDocument {
  value: unknown;
  eTag: string;
}

/** Told when a document that could not be read back was moved aside; the key then reads as absent. */
export type OnQuarantined = (key: string, reason: string) => void;

export interface DocumentStore {
  /**
   * The document under `key`, or undefined when there is none. A document that cannot be read back (damaged by hand
   * or by a disk) is moved aside, where an operator can look at it, and reads as absent: one bad record never blocks
   * the key or the records around it.
   */
  get(key: string): Promise<StoredDocument | undefined>;
  /**
   * `unchanged` when the document's eTag is still `eTag`; otherwise as `get`. A caller that keeps what it read asks this
   * to skip reading and copying a document that did not change: Blob Storage answers 304 to If-None-Match, and the file
   * store knows the files it wrote itself.
   */
  getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined>;
  /** Writes `value` only if no document exists under `key`. Resolves to the new eTag, or undefined when one existed. */
  createIfAbsent(key: string, value: unknown): Promise<string | undefined>;
  /**
   * Replaces the document only if its eTag is still `eTag`. Resolves to the new eTag, or undefined when the document
   * changed or was deleted since it was read.
   */
  putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined>;
  /** Deletes the document only if its eTag is still `eTag`. Resolves to whether it was deleted by this call. */
  deleteIfMatch(key: string, eTag: string): Promise<boolean>;
  /** Every key that starts with `prefix` (a plain string prefix, not only whole segments), in no particular order. */
  listByPrefix(prefix: string): AsyncIterable<string>;
  /** Whether the store can be read and written now: the readiness probe and `doctor` ask this. */
  checkReady(): Promise<void>;
  /** Releases what the store holds (the file store's single-writer lock). */
  close(): Promise<void>;
  /** Removes what writes cut short left behind (the file store's temp files); stores whose writes are atomic have none. */
  sweepLeftovers?(): Promise<void>;
}

export const MAX_KEY_LENGTH = 512;
