import { RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { ShouldRetry } from '@microsoft/microsoft-graph-client';

// The library's RetryHandler does the waiting: it honours Retry-After (seconds or an HTTP date, capped at 180 s),
// otherwise backs off exponentially from 3 s, resends the same string body, and only ever retries a response with
// 429, 503 or 504 (never a rejection such as a timeout). Rally narrows which of those may be retried.

/**
 * A create-call or invite that failed with 5xx may still have rung someone; sending it again could ring them twice.
 * So POST is retried only on 429, which Graph documents as "not processed, try later". GET and DELETE are idempotent.
 */
const RETRYABLE_STATUSES: Readonly<Record<string, readonly number[]>> = {
  POST: [429],
  GET: [429, 503, 504],
  DELETE: [429, 503, 504],
};

/** Milliseconds a Retry-After value asks to wait: delay-seconds or an HTTP date. Undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its weekday and month; Date.parse alone would also take '-5' as a year.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether to retry a response the RetryHandler would retry. `maxWaitMs` bounds a Retry-After: someone is waiting in the
 * chat, so when Graph asks for a longer pause Rally reports the throttling instead of going quiet for minutes.
 */
export function graphShouldRetry(maxWaitMs: number): ShouldRetry {
  return (_delay, _attempt, request, options, response) => {
    const method = (options?.method ?? (typeof request === 'string' ? 'GET' : request.method)).toUpperCase();
    if (!(RETRYABLE_STATUSES[method] ?? []).includes(response.status)) return false;
    const wait = retryAfterMs(response.headers.get('Retry-After'));
    if (wait !== undefined && wait > maxWaitMs) return false;
    // The handler drops this response for the next attempt; release its connection rather than leave it to GC.
    response.body?.cancel().catch(() => undefined);
    return true;
  };
}

export function createRetryHandler(maxRetries: number, maxWaitMs: number): RetryHandler {
  return new RetryHandler(new RetryHandlerOptions(undefined, maxRetries, graphShouldRetry(maxWaitMs)));
}
