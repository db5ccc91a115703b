import type { RecordStore } from '../../src/calling/records/recordStore.js';

interface Stored {
  json: string;
  eTag: number;
}

/**
 * `RecordStore` in memory, faithful to the contract: values are stored as JSON (so a record that does not survive
 * JSON fails here as it would on disk, and nobody shares objects with the store), every write bumps an eTag, and
 * `update` re-reads and re-applies `change` when the eTag moved under it.
 */
export class MemoryRecordStore<T> implements RecordStore<T> {
  private readonly records = new Map<string, Stored>();
  private nextETag = 1;
  private readonly intruders = new Map<string, (current: T | undefined) => T | undefined>();
  /** How many times `change` ran, per key: more runs than updates means conflicts were retried. */
  readonly changeRuns = new Map<string, number>();
  writes = 0;

  async get(key: string): Promise<T | undefined> {
    return this.read(key)?.value;
  }

  /** This store has no older copy to give: what a peek sees is always current. */
  async peek(key: string): Promise<T | undefined> {
    return this.get(key);
  }

  async update(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    for (;;) {
      const seen = this.read(key);
      this.changeRuns.set(key, (this.changeRuns.get(key) ?? 0) + 1);
      const next = change(seen?.value);
      if (next === seen?.value) return seen?.value;
      this.intrude(key);
      if (this.records.get(key)?.eTag !== seen?.eTag) continue;
      this.write(key, next);
      return this.read(key)?.value;
    }
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  /** Seeds a record without going through `update`. */
  put(key: string, value: T): void {
    this.write(key, value);
  }

  /**
   * Makes the next `update` of `key` lose a race once: between its read and its write, `write` is applied as if by
   * another instance, so the update must read again and re-apply its change on top.
   */
  conflictOnce(key: string, write: (current: T | undefined) => T | undefined): void {
    this.intruders.set(key, write);
  }

  private intrude(key: string): void {
    const write = this.intruders.get(key);
    if (write === undefined) return;
    this.intruders.delete(key);
    this.write(key, write(this.read(key)?.value));
  }

  private read(key: string): { value: T; eTag: number } | undefined {
    const stored = this.records.get(key);
    return stored === undefined ? undefined : { value: JSON.parse(stored.json) as T, eTag: stored.eTag };
  }

  private write(key: string, value: T | undefined): void {
    this.writes += 1;
    if (value === undefined) this.records.delete(key);
    else this.records.set(key, { json: JSON.stringify(value), eTag: this.nextETag++ });
  }

  async *keys(prefix = ''): AsyncIterable<string> {
    for (const key of [...this.records.keys()]) if (key.startsWith(prefix)) yield key;
  }
}
