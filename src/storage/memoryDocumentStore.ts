import type { DocumentStore, StoredDocument } from './documentStore.js';
import { checkKey, toJson } from './documentValues.js';

interface Entry {
  // Kept as text, not as the caller's object: nothing the caller does afterwards can reach the stored value, and a
  // value that does not survive JSON fails here just as it would on disk or in Blob Storage.
  json: string;
  eTag: string;
}

/**
 * The reference DocumentStore: everything in one Map. Each method does its check and its write in one synchronous
 * step, so conditional writes are atomic without any locking. Used by tests and by local mode without a data directory.
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly #entries = new Map<string, Entry>();
  // A counter never repeats, so an eTag from a deleted and recreated document can never match the new one.
  #version = 0;

  async get(key: string): Promise<StoredDocument | undefined> {
    checkKey(key);
    const entry = this.#entries.get(key);
    return entry && { value: JSON.parse(entry.json), eTag: entry.eTag };
  }

  async getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined> {
    checkKey(key);
    return this.#entries.get(key)?.eTag === eTag ? 'unchanged' : this.get(key);
  }

  async createIfAbsent(key: string, value: unknown): Promise<string | undefined> {
    checkKey(key);
    const json = toJson(key, value);
    if (this.#entries.has(key)) return undefined;
    return this.#write(key, json);
  }

  async putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined> {
    checkKey(key);
    const json = toJson(key, value);
    if (this.#entries.get(key)?.eTag !== eTag) return undefined;
    return this.#write(key, json);
  }

  async deleteIfMatch(key: string, eTag: string): Promise<boolean> {
    checkKey(key);
    if (this.#entries.get(key)?.eTag !== eTag) return false;
    return this.#entries.delete(key);
  }

  async *listByPrefix(prefix: string): AsyncIterable<string> {
    // A snapshot, so callers may write or delete while they iterate.
    const keys = [...this.#entries.keys()].filter((key) => key.startsWith(prefix));
    yield* keys;
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}

  #write(key: string, json: string): string {
    const eTag = `m${++this.#version}`;
    this.#entries.set(key, { json, eTag });
    return eTag;
  }
}
