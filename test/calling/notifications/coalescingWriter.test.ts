// Per-key batching with no timer: a quiet key is written at once, and whatever arrives while its write is in flight
// goes into the next write together. The writer here is gated by hand, so each test decides when a write finishes.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CoalescingWriter } from '../../../src/calling/notifications/coalescingWriter.js';

interface Write {
  key: string;
  items: string[];
  finish: () => void;
  fail: (error: Error) => void;
}

/** A writer whose every write waits until the test finishes (or fails) it; each write answers `key:items`. */
function gatedWriter() {
  const writes: Write[] = [];
  const writer = new CoalescingWriter<string, string>(
    (key, items) =>
      new Promise<string>((resolve, reject) => {
        writes.push({ key, items: [...items], finish: () => resolve(`${key}:${items.join(',')}`), fail: reject });
      }),
  );
  return { writer, writes };
}

/** Lets the writer move on (a finished write settles its batch and starts the next) before the test looks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await nextTurn();
}

/** Whether a promise has settled yet, without waiting for it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

describe('CoalescingWriter', () => {
  it('writes a quiet key at once, with just its items', async () => {
    const { writer, writes } = gatedWriter();
    const result = writer.submit('call-a', ['e1', 'e2']);
    await settle();
    assert.deepEqual(
      writes.map((w) => [w.key, w.items]),
      [['call-a', ['e1', 'e2']]],
    );
    writes[0]!.finish();
    assert.equal(await result, 'call-a:e1,e2');
  });

  it('puts everything submitted for a key while its write is in flight into one next write, in order', async () => {
    const { writer, writes } = gatedWriter();
    const first = writer.submit('call-a', ['e1']);
    await settle();
    const waiting = [writer.submit('call-a', ['e2']), writer.submit('call-a', ['e3', 'e4']), writer.submit('call-a', ['e5'])];
    await settle();
    assert.equal(writes.length, 1, 'nothing more is written while the first write is in flight');

    writes[0]!.finish();
    await settle();
    assert.equal(writes.length, 2);
    assert.deepEqual(writes[1]!.items, ['e2', 'e3', 'e4', 'e5']);
    writes[1]!.finish();

    assert.equal(await first, 'call-a:e1');
    assert.deepEqual(await Promise.all(waiting), ['call-a:e2,e3,e4,e5', 'call-a:e2,e3,e4,e5', 'call-a:e2,e3,e4,e5']);
    await settle();
    assert.equal(writes.length, 2, 'no empty write afterwards');
  });

  it('ten submissions in one turn take two writes: the first at once, the other nine together', async () => {
    const { writer, writes } = gatedWriter();
    const results = Array.from({ length: 10 }, (_, i) => writer.submit('call-a', [`e${i}`]));
    await settle();
    writes[0]!.finish();
    await settle();
    writes[1]?.finish();
    await Promise.all(results);
    assert.equal(writes.length, 2);
    assert.deepEqual(
      writes.flatMap((w) => w.items),
      Array.from({ length: 10 }, (_, i) => `e${i}`),
    );
  });

  it('different keys do not wait for one another', async () => {
    const { writer, writes } = gatedWriter();
    const a = tracked(writer.submit('call-a', ['a1']));
    const b = tracked(writer.submit('call-b', ['b1']));
    await settle();
    assert.deepEqual(writes.map((w) => w.key).sort(), ['call-a', 'call-b'], 'both writes are in flight at once');

    writes.find((w) => w.key === 'call-b')!.finish();
    assert.equal(await b.promise, 'call-b:b1');
    assert.equal(a.settled(), false, "call-a's write is still in flight");

    // A second batch for call-b is written while call-a's first is still in flight.
    const b2 = writer.submit('call-b', ['b2']);
    await settle();
    const secondB = writes.filter((w) => w.key === 'call-b')[1];
    assert.ok(secondB, 'call-b was written again without waiting for call-a');
    secondB.finish();
    assert.equal(await b2, 'call-b:b2');

    writes.find((w) => w.key === 'call-a')!.finish();
    assert.equal(await a.promise, 'call-a:a1');
  });

  it('a failed write rejects only its own batch; the next batch is still written', async () => {
    const { writer, writes } = gatedWriter();
    const first = writer.submit('call-a', ['e1']);
    await settle();
    const second = [writer.submit('call-a', ['e2']), writer.submit('call-a', ['e3'])];
    const other = writer.submit('call-b', ['b1']);
    await settle();

    writes.find((w) => w.key === 'call-a')!.fail(new Error('store unavailable'));
    await assert.rejects(first, /store unavailable/);
    await settle();
    const retry = writes.filter((w) => w.key === 'call-a')[1];
    assert.ok(retry, 'the waiting batch is written after the failure');
    assert.deepEqual(retry.items, ['e2', 'e3'], 'without the failed batch');
    retry.finish();
    assert.deepEqual(await Promise.all(second), ['call-a:e2,e3', 'call-a:e2,e3']);

    writes.find((w) => w.key === 'call-b')!.finish();
    assert.equal(await other, 'call-b:b1');

    // The key is not stuck after a failure either.
    const later = writer.submit('call-a', ['e4']);
    await settle();
    writes.at(-1)!.finish();
    assert.equal(await later, 'call-a:e4');
  });

  it('a write that rejects at once does not leave its key stuck', async () => {
    let calls = 0;
    const writer = new CoalescingWriter<string, number>(async (_key, items) => {
      calls++;
      if (items.includes('bad')) throw new Error('refused');
      return items.length;
    });
    await assert.rejects(writer.submit('k', ['bad']), /refused/);
    assert.equal(await writer.submit('k', ['ok', 'ok']), 2);
    assert.equal(calls, 2);
  });
});
