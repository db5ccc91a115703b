import assert from 'node:assert/strict';
import { SlidingWindowRateLimiter } from '../../../src/calling/policy/rateLimiter.js';
import type { RateWindow } from '../../../src/calling/policy/rateLimiter.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';

describe('SlidingWindowRateLimiter', () => {
  let now: number;
  let documents: MemoryDocumentStore;
  let limiter: SlidingWindowRateLimiter;
  let actions: number;
  const take = (key: string, id = `action-${++actions}`) => limiter.take(key, id);
  const windows = () => new DocumentRecordStore<RateWindow>(documents, 'rateWindows/');

  beforeEach(() => {
    now = 1_000_000;
    actions = 0;
    documents = new MemoryDocumentStore();
    limiter = new SlidingWindowRateLimiter({ max: 3, windowMs: 60_000 }, windows(), () => now);
  });

  it('allows max actions in the window and refuses the next, saying when the oldest leaves it', async () => {
    for (const at of [0, 10_000, 20_000]) {
      now = 1_000_000 + at;
      assert.deepEqual(await take('pat'), { allowed: true });
    }
    now = 1_000_000 + 30_000;
    assert.deepEqual(await take('pat'), { allowed: false, retryAfterMs: 30_000 });
  });

  it('slides: an action leaves the window after windowMs, not at a fixed boundary', async () => {
    for (const at of [0, 10_000, 20_000]) {
      now = 1_000_000 + at;
      await take('pat');
    }
    now = 1_000_000 + 60_000;
    assert.deepEqual(await take('pat'), { allowed: true }, 'the first one has left');
    assert.equal((await take('pat')).allowed, false, 'the second one has not');
  });

  it('does not count refused attempts, so hammering does not extend the wait', async () => {
    for (let i = 0; i < 3; i++) await take('pat');
    for (let i = 0; i < 10; i++) assert.equal((await take('pat')).allowed, false);
    now += 60_000;
    assert.equal((await take('pat')).allowed, true);
  });

  it('counts each person separately', async () => {
    for (let i = 0; i < 3; i++) await take('pat');
    assert.equal((await take('pat')).allowed, false);
    assert.equal((await take('sam')).allowed, true);
  });

  it('counts one action once, however often it is taken (a redelivery or a resume)', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await take('pat', 'the-same-intent')).allowed, true);
    assert.equal((await take('pat')).allowed, true);
    assert.equal((await take('pat')).allowed, true);
    assert.equal((await take('pat')).allowed, false);
  });

  it('is one window for every instance sharing the store, even when they take at the same moment', async () => {
    const others = [1, 2, 3].map(() => new SlidingWindowRateLimiter({ max: 3, windowMs: 60_000 }, windows(), () => now));
    const decisions = await Promise.all([limiter, ...others].flatMap((l, i) => [l.take('pat', `a${i}`), l.take('pat', `b${i}`)]));
    assert.equal(decisions.filter((d) => d.allowed).length, 3);
  });
});
