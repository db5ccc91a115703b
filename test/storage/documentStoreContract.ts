import assert from 'node:assert/strict';
import type { DocumentStore } from '../../src/storage/documentStore.js';

export interface OpenedStore {
  store: DocumentStore;
  cleanup?: () => Promise<void>;
}

/** Keys that need escaping somewhere: Teams ids, path tricks, URL syntax, Unicode, dots where names must not end. */
const ODD_KEYS = [
  'odd/19:abc@thread.v2',
  'odd/a;b',
  'odd/with space',
  'odd/ünïcødé 🎉',
  'odd/..',
  'odd/.',
  'odd/.hidden',
  'odd/%2F',
  'odd/%',
  'odd/trailing.',
  'odd/UPPER',
  'odd/upper',
  'odd/*?#&+=',
  'odd/back\\slash',
  'odd/con',
  'odd//empty segment',
  'odd/ends with slash/',
];

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const found: string[] = [];
  for await (const key of keys) found.push(key);
  return found.sort();
}

/**
 * Reads and writes back `n + 1` until the write wins; a lost update would leave the final count short. A loser backs
 * off for a random, growing moment, as real callers do, only so 200 writers on a networked store do not spend minutes
 * re-colliding; correctness never depends on it, and the writers still race.
 */
async function increment(store: DocumentStore, key: string): Promise<number> {
  for (let attempt = 1; attempt <= 1_000; attempt++) {
    const current = await store.get(key);
    assert.ok(current, `${key} disappeared`);
    const { n } = current.value as { n: number };
    if (await store.putIfMatch(key, { n: n + 1 }, current.eTag)) return attempt;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(10 * 2 ** attempt, 2_000)));
  }
  throw new Error(`increment of ${key} never won a race`);
}

/**
 * What Rally relies on from every DocumentStore. The in-memory reference runs it too, so the suite is known to describe
 * the reference and not one implementation's accidents.
 */
