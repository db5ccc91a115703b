import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import type { RecordStore, UpdateOptions } from '../calling/records/recordStore.js';
import type { Logger } from '../log/logger.js';
import type { DocumentStore, StoredDocument } from './documentStore.js';
import { RecordUpdateConflictError } from './storageErrors.js';

/**
 * The version of the stored envelope. Round one wrote botbuilder Storage items under hashed file names, which this
 * store cannot read at all: the README says to start from an empty data directory. A later version bump upgrades here.
 */
export const RECORD_SCHEMA_VERSION = 1;

/** Records of one kind kept, frozen, for `update` to reuse while the store says they are unchanged; least recently used go first. */
const KNOWN_RECORDS = 100;

/** What a document holds: the record under `value`, so any JSON can be a record, tagged with its schema version. */
interface Envelope {
  schema: number;
  value: unknown;
}

export interface DocumentRecordStoreOptions {
  /** How many times `update` reads and applies its change before giving up on a contended record. Default 25. */
  maxAttempts?: number;
  /** Told once per record that could not be read and was moved under `quarantine/`. */
  log?: Pick<Logger, 'warn'>;
}

/**
 * A typed `RecordStore` over a `DocumentStore`, holding its records under `prefix` so one store carries several
 * record kinds. Values must be plain JSON; they are copied in and out. The value handed to `change` is deeply frozen:
 * returning the very object skips the write (and `update` resolves to it), so an in-place edit would otherwise be
 * silently dropped.
 *
 * A record of an unknown shape or schema version is moved aside under `quarantine/` and treated as absent, so one bad
 * record never stops the records around it (a document the store cannot read at all, the store moves aside itself).
 */
export class DocumentRecordStore<T> implements RecordStore<T> {
  readonly #maxAttempts: number;
  readonly #known = new LRUCache<string, { value: T; eTag: string }>({ max: KNOWN_RECORDS });

  constructor(
    private readonly store: DocumentStore,
    private readonly prefix: string,
    private readonly options: DocumentRecordStoreOptions = {},
  ) {
    const maxAttempts = options.maxAttempts ?? 25;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer.');
    this.#maxAttempts = maxAttempts;
  }

  async get(key: string): Promise<T | undefined> {
    return (await this.#read(this.prefix + key))?.value;
  }

  async peek(key: string): Promise<T | undefined> {
    const known = this.#known.get(this.prefix + key);
    return known === undefined ? this.get(key) : jsonCopy(known.value);
  }

  /**
   * A record this store read or wrote last is changed from what it knows, as a bare conditional write with the eTag it
   * holds: no read before it. A conflict means another writer came first (another instance, or a crash's leftover), and
   * only then is the record read afresh and the change applied again. A change that writes nothing is checked against
   * the store first (it may have been decided on a stale copy), so what `update` resolves to is always current.
   */
  async update(key: string, change: (current: T | undefined) => T | undefined, options: UpdateOptions = {}): Promise<T | undefined> {
    const storageKey = this.prefix + key;
    let current = this.#known.get(storageKey);
    // Whether `current` is what the store holds now, as far as a read can tell.
    let verified = current === undefined;
    if (verified && options.likelyAbsent) {
      const created = change(undefined);
      if (created !== undefined && (await this.#write(storageKey, undefined, created))) return jsonCopy(created);
    }
    if (verified) current = await this.#readForUpdate(storageKey);
    for (let attempt = 1; ; attempt++) {
      const given = current?.value;
      const next = change(given);
      if (next === given) {
        if (verified) return given;
        // Decided on what this process last knew: confirm it is still what is stored, or apply the change afresh.
        const fresh = await this.#readForUpdate(storageKey);
        verified = true;
        if (fresh === current) return given;
        current = fresh;
        attempt--;
        continue;
      }
      if (await this.#write(storageKey, current, next)) return next === undefined ? undefined : jsonCopy(next);
      if (attempt >= this.#maxAttempts) throw new RecordUpdateConflictError(storageKey, attempt);
      // Spread the retries of writers that collided, so a burst on one record converges instead of colliding again.
      await delay(Math.random() * Math.min(50, 2 ** attempt));
      this.#known.delete(storageKey);
      current = await this.#readForUpdate(storageKey);
      verified = true;
    }
  }

  async delete(key: string): Promise<void> {
    await this.update(key, () => undefined);
  }

  async *keys(prefix = ''): AsyncIterable<string> {
    for await (const key of this.store.listByPrefix(this.prefix + prefix)) yield key.slice(this.prefix.length);
  }

  /**
   * Writes `next` on the condition that the record is still `current`; false when someone else wrote first. What was
   * written, and its new eTag, is kept: the next update of the record needs no read.
   */
  async #write(storageKey: string, current: { eTag: string } | undefined, next: T | undefined): Promise<boolean> {
    if (next === undefined) {
      this.#known.delete(storageKey);
      return current === undefined || this.store.deleteIfMatch(storageKey, current.eTag);
    }
    const envelope: Envelope = { schema: RECORD_SCHEMA_VERSION, value: next };
    const eTag = current === undefined ? await this.store.createIfAbsent(storageKey, envelope) : await this.store.putIfMatch(storageKey, envelope, current.eTag);
    if (eTag === undefined) return false;
    this.#known.set(storageKey, { value: deepFreeze(next), eTag });
    return true;
  }

  /**
   * The record as `update` hands it to `change`: deeply frozen, and kept (#known) so that when the store says it is
   * unchanged it is neither read nor parsed again. A call record in a large meeting is tens of kilobytes of JSON, read
   * for every burst of notifications about the call, and nearly every roster notification changes nothing.
   */
  async #readForUpdate(storageKey: string): Promise<{ value: T; eTag: string } | undefined> {
    const known = this.#known.get(storageKey);
    const document = known === undefined ? await this.store.get(storageKey) : await this.store.getIfChanged(storageKey, known.eTag);
    if (document === 'unchanged') return known;
    const current = await this.#checked(storageKey, document);
    if (current === undefined) {
      this.#known.delete(storageKey);
      return undefined;
    }
    // The store hands out a fresh copy on every read (DocumentStore: "copied in and out"), so it is ours to freeze.
    const frozen = { value: deepFreeze(current.value), eTag: current.eTag };
    this.#known.set(storageKey, frozen);
    return frozen;
  }

  async #read(storageKey: string): Promise<{ value: T; eTag: string } | undefined> {
    return this.#checked(storageKey, await this.store.get(storageKey));
  }

  /** The record a document holds, or undefined when there is none or it had to be moved aside. */
  async #checked(storageKey: string, document: StoredDocument | undefined): Promise<{ value: T; eTag: string } | undefined> {
    if (document === undefined) return undefined;
    const envelope = document.value as Partial<Envelope> | null;
    if (typeof envelope !== 'object' || envelope === null || envelope.schema !== RECORD_SCHEMA_VERSION || !('value' in envelope)) {
      await this.#quarantine(storageKey, document);
      return undefined;
    }
    return { value: envelope.value as T, eTag: document.eTag };
  }

  /** Moves an unreadable record aside, where an operator can look at it, and out of the way of new writes. */
  async #quarantine(storageKey: string, document: StoredDocument): Promise<void> {
    await this.store.createIfAbsent(`quarantine/${storageKey}`, { quarantinedAt: new Date().toISOString(), document: document.value });
    if (await this.store.deleteIfMatch(storageKey, document.eTag)) {
      this.options.log?.warn({ key: storageKey }, 'record of an unknown shape moved under quarantine/');
    }
  }
}

function jsonCopy<V>(value: V): V {
  return JSON.parse(JSON.stringify(value)) as V;
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}
