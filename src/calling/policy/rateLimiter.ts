// How often one person may start calls and invitations: a sliding window over the times of their recent ones.
// Hand-written because it is a dozen lines and needs an injectable clock for tests; a library (rate-limiter-flexible)
// would bring stores Rally does not use.
// The window lives in this process's memory: with several replicas each counts on its own (a person gets up to
// `max` per replica), and a restart forgets it. That bounds abuse per instance, which is what it is for.

import type { RateLimit } from '../../config/policySettings.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class SlidingWindowRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one action for `key` when the window has room; otherwise says how long until it has. */
  take(key: string): RateDecision {
    const now = this.now();
    const times = (this.recent.get(key) ?? []).filter((t) => t > now - this.limit.windowMs);
    if (times.length >= this.limit.max) {
      this.recent.set(key, times);
      return { allowed: false, retryAfterMs: times[0]! + this.limit.windowMs - now };
    }
    times.push(now);
    this.recent.set(key, times);
    return { allowed: true };
  }
}
