import type { Storage } from 'botbuilder';
import type { RecordStore } from '../calling/records/recordStore.js';
import { KeyedMutex } from './keyedMutex.js';
import { RecordUpdateConflictError, StorageCorruptError } from './storageErrors.js';

export interface StorageRecordStoreOptions {
  /** How many times `update` reads and applies its change before giving up on a contended record. Default 10. */
  maxAttempts?: number;
}

/** Stored shape: the value sits under `value`, so any JSON (a number, an array) can be a record and never meets `eTag`. */
interface Envelope {
  value: unknown;
  eTag?: string;
}

interface Snapshot<T> {
  value: T;
  eTag: string | undefined;
}

// Locks are per Storage object, shared by every record store over it, because botbuilder's Storage cannot express
// "create only if absent" or "delete only if unchanged": without them two first updates of a key in this process would
// both write unconditionally and one would be lost. eTags still guard writes made by other processes.
const locksByStorage = new WeakMap<Storage, KeyedMutex>();

function locksFor(storage: Storage): KeyedMutex {
  let locks = locksByStorage.get(storage);
  if (!locks) {
    locks = new KeyedMutex();
    locksByStorage.set(storage, locks);
  }
  return locks;
}

/**
 * A typed `RecordStore` over any botbuilder `Storage`, holding its records under `prefix` so one Storage carries several
 * stores. Values must be plain JSON; they are copied in and out. The value handed to `change` is deeply frozen: the
 * contract says returning the very object skips the write, so an in-place edit would otherwise be silently dropped.
 *
 * Within one process updates of a key are serialized. Across processes, updates of an existing record are safe
 * (eTag, then re-read and re-apply); creating and deleting are not, as the Storage shape has no condition for them.
 */
export class StorageRecordStore<T> implements RecordStore<T> {
  readonly #storage: Storage;
  readonly #prefix: string;
  readonly #maxAttempts: number;
  readonly #locks: KeyedMutex;

  constructor(storage: Storage, prefix: string, options: StorageRecordStoreOptions = {}) {
    const maxAttempts = options.maxAttempts ?? 10;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer.');
    this.#storage = storage;
    this.#prefix = prefix;
    this.#maxAttempts = maxAttempts;
    this.#locks = locksFor(storage);
  }

  async get(key: string): Promise<T | undefined> {
    return (await this.#read(this.#prefix + key))?.value;
  }

  async update(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const storageKey = this.#prefix + key;
    return this.#locks.run(storageKey, async () => {
      let current = await this.#read(storageKey);
      for (let attempt = 1; ; attempt++) {
        const given = current === undefined ? undefined : deepFreeze(structuredClone(current.value));
        const next = change(given);
        if (next === given) return current?.value;
        try {
          if (next === undefined) {
            await this.#storage.delete([storageKey]);
            return undefined;
          }
          const envelope: Envelope = { value: next };
          if (current?.eTag) envelope.eTag = current.eTag;
          await this.#storage.write({ [storageKey]: envelope });
          return jsonCopy(next);
        } catch (error) {
          // Storage implementations report conflicts differently (MemoryStorage: a plain Error; Cosmos: 412), so a
          // conflict is recognised by its effect: the record moved since it was read. Anything else is rethrown.
          const latest = await this.#read(storageKey);
          if (latest?.eTag === current?.eTag && (latest === undefined) === (current === undefined)) throw error;
          if (attempt >= this.#maxAttempts) throw new RecordUpdateConflictError(storageKey, attempt, { cause: error });
          current = latest;
        }
      }
    });
  }

  async delete(key: string): Promise<void> {
    const storageKey = this.#prefix + key;
    await this.#locks.run(storageKey, () => this.#storage.delete([storageKey]));
  }

  async #read(storageKey: string): Promise<Snapshot<T> | undefined> {
    const items = await this.#storage.read([storageKey]);
    const stored: unknown = items[storageKey];
    if (stored === undefined || stored === null) return undefined;
    if (typeof stored !== 'object' || !('value' in stored)) {
      throw new StorageCorruptError(storageKey, 'the stored item is not a Rally record');
    }
    const { value, eTag } = stored as Envelope;
    return { value: value as T, eTag };
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
