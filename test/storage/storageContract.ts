import assert from 'node:assert/strict';
import type { Storage } from 'botbuilder';

/**
 * What Rally relies on from any botbuilder Storage, taken from MemoryStorage's behaviour. Every implementation Rally may
 * run on is checked against it, MemoryStorage included, so the suite itself is known to describe the reference.
 */
export function describeStorageContract(name: string, openStorage: () => Promise<Storage>): void {
  describe(`${name} behaves like botbuilder Storage`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await openStorage();
    });

    it('reading keys that were never written returns no items', async () => {
      assert.deepEqual(await storage.read(['missing', 'also/missing']), {});
    });

    it('reads back what was written, with an eTag added', async () => {
      await storage.write({ a: { n: 1, nested: { list: [1, 'two'] } }, b: { n: 2 } });
      const items = await storage.read(['a', 'b', 'c']);
      assert.deepEqual(Object.keys(items).sort(), ['a', 'b']);
      const { eTag, ...a } = items.a;
      assert.equal(typeof eTag, 'string');
      assert.deepEqual(a, { n: 1, nested: { list: [1, 'two'] } });
      assert.equal(items.b.n, 2);
    });

    it('every write gets a new eTag', async () => {
      await storage.write({ k: { n: 1 } });
      const first = (await storage.read(['k'])).k.eTag;
      await storage.write({ k: { n: 2 } });
      assert.notEqual((await storage.read(['k'])).k.eTag, first);
    });

    it('hands out copies: neither the written nor the read object is shared with the store', async () => {
      const written = { n: 1, nested: { n: 1 } };
      await storage.write({ k: written });
      written.nested.n = 99;
      const read = (await storage.read(['k'])).k;
      read.nested.n = 42;
      assert.equal((await storage.read(['k'])).k.nested.n, 1);
    });

    it('a write carrying the current eTag succeeds', async () => {
      await storage.write({ k: { n: 1 } });
      const current = (await storage.read(['k'])).k;
      await storage.write({ k: { ...current, n: 2 } });
      assert.equal((await storage.read(['k'])).k.n, 2);
    });

    it('a write carrying a stale eTag is rejected and the newer value stays', async () => {
      await storage.write({ k: { n: 1 } });
      const stale = (await storage.read(['k'])).k;
      await storage.write({ k: { ...stale, n: 2 } });
      await assert.rejects(storage.write({ k: { ...stale, n: 3 } }), /eTag conflict/);
      assert.equal((await storage.read(['k'])).k.n, 2);
    });

    it("eTag '*' or no eTag overwrites whatever is stored", async () => {
      await storage.write({ k: { n: 1 } });
      await storage.write({ k: { n: 2, eTag: '*' } });
      assert.equal((await storage.read(['k'])).k.n, 2);
      await storage.write({ k: { n: 3 } });
      assert.equal((await storage.read(['k'])).k.n, 3);
    });

    it('delete removes the named keys only, and deleting a missing key is fine', async () => {
      await storage.write({ a: { n: 1 }, b: { n: 2 } });
      await storage.delete(['a', 'never-written']);
      const items = await storage.read(['a', 'b']);
      assert.deepEqual(Object.keys(items), ['b']);
    });
  });
}
