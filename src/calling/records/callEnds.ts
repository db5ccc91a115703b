// Recording that a call ended when no notification said so: Graph's 404 on a request about it, or a GET that shows
// it terminated. The record changes as a terminated notification would change it, so the chat hears it the same way.
import type { ResultSummary } from '../notifications/notificationEvents.js';
import { applyEvents, callOf } from './callDocument.js';
import type { CallDocument } from './callDocument.js';
import type { RecordStore } from './recordStore.js';

/** What the call record says when Rally learned the end from Graph's 404 rather than from a notification. */
export const GONE_AT_GRAPH: ResultSummary = { code: 404, message: 'Microsoft Graph no longer has this call.' };

/** Records the call as ended; resolves to whether that changed anything (then its chat must be told). */
export async function recordEnded(calls: RecordStore<CallDocument>, callId: string, resultInfo: ResultSummary | undefined, at: string): Promise<boolean> {
  let changed = false;
  await calls.update(callId, (document) => {
    if (!callOf(document)) return document;
    const event = { kind: 'callState' as const, callId, changeType: 'deleted' as const, state: 'terminated' as const, ...(resultInfo ? { resultInfo } : {}) };
    const applied = applyEvents(document, callId, [{ event, at }], at);
    changed = applied.changes.length > 0;
    return applied.document;
  });
  return changed;
}
