import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContainerClient } from '@azure/storage-blob';
import fc from 'fast-check';
import { BlobDocumentStore, blobPipelineOptions } from '../../src/storage/blobDocumentStore.js';
import type { BlobRetrySettings } from '../../src/storage/blobDocumentStore.js';
import { blobName, blobNamePrefix, keyOfBlobName } from '../../src/storage/blobKeyNames.js';
import { FileDocumentStore } from '../../src/storage/fileDocumentStore.js';
import { decodeName, documentPath, parseEntryName } from '../../src/storage/fileKeyNames.js';
import { MemoryDocumentStore } from '../../src/storage/memoryDocumentStore.js';
import { StoreLockedError, StoreUnavailableError } from '../../src/storage/storageErrors.js';
import { startAzurite } from '../support/azurite.js';
import type { Azurite } from '../support/azurite.js';
import { describeDocumentStoreContract } from './documentStoreContract.js';
import { makeTempDirectory, useTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const found: string[] = [];
  for await (const key of keys) found.push(key);
  return found.sort();
}

/** Retries `attempt` until it resolves, or rethrows its last failure once `deadlineMs` has passed. */
async function eventually<T>(deadlineMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

let containers = 0;
/** A container of its own for every test, so tests never see each other's blobs. */
function newContainer(azurite: Azurite, settings?: BlobRetrySettings): ContainerClient {
  return new ContainerClient(azurite.connectionString, `rally-${process.pid}-${++containers}`, blobPipelineOptions(settings));
}

// Keys made mostly of the characters the encodings treat specially, plus any UTF-16 unit (lone surrogates included).
const keys = fc.string({
  unit: fc.oneof(
    fc.constantFrom('/', '.', '%', '\\', '^', '~', '=', '+', '_', 'a', 'A', 'é', '🎉', ' '),
    fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  ),
  minLength: 1,
  maxLength: 80,
});

/** The key a document path stands for, read back the way the file store's listing does. */
function keyOfPath(names: string[]): string {
  return names.map((name) => {
    const parsed = parseEntryName(name);
    assert.ok(parsed, `not a name the store writes: ${name}`);
    const text = decodeName(parsed.text);
    return parsed.kind === 'segment' ? `${text}/` : text;
  }).join('');
}

describe('key names', () => {
  it('file names round-trip every key, stay short and lowercase, and are never dot names', () => {
    fc.assert(fc.property(keys, (key) => {
      const names = documentPath(key);
      assert.equal(keyOfPath(names), key);
      for (const name of names) {
        assert.ok(name.length <= 200, name);
        assert.equal(name, name.toLowerCase());
        assert.ok(!name.startsWith('.'), name);
      }
    }), { numRuns: 2_000 });
  });

  it('blob names round-trip every key, never end in . or /, and a prefix names a prefix', () => {
    fc.assert(fc.property(keys, fc.nat(), (key, cut) => {
      const name = blobName(key);
      assert.equal(keyOfBlobName(name), key);
      assert.ok(!name.endsWith('.') && !name.endsWith('/'), name);
      assert.ok(name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'), name);
      const prefix = key.slice(0, cut % (key.length + 1));
      assert.ok(name.startsWith(blobNamePrefix(prefix)), `${JSON.stringify(prefix)} of ${JSON.stringify(key)}`);
    }), { numRuns: 2_000 });
  });

  it('safe keys are their own blob name', () => {
    assert.equal(blobName('calls/19:abc@thread.v2'), 'calls/19:abc@thread.v2');
    assert.equal(blobName('handles/Chat Room/a;b'), 'handles/Chat Room/a;b');
  });
});

describe('document stores', () => {
  describeDocumentStoreContract('MemoryDocumentStore', async () => ({ store: new MemoryDocumentStore() }));

  describeDocumentStoreContract('FileDocumentStore', async () => {
    const directory = await makeTempDirectory('rally-documents-');
    return { store: await FileDocumentStore.open(directory.path), cleanup: directory.remove };
  });

  describe('on Azurite', () => {
    let azurite: Azurite | undefined;
    before(async function () {
      this.timeout(30_000);
      azurite = await startAzurite();
    });
    after(async function () {
      this.timeout(15_000);
      await azurite?.stop();
    });

    describeDocumentStoreContract('BlobDocumentStore', async () => {
      assert.ok(azurite, 'Azurite did not start');
      const container = newContainer(azurite);
      return {
        store: await BlobDocumentStore.create(container),
        cleanup: async () => {
          await container.deleteIfExists();
        },
      };
    });

    it('a blob that is not JSON is copied under quarantine/, removed, and reads as absent', async () => {
      assert.ok(azurite, 'Azurite did not start');
      const container = newContainer(azurite);
      const told: string[] = [];
      const store = await BlobDocumentStore.create(container, { onQuarantined: (key) => told.push(key) });
      try {
        await store.createIfAbsent('calls/fine', { n: 1 });
        await container.getBlockBlobClient('calls/broken').upload('{"trunc', 7);

        assert.equal(await store.get('calls/broken'), undefined);
        assert.deepEqual(told, ['calls/broken']);
        const keys: string[] = [];
        for await (const key of store.listByPrefix('')) keys.push(key);
        assert.equal(keys.filter((k) => k.startsWith('quarantine/calls/broken/')).length, 1);
        const aside = await store.get(keys.find((k) => k.startsWith('quarantine/'))!);
        assert.deepEqual(aside?.value, { unreadable: '{"trunc' });
        assert.ok(await store.createIfAbsent('calls/broken', { n: 2 }), 'the key can be written again');
        assert.deepEqual((await store.get('calls/fine'))?.value, { n: 1 });
      } finally {
        await container.deleteIfExists();
      }
    });
  });
});

describe('FileDocumentStore', () => {
  const directory = useTempDirectory('rally-storage-');
  const opened: FileDocumentStore[] = [];
  const children: ChildProcess[] = [];
  async function open(options?: Parameters<typeof FileDocumentStore.open>[1]): Promise<FileDocumentStore> {
    const store = await FileDocumentStore.open(directory(), options);
    opened.push(store);
    return store;
  }
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const store of opened.splice(0)) await store.close();
  });

  it('keeps documents, eTags and listings across close and reopen', async () => {
    const before = await open();
    const eTag = await before.createIfAbsent('calls/19:abc@thread.v2', { state: 'established' });
    await before.createIfAbsent('handles/Chat Room', { next: 3 });
    await before.close();

    const after = await open();
    assert.deepEqual(await after.get('calls/19:abc@thread.v2'), { value: { state: 'established' }, eTag });
    assert.equal(await after.getIfChanged('calls/19:abc@thread.v2', eTag ?? ''), 'unchanged', 'judged by the eTag in the file');
    assert.deepEqual(await collect(after.listByPrefix('')), ['calls/19:abc@thread.v2', 'handles/Chat Room']);
    assert.ok(await after.putIfMatch('calls/19:abc@thread.v2', { state: 'terminated' }, eTag ?? ''));
  });

  it('lays documents out one file per key, one directory per segment, with the key inside', async () => {
    const store = await open();
    await store.createIfAbsent('calls/1', { n: 1 });
    assert.deepEqual(documentPath('calls/1'), ['calls', '1.json']);
    const names = await readdir(path.join(directory(), 'calls'));
    assert.deepEqual(names, ['1.json']);
  });

  it('a file that is not a document is moved into .quarantine and reads as absent; the key and other keys work on', async () => {
    const told: string[] = [];
    const before = await open();
    await before.createIfAbsent('calls/broken', { n: 1 });
    await before.createIfAbsent('calls/fine', { n: 2 });
    await before.close();
    // Damaged while Rally was stopped.
    await writeFile(path.join(directory(), ...documentPath('calls/broken')), '{"key": "calls/bro');
    const store = await open({ onQuarantined: (key) => told.push(key) });

    assert.equal(await store.get('calls/broken'), undefined);
    assert.deepEqual(told, ['calls/broken']);
    const aside = await readdir(path.join(directory(), '.quarantine'));
    assert.equal(aside.length, 1);
    assert.equal(await readFile(path.join(directory(), '.quarantine', aside[0]!), 'utf8'), '{"key": "calls/bro');
    assert.ok(await store.createIfAbsent('calls/broken', { n: 4 }), 'the key can be written again');
    assert.deepEqual((await store.get('calls/fine'))?.value, { n: 2 });
    assert.deepEqual((await collect(store.listByPrefix(''))).sort(), ['calls/broken', 'calls/fine']);
  });

  it('reads back what it wrote without the disk while it holds the directory; what changed on disk while it was closed is read after', async () => {
    const before = await open();
    const eTag = await before.createIfAbsent('calls/1', { n: 1 });
    const file = path.join(directory(), ...documentPath('calls/1'));
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"n":1', '"n":2'));
    // The directory lock makes this process the only writer: a hand edit under it is not seen (the README says so).
    assert.deepEqual(await before.get('calls/1'), { value: { n: 1 }, eTag });
    assert.equal(await before.getIfChanged('calls/1', eTag ?? ''), 'unchanged');
    await before.close();

    const after = await open();
    assert.deepEqual(await after.get('calls/1'), { value: { n: 2 }, eTag });
    await writeFile(file, JSON.stringify({ key: 'calls/1', eTag: 'edited', value: { n: 3 } }));
    assert.deepEqual(await after.getIfChanged('calls/1', eTag ?? ''), { value: { n: 3 }, eTag: 'edited' });
  });

  it('a file holding another key is unreadable too, not read as this one', async () => {
    const before = await open();
    await before.createIfAbsent('a', { n: 1 });
    await before.close();
    await writeFile(path.join(directory(), ...documentPath('a')), '{"key":"b","eTag":"x","value":1}');
    const store = await open();
    assert.equal(await store.get('a'), undefined);
    assert.equal((await readdir(path.join(directory(), '.quarantine'))).length, 1);
  });

  it('a temp file left by a killed write is never listed, and sweepTempFiles removes it once old', async () => {
    const store = await open();
    await store.createIfAbsent('calls/1', { n: 1 });
    const old = path.join(directory(), 'calls', '2.json.tmp-0123abcd');
    const fresh = path.join(directory(), 'calls', '3.json.tmp-4567ef01');
    await writeFile(old, '{"key":"calls/2","eTag":"x","va');
    await writeFile(fresh, '{"key":"calls/3","eTag":"x","va');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(old, hourAgo, hourAgo);

    assert.deepEqual(await collect(store.listByPrefix('')), ['calls/1']);
    assert.deepEqual(await collect(store.listByPrefix('calls/')), ['calls/1']);
    assert.equal(await store.get('calls/2'), undefined);
    assert.equal(await store.sweepTempFiles(60_000), 1);
    await assert.rejects(stat(old), { code: 'ENOENT' });
    await stat(fresh);
    assert.deepEqual((await store.get('calls/1'))?.value, { n: 1 });
  });

  it('a second open in the same process is refused until the first is closed', async () => {
    const first = await open();
    await assert.rejects(FileDocumentStore.open(directory()), StoreLockedError);
    await first.close();
    await open();
  });

  it('refuses writes once the lock is lost, and reports the loss to onLockLost', async () => {
    let lost: Error | undefined;
    const store = await open({ lockStaleMs: 2_000, onLockLost: (error) => { lost = error; } });
    await rm(path.join(directory(), 'rally.lock'), { recursive: true });
    await eventually(5_000, async () => assert.ok(lost, 'onLockLost not called yet'));
    await assert.rejects(store.createIfAbsent('k', {}), StoreUnavailableError);
    await assert.rejects(store.checkReady(), StoreUnavailableError);
  });

  it('another process holding the directory makes open reject; once it is killed, open succeeds', async function () {
    this.timeout(45_000);
    const child = holdInChildProcess(directory());
    children.push(child);
    await untilLine(child, 'open', 15_000);

    await assert.rejects(FileDocumentStore.open(directory()), (error: unknown) => {
      assert.ok(error instanceof StoreLockedError);
      assert.equal(error.code, 'storeLocked');
      assert.match(error.message, /another Rally process is using/);
      assert.ok(error.message.includes(error.directory));
      assert.match(error.message, /RALLY_DATA_DIR/);
      assert.match(error.message, /RALLY_STORE=blob/);
      return true;
    });

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    // The killed process's lock stays on disk; it goes stale once its heartbeat has been silent for 10 s.
    const store = await eventually(20_000, () => FileDocumentStore.open(directory()));
    opened.push(store);
    assert.ok(Date.now() - killedAt < 15_000, `open took ${Date.now() - killedAt} ms after the kill`);
    await store.checkReady();
  });
});

