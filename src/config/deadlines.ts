// Every deadline and claim window Rally derives from its settings, in one place, so that each stays true when the
// Graph timeout or the retries change.
import type { Settings } from './settings.js';

/** The Graph client library's own backoff before retry `n` (1-based) when Graph names no Retry-After (RetryHandler). */
function libraryBackoffMs(n: number): number {
  const seconds = n >= 2 ? Math.round((2 ** n - 1) / 2) + 3 : 3;
  return seconds * 1000;
}

/** The library adds up to a second of randomness to each wait. */
const JITTER_MS = 1_000;
/** What a run that outlived a Graph request's limit is allowed on top, before another takes its work over. */
const MARGIN_MS = 5_000;

/**
 * The longest one Graph request can take from Rally's first attempt to its answer or its error. Each attempt ends by
 * the timeout (a timed-out POST is never retried); only a 429 (or, for GET and DELETE, a 503 or 504) is retried, up to
 * `maxRetries` times, each after a Retry-After Rally accepts only up to the timeout, or the library's backoff.
 */
export function graphRequestLimitMs(graph: Pick<Settings['graph'], 'timeoutMs' | 'maxRetries'>): number {
  let total = (graph.maxRetries + 1) * graph.timeoutMs;
  for (let n = 1; n <= graph.maxRetries; n++) total += Math.max(graph.timeoutMs, libraryBackoffMs(n)) + JITTER_MS;
  return total;
}

export interface Deadlines {
  /** A create-call request "sending" for longer than this has lost its answer for good: its call is adopted. */
  adoptSendingAfterMs: number;
  /** An escalation's second step sends at most two requests: a claim older than this belongs to a run that died. */
  escalationClaimMs: number;
  /** A page step's hang-up sends one request: a claim older than this belongs to a run that died. */
  hangUpClaimMs: number;
  /**
   * A button press sends at most two requests (an escalation's create and its invite): a press's claim older than
   * this belongs to a run that died.
   */
  pressClaimMs: number;
  /**
   * How long an intent whose answer is unknown waits for its call's first notification before the chat is told Rally
   * could not confirm it: two minutes, or longer when a request can itself take longer than that.
   */
  confirmWithinMs: number;
  /** How often retention sweeps: hourly, or as often as the retention when that is shorter. */
  sweepEveryMs: number;
}

const CONFIRM_WITHIN_MS = 120_000;
const SWEEP_EVERY_MS = 3_600_000;

export function deadlinesFrom(settings: { graph: Pick<Settings['graph'], 'timeoutMs' | 'maxRetries'>; operations: Pick<Settings['operations'], 'retentionMs'> }): Deadlines {
  const request = graphRequestLimitMs(settings.graph);
  const adoptSendingAfterMs = request + MARGIN_MS;
  return {
    adoptSendingAfterMs,
    escalationClaimMs: 2 * request + MARGIN_MS,
    hangUpClaimMs: request + MARGIN_MS,
    pressClaimMs: 2 * request + MARGIN_MS,
    confirmWithinMs: Math.max(CONFIRM_WITHIN_MS, adoptSendingAfterMs + MARGIN_MS),
    sweepEveryMs: Math.min(settings.operations.retentionMs, SWEEP_EVERY_MS),
  };
}
