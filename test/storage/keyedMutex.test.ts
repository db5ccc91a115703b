import assert from 'node:assert/strict';
import { KeyedMutex } from '../../src/storage/keyedMutex.js';

/** A task that starts, then waits until the test lets it finish, recording both moments. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, task: async () => { log.push(`${name} start`); await opened; log.push(`${name} end`); return name; } };
}

describe('KeyedMutex', () => {
  it('runs tasks for one key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const first = gate(log, 'first');
    const second = gate(log, 'second');
    const results = [mutex.run('k', first.task), mutex.run('k', second.task)];
    second.open();
    first.open();
    assert.deepEqual(await Promise.all(results), ['first', 'second']);
    assert.deepEqual(log, ['first start', 'first end', 'second start', 'second end']);
  });

  it('lets tasks for different keys overlap: b finishes while a still waits', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const results = [mutex.run('a', a.task), mutex.run('b', b.task)];
    b.open();
    await results[1];
    assert.deepEqual(log, ['a start', 'b start', 'b end']);
    a.open();
    await results[0];
  });

  it('a failing task rejects its own caller only and does not block the next', async () => {
    const mutex = new KeyedMutex();
    const failure = new Error('boom');
    const failed = mutex.run('k', () => Promise.reject(failure));
    const next = mutex.run('k', async () => 'next');
    await assert.rejects(failed, (error) => error === failure);
    assert.equal(await next, 'next');
  });
});
