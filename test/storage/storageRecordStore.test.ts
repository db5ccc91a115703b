import assert from 'node:assert/strict';
import type { Storage, StoreItems } from 'botbuilder';
import { MemoryStorage } from 'botbuilder';
import { FileStorage } from '../../src/storage/fileStorage.js';
import { RecordUpdateConflictError, StorageCorruptError } from '../../src/storage/storageErrors.js';
import { StorageRecordStore } from '../../src/storage/storageRecordStore.js';
import { useTempDirectory } from './tempDirectory.js';

/** The same data through another Storage object: how a second Rally process sees a shared store. */
function secondProcess(storage: Storage): Storage {
  return { read: (keys) => storage.read(keys), write: (changes) => storage.write(changes), delete: (keys) => storage.delete(keys) };
}

/**
 * Another writer that gets in first: before each of Rally's writes it rewrites the record itself (unconditionally),
 * so Rally's eTag is stale by the time its write lands.
 */
class IntrudingStorage implements Storage {
  intrusionsLeft: number;
  readonly #inner: Storage;
  readonly #intrude: (key: string, item: { value: unknown }) => unknown;

  constructor(inner: Storage, intrusions: number, intrude: (key: string, item: { value: unknown }) => unknown) {
    this.#inner = inner;
    this.intrusionsLeft = intrusions;
    this.#intrude = intrude;
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.#inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      if (this.intrusionsLeft > 0) {
        this.intrusionsLeft--;
        await this.#inner.write({ [key]: { value: this.#intrude(key, item as { value: unknown }) } });
      }
    }
    await this.#inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.#inner.delete(keys);
  }
}

/** Counts how often `change` ran, which shows whether an update was re-applied after a conflict. */
function counted<T>(change: (current: T | undefined) => T | undefined) {
  const seen: (T | undefined)[] = [];
  return { seen, change: (current: T | undefined) => (seen.push(current), change(current)) };
}

const increment = (n: number | undefined) => (n ?? 0) + 1;

