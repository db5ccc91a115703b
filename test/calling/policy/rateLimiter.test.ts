import assert from 'node:assert/strict';
import { SlidingWindowRateLimiter } from '../../../src/calling/policy/rateLimiter.js';

describe('SlidingWindowRateLimiter', () => {
  let now: number;
  let limiter: SlidingWindowRateLimiter;
  beforeEach(() => {
    now = 1_000_000;
    limiter = new SlidingWindowRateLimiter({ max: 3, windowMs: 60_000 }, () => now);
  });

  it('allows max actions in the window and refuses the next, saying when the oldest leaves it', () => {
    for (const at of [0, 10_000, 20_000]) {
      now = 1_000_000 + at;
      assert.deepEqual(limiter.take('pat'), { allowed: true });
    }
    now = 1_000_000 + 30_000;
    assert.deepEqual(limiter.take('pat'), { allowed: false, retryAfterMs: 30_000 });
  });

  it('slides: an action leaves the window after windowMs, not at a fixed boundary', () => {
    for (const at of [0, 10_000, 20_000]) {
      now = 1_000_000 + at;
      limiter.take('pat');
    }
    now = 1_000_000 + 60_000;
    assert.deepEqual(limiter.take('pat'), { allowed: true }, 'the first one has left');
    assert.equal(limiter.take('pat').allowed, false, 'the second one has not');
  });

  it('does not count refused attempts, so hammering does not extend the wait', () => {
    for (let i = 0; i < 3; i++) limiter.take('pat');
    for (let i = 0; i < 10; i++) assert.equal(limiter.take('pat').allowed, false);
    now += 60_000;
    assert.equal(limiter.take('pat').allowed, true);
  });

  it('counts each person separately', () => {
    for (let i = 0; i < 3; i++) limiter.take('pat');
    assert.equal(limiter.take('pat').allowed, false);
    assert.equal(limiter.take('sam').allowed, true);
  });
});