/** A separate Node process that opens the store over `directory`, prints "open", and holds it until killed. */
function holdInChildProcess(directory: string): ChildProcess {
  const module = pathToFileURL(path.resolve('src/storage/fileDocumentStore.ts')).href;
  const script = `
    const { FileDocumentStore } = await import(${JSON.stringify(module)});
    await FileDocumentStore.open(${JSON.stringify(directory)});
    console.log('open');
    setInterval(() => {}, 60_000);
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function untilLine(child: ChildProcess, line: string, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`child did not print "${line}" in time: ${output}`)), deadlineMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${output}`));
    });
  });
}

describe('BlobDocumentStore when Azurite goes away', function () {
  this.timeout(30_000);
  let azurite: Azurite | undefined;
  let location: TempDirectory | undefined;
  before(async () => {
    location = await makeTempDirectory('rally-azurite-data-');
    azurite = await startAzurite({ location: location.path });
  });
  after(async () => {
    await azurite?.stop();
    await location?.remove();
  });

  it('rejects with StoreUnavailableError while it is down and works again, data intact, once it is back', async () => {
    assert.ok(azurite);
    const container = newContainer(azurite, { maxTries: 2, tryTimeoutInMs: 2_000, retryDelayInMs: 100, maxRetryDelayInMs: 200 });
    const store = await BlobDocumentStore.create(container, { operationTimeoutMs: 5_000 });
    const eTag = await store.createIfAbsent('calls/1', { state: 'established' });
    assert.ok(eTag);

    await azurite.stop();
    const started = Date.now();
    await assert.rejects(store.get('calls/1'), StoreUnavailableError);
    await assert.rejects(store.createIfAbsent('calls/2', {}), StoreUnavailableError);
    await assert.rejects(store.putIfMatch('calls/1', {}, eTag), StoreUnavailableError);
    await assert.rejects(store.deleteIfMatch('calls/1', eTag), StoreUnavailableError);
    await assert.rejects(collect(store.listByPrefix('calls/')), StoreUnavailableError);
    await assert.rejects(store.checkReady(), StoreUnavailableError);
    assert.ok(Date.now() - started < 20_000, `six failing calls took ${Date.now() - started} ms`);

    await azurite.restart();
    assert.deepEqual(await store.get('calls/1'), { value: { state: 'established' }, eTag });
    assert.ok(await store.putIfMatch('calls/1', { state: 'terminated' }, eTag));
    assert.deepEqual(await collect(store.listByPrefix('calls/')), ['calls/1']);
    await store.checkReady();
  });
});