describe('StorageRecordStore', () => {
  const directory = useTempDirectory();
  const backends: [string, () => Promise<Storage>][] = [
    ['MemoryStorage', async () => new MemoryStorage()],
    ['FileStorage', () => FileStorage.open(directory())],
  ];

  for (const [backend, openStorage] of backends) {
    describe(`over ${backend}`, () => {
      let storage: Storage;
      beforeEach(async () => {
        storage = await openStorage();
      });

      it('get of a record never written is undefined', async () => {
        assert.equal(await new StorageRecordStore<number>(storage, 'calls/').get('nope'), undefined);
      });

      it('update creates and changes a record and resolves to what is stored', async () => {
        const store = new StorageRecordStore<{ state: string; at?: string }>(storage, 'calls/');
        assert.deepEqual(await store.update('c1', () => ({ state: 'establishing', at: undefined })), { state: 'establishing' });
        assert.deepEqual(await store.update('c1', (call) => call && { ...call, state: 'established' }), { state: 'established' });
        assert.deepEqual(await store.get('c1'), { state: 'established' });
      });

      it('values are any JSON, and a field named eTag is the domain\'s own', async () => {
        const store = new StorageRecordStore<unknown>(storage, 'x/');
        for (const value of [0, 'text', [1, 2], null, { eTag: 'mine', n: 1 }]) {
          await store.update('k', () => value);
          assert.deepEqual(await store.get('k'), value);
        }
      });

      it('returning undefined deletes the record', async () => {
        const store = new StorageRecordStore<number>(storage, 'calls/');
        await store.update('c1', () => 1);
        assert.equal(await store.update('c1', () => undefined), undefined);
        assert.equal(await store.get('c1'), undefined);
        assert.deepEqual(await storage.read(['calls/c1']), {});
      });

      it('returning the very object given skips the write', async () => {
        const store = new StorageRecordStore<{ n: number }>(storage, 'calls/');
        await store.update('c1', () => ({ n: 1 }));
        const before = (await storage.read(['calls/c1']))['calls/c1'].eTag;
        assert.deepEqual(await store.update('c1', (current) => current), { n: 1 });
        assert.equal((await storage.read(['calls/c1']))['calls/c1'].eTag, before);
      });

      it('the value given to change is frozen, so an in-place edit fails loudly instead of being dropped', async () => {
        const store = new StorageRecordStore<{ roster: string[] }>(storage, 'calls/');
        await store.update('c1', () => ({ roster: ['a'] }));
        await assert.rejects(store.update('c1', (call) => {
          call?.roster.push('b');
          return call;
        }), TypeError);
        assert.deepEqual(await store.get('c1'), { roster: ['a'] });
      });

      it('callers get copies: changing what get or update returned changes nothing stored', async () => {
        const store = new StorageRecordStore<{ roster: string[] }>(storage, 'calls/');
        const given = { roster: ['a'] };
        const updated = await store.update('c1', () => given);
        given.roster.push('given');
        updated?.roster.push('updated');
        (await store.get('c1'))?.roster.push('got');
        assert.deepEqual(await store.get('c1'), { roster: ['a'] });
      });

      it('prefixes keep stores apart in one Storage', async () => {
        const calls = new StorageRecordStore<string>(storage, 'calls/');
        const handles = new StorageRecordStore<string>(storage, 'handles/');
        await calls.update('k', () => 'call');
        await handles.update('k', () => 'handle');
        await handles.delete('k');
        assert.equal(await calls.get('k'), 'call');
        assert.equal(await handles.get('k'), undefined);
      });

      it('50 concurrent updates of one key through two stores all land', async () => {
        const stores = [new StorageRecordStore<number>(storage, 'n/'), new StorageRecordStore<number>(storage, 'n/')];
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]?.update('k', increment)));
        assert.equal(await stores[0]?.get('k'), 50);
        assert.deepEqual([...results].sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('concurrent updates from two processes sharing the store all land', async () => {
        const here = new StorageRecordStore<number>(storage, 'n/', { maxAttempts: 100 });
        const there = new StorageRecordStore<number>(secondProcess(storage), 'n/', { maxAttempts: 100 });
        await here.update('k', () => 0);
        await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? here : there).update('k', increment)));
        assert.equal(await here.get('k'), 40);
      });

      it('a write that lost an eTag race is re-applied on top of the winner', async () => {
        await new StorageRecordStore<number>(storage, 'n/').update('k', () => 0);
        const intruder = new IntrudingStorage(storage, 1, () => 10);
        const { seen, change } = counted(increment);
        assert.equal(await new StorageRecordStore<number>(intruder, 'n/').update('k', change), 11);
        assert.deepEqual(seen, [0, 10]);
        assert.equal(await new StorageRecordStore<number>(storage, 'n/').get('k'), 11);
      });

      it('gives up with a typed error after the configured number of attempts', async () => {
        await new StorageRecordStore<number>(storage, 'n/').update('k', () => 0);
        let intruded = 100;
        const intruder = new IntrudingStorage(storage, Infinity, () => intruded++);
        const { seen, change } = counted(increment);
        await assert.rejects(new StorageRecordStore<number>(intruder, 'n/', { maxAttempts: 3 }).update('k', change),
          (error: unknown) => error instanceof RecordUpdateConflictError && error.attempts === 3 && error.key === 'n/k');
        assert.equal(seen.length, 3);
      });

      it('a failure that is not a conflict is passed on without retrying', async () => {
        await new StorageRecordStore<number>(storage, 'n/').update('k', () => 0);
        const diskFull = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        const failing: Storage = { ...secondProcess(storage), write: () => Promise.reject(diskFull) };
        const { seen, change } = counted(increment);
        await assert.rejects(new StorageRecordStore<number>(failing, 'n/').update('k', change), (error) => error === diskFull);
        assert.equal(seen.length, 1);
        assert.equal(await new StorageRecordStore<number>(storage, 'n/').get('k'), 0);
      });

      it('an item under its prefix that is not a record is a typed error', async () => {
        await storage.write({ 'calls/c1': { state: 'written by something else' } });
        await assert.rejects(new StorageRecordStore(storage, 'calls/').get('c1'), StorageCorruptError);
      });
    });
  }

  it('keeps records across a restart over FileStorage', async () => {
    const before = new StorageRecordStore<{ chat: string }>(await FileStorage.open(directory()), 'conversations/');
    await before.update('19:abc@thread.v2', () => ({ chat: 'reference' }));
    const after = new StorageRecordStore<{ chat: string }>(await FileStorage.open(directory()), 'conversations/');
    assert.deepEqual(await after.get('19:abc@thread.v2'), { chat: 'reference' });
  });

  it('rejects a maxAttempts that would never write', () => {
    assert.throws(() => new StorageRecordStore(new MemoryStorage(), 'x/', { maxAttempts: 0 }), RangeError);
  });
});
