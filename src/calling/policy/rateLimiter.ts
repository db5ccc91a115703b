// How often one person may start calls and invitations: a sliding window over the times of their recent ones.
// The window is a record in Rally's store, changed by compare-and-swap, so every instance counts against the same
// window (a toll-fraud guard that multiplied with the replica count would be no guard) and a restart forgets nothing.
// Each action is counted under its own id, so a redelivered or resumed request is not counted twice.
// Hand-written because it is a few lines over the store Rally already has; a library (rate-limiter-flexible) would
// bring stores of its own.

import type { RateLimit } from '../../config/policySettings.js';
import type { RecordStore } from '../records/recordStore.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One person's recent actions: when, and which. */
export interface RateWindow {
  actions: { at: number; id: string }[];
}

export class SlidingWindowRateLimiter {
  constructor(
    private readonly limit: RateLimit,
    private readonly store: RecordStore<RateWindow>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts action `actionId` for `key` when the window has room (or it was counted already); otherwise says how long until it has. */
  async take(key: string, actionId: string): Promise<RateDecision> {
    let decision: RateDecision = { allowed: true };
    await this.store.update(key, (current) => {
      const now = this.now();
      const actions = (current?.actions ?? []).filter((a) => a.at > now - this.limit.windowMs);
      if (actions.some((a) => a.id === actionId)) {
        decision = { allowed: true };
        return current;
      }
      if (actions.length >= this.limit.max) {
        decision = { allowed: false, retryAfterMs: actions[0]!.at + this.limit.windowMs - now };
        return current;
      }
      decision = { allowed: true };
      return { actions: [...actions, { at: now, id: actionId }] };
    });
    return decision;
  }
}