export function describeDocumentStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} behaves like a DocumentStore`, () => {
    let opened: OpenedStore | undefined;
    let store: DocumentStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened?.store.close();
      await opened?.cleanup?.();
      opened = undefined;
    });

    it('get of a key never written resolves to undefined', async () => {
      assert.equal(await store.get('never/written'), undefined);
    });

    it('getIfChanged answers unchanged while the eTag is current, the document once it changed, undefined once it is gone', async () => {
      const first = await store.createIfAbsent('calls/1', { n: 1 });
      assert.ok(first);
      assert.equal(await store.getIfChanged('calls/1', first), 'unchanged');
      const second = await store.putIfMatch('calls/1', { n: 2 }, first);
      assert.ok(second);
      assert.deepEqual(await store.getIfChanged('calls/1', first), { value: { n: 2 }, eTag: second });
      assert.equal(await store.getIfChanged('calls/1', second), 'unchanged');
      assert.equal(await store.deleteIfMatch('calls/1', second), true);
      assert.equal(await store.getIfChanged('calls/1', second), undefined);
      assert.equal(await store.getIfChanged('never/written', first), undefined);
    });

    it('createIfAbsent stores the value and get returns it with the same eTag', async () => {
      const eTag = await store.createIfAbsent('calls/1', { state: 'ringing', list: [1, 'two', null], nested: { ok: true } });
      assert.equal(typeof eTag, 'string');
      assert.deepEqual(await store.get('calls/1'), {
        value: { state: 'ringing', list: [1, 'two', null], nested: { ok: true } },
        eTag,
      });
    });

    it('stores JSON values that are not objects', async () => {
      for (const [index, value] of [0, 'text', null, true, [1, 2]].entries()) {
        await store.createIfAbsent(`scalars/${index}`, value);
        assert.deepEqual((await store.get(`scalars/${index}`))?.value, value);
      }
    });

    it('a second createIfAbsent resolves to undefined and leaves the first value', async () => {
      const first = await store.createIfAbsent('k', { n: 1 });
      assert.equal(await store.createIfAbsent('k', { n: 2 }), undefined);
      assert.deepEqual(await store.get('k'), { value: { n: 1 }, eTag: first });
    });

    it('putIfMatch with the current eTag replaces the value and returns a new eTag', async () => {
      const first = await store.createIfAbsent('k', { n: 1 });
      assert.ok(first);
      const second = await store.putIfMatch('k', { n: 2 }, first);
      assert.equal(typeof second, 'string');
      assert.notEqual(second, first);
      assert.deepEqual(await store.get('k'), { value: { n: 2 }, eTag: second });
    });

    it('putIfMatch with a stale eTag resolves to undefined and leaves the newer value', async () => {
      const stale = await store.createIfAbsent('k', { n: 1 });
      assert.ok(stale);
      const current = await store.putIfMatch('k', { n: 2 }, stale);
      assert.equal(await store.putIfMatch('k', { n: 3 }, stale), undefined);
      assert.deepEqual(await store.get('k'), { value: { n: 2 }, eTag: current });
    });

    it('putIfMatch on a deleted key resolves to undefined and does not bring it back', async () => {
      const eTag = await store.createIfAbsent('k', { n: 1 });
      assert.ok(eTag);
      assert.equal(await store.deleteIfMatch('k', eTag), true);
      assert.equal(await store.putIfMatch('k', { n: 2 }, eTag), undefined);
      assert.equal(await store.get('k'), undefined);
    });

    it('putIfMatch on a key that never existed resolves to undefined', async () => {
      assert.equal(await store.putIfMatch('never', { n: 1 }, 'made-up'), undefined);
      assert.equal(await store.get('never'), undefined);
    });

    it('deleteIfMatch with the current eTag deletes and resolves to true', async () => {
      const eTag = await store.createIfAbsent('k', { n: 1 });
      assert.ok(eTag);
      assert.equal(await store.deleteIfMatch('k', eTag), true);
      assert.equal(await store.get('k'), undefined);
      assert.ok(await store.createIfAbsent('k', { n: 2 }), 'a deleted key can be created again');
    });

    it('deleteIfMatch with a stale eTag resolves to false and keeps the document', async () => {
      const stale = await store.createIfAbsent('k', { n: 1 });
      assert.ok(stale);
      const current = await store.putIfMatch('k', { n: 2 }, stale);
      assert.equal(await store.deleteIfMatch('k', stale), false);
      assert.deepEqual(await store.get('k'), { value: { n: 2 }, eTag: current });
    });

    it('deleteIfMatch of a missing key resolves to false', async () => {
      assert.equal(await store.deleteIfMatch('missing', 'made-up'), false);
      const eTag = await store.createIfAbsent('k', { n: 1 });
      assert.ok(eTag);
      assert.equal(await store.deleteIfMatch('k', eTag), true);
      assert.equal(await store.deleteIfMatch('k', eTag), false, 'the second delete of the same version');
    });

    it('an eTag from a deleted and recreated document does not match the new one', async () => {
      const old = await store.createIfAbsent('k', { n: 1 });
      assert.ok(old);
      await store.deleteIfMatch('k', old);
      await store.createIfAbsent('k', { n: 2 });
      assert.equal(await store.putIfMatch('k', { n: 3 }, old), undefined);
      assert.equal(await store.deleteIfMatch('k', old), false);
      assert.deepEqual((await store.get('k'))?.value, { n: 2 });
    });

    it('listByPrefix finds nested keys under whole-segment and mid-segment prefixes', async () => {
      const keys = ['calls/1', 'calls/12', 'calls/2', 'calls/1/legs/a', 'callsign', 'chats/1', 'c'];
      for (const key of keys) await store.createIfAbsent(key, { key });
      assert.deepEqual(await collect(store.listByPrefix('calls/')), ['calls/1', 'calls/1/legs/a', 'calls/12', 'calls/2']);
      assert.deepEqual(await collect(store.listByPrefix('calls/1')), ['calls/1', 'calls/1/legs/a', 'calls/12']);
      assert.deepEqual(await collect(store.listByPrefix('calls/1/')), ['calls/1/legs/a']);
      assert.deepEqual(await collect(store.listByPrefix('call')), ['calls/1', 'calls/1/legs/a', 'calls/12', 'calls/2', 'callsign']);
      assert.deepEqual(await collect(store.listByPrefix('calls/1/legs/a')), ['calls/1/legs/a']);
      assert.deepEqual(await collect(store.listByPrefix('')), [...keys].sort());
    });

    it('listByPrefix resolves to nothing when nothing matches', async () => {
      assert.deepEqual(await collect(store.listByPrefix('nothing/')), []);
      await store.createIfAbsent('calls/1', {});
      assert.deepEqual(await collect(store.listByPrefix('calls/1/')), []);
      assert.deepEqual(await collect(store.listByPrefix('calls/3')), []);
      assert.deepEqual(await collect(store.listByPrefix('callz')), []);
    });

    it('listByPrefix does not list deleted keys', async () => {
      const eTag = await store.createIfAbsent('gone/1', {});
      await store.createIfAbsent('gone/2', {});
      assert.ok(eTag);
      await store.deleteIfMatch('gone/1', eTag);
      assert.deepEqual(await collect(store.listByPrefix('gone/')), ['gone/2']);
    });

    it('keys with odd characters round-trip through every operation and listing', async () => {
      for (const key of ODD_KEYS) assert.ok(await store.createIfAbsent(key, { key }), `create ${JSON.stringify(key)}`);
      for (const key of ODD_KEYS) {
        const stored = await store.get(key);
        assert.deepEqual(stored?.value, { key }, `get ${JSON.stringify(key)}`);
        assert.ok(stored && await store.putIfMatch(key, { key, n: 2 }, stored.eTag), `put ${JSON.stringify(key)}`);
      }
      assert.deepEqual(await collect(store.listByPrefix('odd/')), [...ODD_KEYS].sort());
      assert.deepEqual(await collect(store.listByPrefix('odd/.')), ['odd/.', 'odd/..', 'odd/.hidden']);
      assert.deepEqual(await collect(store.listByPrefix('odd/%')), ['odd/%', 'odd/%2F']);
      assert.deepEqual(await collect(store.listByPrefix('odd/trailing')), ['odd/trailing.']);
      assert.deepEqual(await collect(store.listByPrefix('odd/trailing.')), ['odd/trailing.']);
      assert.deepEqual(await collect(store.listByPrefix('odd/U')), ['odd/UPPER']);
      assert.deepEqual(await collect(store.listByPrefix('odd/ü')), ['odd/ünïcødé 🎉']);
      assert.deepEqual(await collect(store.listByPrefix('odd/ünïcødé \ud83c')), ['odd/ünïcødé 🎉'], 'half an emoji');
      assert.deepEqual(await collect(store.listByPrefix('odd//')), ['odd//empty segment']);
      assert.deepEqual(await collect(store.listByPrefix('odd/ends with slash/')), ['odd/ends with slash/']);
      assert.deepEqual(await collect(store.listByPrefix('odd/19:abc@')), ['odd/19:abc@thread.v2']);
      for (const key of ODD_KEYS) {
        const stored = await store.get(key);
        assert.ok(stored && await store.deleteIfMatch(key, stored.eTag), `delete ${JSON.stringify(key)}`);
      }
      assert.deepEqual(await collect(store.listByPrefix('odd/')), []);
    });

    it('a key of the maximum length with a long segment round-trips', async () => {
      const key = `long/${'Ab.é'.repeat(127)}`.slice(0, 512);
      assert.equal(key.length, 512);
      assert.ok(key.slice(0, 300).endsWith('.'), 'the mid-segment prefix below ends in a dot');
      assert.ok(await store.createIfAbsent(key, { long: true }));
      assert.deepEqual((await store.get(key))?.value, { long: true });
      assert.deepEqual(await collect(store.listByPrefix('long/Ab.éAb')), [key]);
      assert.deepEqual(await collect(store.listByPrefix(key.slice(0, 300))), [key]);
    });

    it('values are copied: mutating what was written or read does not change the store', async () => {
      const written = { nested: { n: 1 }, list: [1] };
      const eTag = await store.createIfAbsent('k', written);
      written.nested.n = 99;
      written.list.push(2);
      const read = (await store.get('k'))?.value as typeof written;
      read.nested.n = 42;
      assert.deepEqual((await store.get('k'))?.value, { nested: { n: 1 }, list: [1] });

      assert.ok(eTag);
      const replacement = { n: 2 };
      await store.putIfMatch('k', replacement, eTag);
      replacement.n = 3;
      assert.deepEqual((await store.get('k'))?.value, { n: 2 });
    });

    it('exactly one of 20 concurrent createIfAbsent calls for a key wins', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.createIfAbsent('race', { i })));
      const winners = results.flatMap((eTag, i) => eTag === undefined ? [] : [{ eTag, i }]);
      assert.equal(winners.length, 1);
      assert.deepEqual(await store.get('race'), { value: { i: winners[0]?.i }, eTag: winners[0]?.eTag });
    });

    it('exactly one of 20 concurrent putIfMatch calls with the same eTag wins', async () => {
      const eTag = await store.createIfAbsent('race', { i: -1 });
      assert.ok(eTag);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.putIfMatch('race', { i }, eTag)));
      const winners = results.flatMap((next, i) => next === undefined ? [] : [{ eTag: next, i }]);
      assert.equal(winners.length, 1);
      assert.deepEqual(await store.get('race'), { value: { i: winners[0]?.i }, eTag: winners[0]?.eTag });
    });

    it('exactly one of 20 concurrent deleteIfMatch calls with the same eTag wins', async () => {
      const eTag = await store.createIfAbsent('race', {});
      assert.ok(eTag);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.deleteIfMatch('race', eTag)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('200 concurrent read-and-putIfMatch increments lose no update', async function () {
      // Azurite answers a few hundred requests a second, and 200 writers on one blob make thousands of them.
      this.timeout(120_000);
      await store.createIfAbsent('counter', { n: 0 });
      await Promise.all(Array.from({ length: 200 }, () => increment(store, 'counter')));
      assert.deepEqual((await store.get('counter'))?.value, { n: 200 });
    });

    it('keys are independent: concurrent writes to different keys all land', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => `many/${i}`);
      await Promise.all(keys.map((key) => store.createIfAbsent(key, { key })));
      assert.deepEqual(await collect(store.listByPrefix('many/')), [...keys].sort());
    });

    it('checkReady resolves and leaves no key behind', async () => {
      await store.checkReady();
      assert.deepEqual(await collect(store.listByPrefix('')), []);
    });
  });
}
