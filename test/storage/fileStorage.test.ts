import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import fc from 'fast-check';
import { FileStorage } from '../../src/storage/fileStorage.js';
import { StorageConflictError, StorageCorruptError } from '../../src/storage/storageErrors.js';
import { describeStorageContract } from './storageContract.js';
import { useTempDirectory } from './tempDirectory.js';

describe('storage contract', () => {
  const directory = useTempDirectory();
  describeStorageContract('MemoryStorage', async () => new MemoryStorage());
  describeStorageContract('FileStorage', () => FileStorage.open(directory()));
});

/** The one file a single-key directory holds, so a test can damage it the way a disk or a person might. */
async function onlyFile(directory: string): Promise<string> {
  const names = await readdir(directory);
  assert.equal(names.length, 1, `expected one file, found ${names.join(', ')}`);
  return path.join(directory, names[0] ?? '');
}

describe('FileStorage', () => {
  const directory = useTempDirectory();

  it('creates a missing data directory, nested ones included', async () => {
    const nested = path.join(directory(), 'a', 'b', 'data');
    const storage = await FileStorage.open(nested);
    await storage.write({ k: { n: 1 } });
    assert.equal((await readdir(nested)).length, 1);
  });

  it('keeps everything across a restart, eTags included', async () => {
    const before = await FileStorage.open(directory());
    await before.write({ 'calls/1': { state: 'established' }, 'handles/chat': { next: 3 } });
    const eTag = (await before.read(['calls/1']))['calls/1'].eTag as string;

    const after = await FileStorage.open(directory());
    const items = await after.read(['calls/1', 'handles/chat']);
    assert.deepEqual(items, {
      'calls/1': { state: 'established', eTag },
      'handles/chat': { next: 3, eTag: items['handles/chat'].eTag },
    });
    await after.write({ 'calls/1': { state: 'terminated', eTag } });
    assert.equal((await after.read(['calls/1']))['calls/1'].state, 'terminated');
  });

  it('a stale eTag is a typed conflict naming the key', async () => {
    const storage = await FileStorage.open(directory());
    await storage.write({ 'calls/1': { n: 1 } });
    const stale = (await storage.read(['calls/1']))['calls/1'];
    await storage.write({ 'calls/1': { n: 2 } });
    await assert.rejects(storage.write({ 'calls/1': { ...stale, n: 3 } }), (error: unknown) =>
      error instanceof StorageConflictError && error.key === 'calls/1' && error.code === 'storageConflict');
  });

  it('an eTag for a record deleted since it was read is a conflict, not a resurrection', async () => {
    const storage = await FileStorage.open(directory());
    await storage.write({ k: { n: 1 } });
    const read = (await storage.read(['k'])).k;
    await storage.delete(['k']);
    await assert.rejects(storage.write({ k: { ...read, n: 2 } }), StorageConflictError);
    assert.deepEqual(await storage.read(['k']), {});
  });

  it('of concurrent writers holding the same eTag exactly one wins, across two stores over one directory', async () => {
    const first = await FileStorage.open(directory());
    const second = await FileStorage.open(directory());
    await first.write({ k: { writer: -1 } });
    const { eTag } = (await first.read(['k'])).k;
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, writer) =>
      (writer % 2 ? first : second).write({ k: { writer, eTag } })));

    const winners = outcomes.flatMap((outcome, writer) => (outcome.status === 'fulfilled' ? [writer] : []));
    assert.equal(winners.length, 1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.ok(outcome.reason instanceof StorageConflictError);
    }
    assert.equal((await second.read(['k'])).k.writer, winners[0]);
  });

  it('a reader racing a writer only ever sees whole records, and no temporary files are left behind', async () => {
    const storage = await FileStorage.open(directory());
    const size = 1_000_000;
    const record = (version: number) => ({ version, payload: String(version % 10).repeat(size) });
    await storage.write({ big: record(0) });

    let writing = true;
    const writer = (async () => {
      try {
        for (let version = 1; version <= 10; version++) await storage.write({ big: record(version) });
      } finally {
        writing = false;
      }
    })();
    let reads = 0;
    while (writing) {
      const { version, payload } = (await storage.read(['big'])).big as ReturnType<typeof record>;
      assert.equal(payload, String(version % 10).repeat(size));
      reads++;
    }
    await writer;

    assert.ok(reads > 0);
    assert.equal((await storage.read(['big'])).big.version, 10);
    assert.deepEqual(await readdir(directory()), [path.basename(await onlyFile(directory()))]);
    assert.match(path.basename(await onlyFile(directory())), /^[0-9a-f]{64}\.json$/);
  });

  describe('a damaged file', () => {
    async function damaged(content: string) {
      const storage = await FileStorage.open(directory());
      await storage.write({ 'calls/1': { n: 1 } });
      await writeFile(await onlyFile(directory()), content);
      await storage.write({ 'calls/2': { n: 2 } });
      return storage;
    }

    for (const [what, content] of [
      ['cut-off JSON', '{"key":"calls/1","item":{"n":'],
      ['an empty file', ''],
      ['JSON of the wrong shape', '{"n":1}'],
      ['another key\'s record', JSON.stringify({ key: 'calls/9', item: { n: 9, eTag: 'x' } })],
    ]) {
      it(`holding ${what} is a typed error naming the key, and other keys stay readable`, async () => {
        const storage = await damaged(content ?? '');
        await assert.rejects(storage.read(['calls/1']), (error: unknown) =>
          error instanceof StorageCorruptError && error.key === 'calls/1' && /calls\/1/.test(error.message));
        assert.equal((await storage.read(['calls/2']))['calls/2'].n, 2);
      });
    }

    it('refuses a conditional write, and is repaired by an unconditional one', async () => {
      const storage = await damaged('not json');
      await assert.rejects(storage.write({ 'calls/1': { n: 5, eTag: 'some-etag' } }), StorageCorruptError);
      await storage.write({ 'calls/1': { n: 5 } });
      assert.equal((await storage.read(['calls/1']))['calls/1'].n, 5);
    });

    it('can be deleted', async () => {
      const storage = await damaged('not json');
      await storage.delete(['calls/1']);
      assert.deepEqual(await storage.read(['calls/1']), {});
    });

    it('that cannot be opened at all is a typed error too', async () => {
      const storage = await FileStorage.open(directory());
      await storage.write({ k: { n: 1 } });
      const file = await onlyFile(directory());
      await storage.delete(['k']);
      await mkdir(file);
      await assert.rejects(storage.read(['k']), StorageCorruptError);
    });
  });

  it('rejects items that are not JSON objects', async () => {
    const storage = await FileStorage.open(directory());
    await assert.rejects(storage.write({ k: 5 }), TypeError);
    await assert.rejects(storage.write({ k: [1] }), TypeError);
    assert.deepEqual(await readdir(directory()), []);
  });

  describe('keys', () => {
    const oddKeys = [
      '19:abc@thread.v2/calls',
      'conversations/a:1Xyz_-AbC==',
      'Case', 'case',
      'caf\u00e9', 'cafe\u0301',
      'ünïcødé 🎉 通话',
      '..', '../../escaped', '/etc/passwd', 'C:\\Windows\\system.ini', 'CON', 'a/./b/../c', '',
      'x'.repeat(2000),
    ];

    it('odd keys round-trip as distinct records and every file stays inside the directory', async () => {
      const data = path.join(directory(), 'data');
      const storage = await FileStorage.open(data);
      await storage.write(Object.fromEntries(oddKeys.map((key, index) => [key, { index }])));

      const items = await storage.read(oddKeys);
      for (const [index, key] of oddKeys.entries()) assert.equal(items[key]?.index, index, `key ${JSON.stringify(key)}`);
      assert.equal((await readdir(data)).length, oddKeys.length);
      assert.deepEqual(await readdir(directory()), ['data']);
      for (const name of await readdir(data)) {
        const stored = JSON.parse(await readFile(path.join(data, name), 'utf8')) as { key: string };
        assert.ok(oddKeys.includes(stored.key));
      }
    });

    it('any set of string keys round-trips (property)', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.string({ unit: 'binary' }), { maxLength: 8 }), async (keys) => {
        const storage = await FileStorage.open(path.join(directory(), String(run++)));
        await storage.write(Object.fromEntries(keys.map((key, index) => [key, { index }])));
        const items = await storage.read(keys);
        assert.deepEqual(keys.map((key) => items[key]?.index), keys.map((_, index) => index));
        assert.equal((await readdir(storage.directory)).length, keys.length);
      }), { numRuns: 40 });
    });
  });
});
