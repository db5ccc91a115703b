import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

// The id of the inbound request (a chat turn or a calling notification) whose work is running now. It follows the
// work through every await, into the log lines it writes and the Graph requests it sends (as `client-request-id`),
// and into background work the request started, so one id ties Teams, Rally's logs and Graph's logs together.
// Kept in async context rather than passed along so the domain (calling/) never has to carry it.

interface RequestContext {
  requestId: string;
}

const current = new AsyncLocalStorage<RequestContext>();

/** Runs `work` as part of a request with this id; a fresh GUID when none is given. */
export function inRequest<T>(work: () => T, requestId: string = newRequestId()): T {
  return current.run({ requestId }, work);
}

/** The id of the request the running code belongs to; undefined outside any request (startup, timers). */
export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId;
}

/** A GUID: Graph reads `client-request-id` as one. */
export function newRequestId(): string {
  return randomUUID();
}
