// The typed record store over a document store: what `update` hands its change, when it writes, and that a record it
// keeps between updates (to skip reading an unchanged one again) never hides another writer's change.
import assert from 'node:assert/strict';
import { DocumentRecordStore, RECORD_SCHEMA_VERSION } from '../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../src/storage/memoryDocumentStore.js';
import sinon from 'sinon';
import { LogCapture } from '../support/logCapture.js';

interface Counter {
  n: number;
  history: number[];
}

const bump = (current: Counter | undefined): Counter => ({ n: (current?.n ?? 0) + 1, history: [...(current?.history ?? []), (current?.n ?? 0) + 1] });

describe('DocumentRecordStore', () => {
  let documents: MemoryDocumentStore;
  let counters: DocumentRecordStore<Counter>;
  beforeEach(() => {
    documents = new MemoryDocumentStore();
    counters = new DocumentRecordStore<Counter>(documents, 'counters/');
  });

  it('hands change a deeply frozen record: an edit in place throws instead of being lost', async () => {
    await counters.update('a', bump);
    await assert.rejects(
      counters.update('a', (current) => {
        current!.history.push(99);
        return current;
      }),
      TypeError,
    );
    assert.deepEqual(await counters.get('a'), { n: 1, history: [1] });
  });

  it('writes nothing when change returns the record it was given, and resolves to that record', async () => {
    await counters.update('a', bump);
    const { eTag } = (await documents.get('counters/a'))!;
    const kept = await counters.update('a', (current) => current);
    assert.deepEqual(kept, { n: 1, history: [1] });
    assert.equal((await documents.get('counters/a'))!.eTag, eTag);
  });

  it('reuses the record it read while the store says it is unchanged, and reads it again once another writer changed it', async () => {
    await counters.update('a', bump);
    const given: Counter[] = [];
    const look = (current: Counter | undefined) => {
      given.push(current!);
      return current;
    };
    await counters.update('a', look);
    await counters.update('a', look);
    assert.equal(given[0], given[1], 'the same frozen record, not read and parsed again');

    // Another instance on the same store.
    await new DocumentRecordStore<Counter>(documents, 'counters/').update('a', bump);
    await counters.update('a', look);
    // What it knew is looked at first, found changed in the store, and the change is applied to the record as it is.
    assert.deepEqual(given.at(-1), { n: 2, history: [1, 2] });
  });

  it('changes a record it wrote with one conditional write and no read before it', async () => {
    await counters.update('a', bump);
    const get = sinon.spy(documents, 'get');
    const getIfChanged = sinon.spy(documents, 'getIfChanged');
    const putIfMatch = sinon.spy(documents, 'putIfMatch');
    await counters.update('a', bump);
    await counters.update('a', bump);
    assert.deepEqual([get.callCount, getIfChanged.callCount, putIfMatch.callCount], [0, 0, 2]);
    assert.deepEqual(await counters.get('a'), { n: 3, history: [1, 2, 3] });
  });

  it('applies a change made on a copy another writer has since replaced to the stored record, losing neither', async () => {
    await counters.update('a', bump);
    await new DocumentRecordStore<Counter>(documents, 'counters/').update('a', bump);
    const putIfMatch = sinon.spy(documents, 'putIfMatch');
    assert.deepEqual(await counters.update('a', bump), { n: 3, history: [1, 2, 3] });
    assert.equal(putIfMatch.callCount, 2, 'the write on the stale copy is refused, the one on the stored record goes through');
  });

  it('creates a record it is told is likely new without reading first, and changes the one that exists when it is not', async () => {
    const get = sinon.spy(documents, 'get');
    const create = sinon.spy(documents, 'createIfAbsent');
    assert.deepEqual(await counters.update('new', bump, { likelyAbsent: true }), { n: 1, history: [1] });
    assert.deepEqual([get.callCount, create.callCount], [0, 1]);
    await new DocumentRecordStore<Counter>(documents, 'counters/').update('there', bump);
    assert.deepEqual(await counters.update('there', bump, { likelyAbsent: true }), { n: 2, history: [1, 2] });
  });

  it('peeks at the record as it last knew it, without a request, and reads one it does not know', async () => {
    await counters.update('a', bump);
    await new DocumentRecordStore<Counter>(documents, 'counters/').update('a', bump);
    const get = sinon.spy(documents, 'get');
    assert.deepEqual(await counters.peek('a'), { n: 1, history: [1] }, 'what this process wrote, not re-read');
    assert.equal(get.callCount, 0);
    assert.deepEqual(await new DocumentRecordStore<Counter>(documents, 'counters/').peek('a'), { n: 2, history: [1, 2] });
  });

  it('loses no update when two stores over one document store write the same record at once', async () => {
    const other = new DocumentRecordStore<Counter>(documents, 'counters/');
    await counters.update('a', bump);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? counters : other).update('a', bump)));
    assert.equal((await counters.get('a'))!.n, 41);
    assert.equal((await other.get('a'))!.history.length, 41);
  });

  it('sees a record deleted by another writer as absent', async () => {
    await counters.update('a', bump);
    await counters.update('a', (current) => current);
    await new DocumentRecordStore<Counter>(documents, 'counters/').delete('a');
    assert.deepEqual(await counters.update('a', bump), { n: 1, history: [1] });
  });

  it('moves a record of an unknown schema version under quarantine/ and treats it as absent', async () => {
    const logs = new LogCapture();
    const store = new DocumentRecordStore<Counter>(documents, 'counters/', { log: logs.log });
    await documents.createIfAbsent('counters/old', { schema: RECORD_SCHEMA_VERSION + 1, value: { n: 7 } });

    assert.deepEqual(await store.update('old', bump), { n: 1, history: [1] });
    const aside: string[] = [];
    for await (const key of documents.listByPrefix('quarantine/')) aside.push(key);
    assert.deepEqual(aside, ['quarantine/counters/old']);
    assert.ok(logs.records().some((r) => /quarantine/.test(r.msg)));
  });
});
