// Recording that a call ended when no notification said so: Graph's 404 on a request about it, or a GET that shows
// it terminated. The record changes as a terminated notification would change it, so the chat hears it the same way,
// unless the person whose request ran into the end hears it in the answer to that request.
import type { ResultSummary } from '../notifications/notificationEvents.js';
import { callOf, withNews } from './callDocument.js';
import type { CallDocument } from './callDocument.js';
import { applyCallEvent } from './callRecord.js';
import type { CallChange } from './callRecord.js';
import type { RecordStore } from './recordStore.js';

/** What the call record says when Rally learned the end from Graph's 404 rather than from a notification. */
export const GONE_AT_GRAPH: ResultSummary = { code: 404, message: 'Microsoft Graph no longer has this call.' };

export interface RecordEndedOptions {
  /** The end answers someone's request (its refusal says the call is gone): the chat gets no second line about it. */
  answered?: boolean;
}

/** Records the call as ended; resolves to whether that changed anything (then its chat must be told). */
export async function recordEnded(
  calls: RecordStore<CallDocument>,
  callId: string,
  resultInfo: ResultSummary | undefined,
  at: string,
  options: RecordEndedOptions = {},
): Promise<boolean> {
  let changed = false;
  await calls.update(callId, (document) => {
    const record = callOf(document);
    if (!record) return document;
    const event = { kind: 'callState' as const, callId, changeType: 'deleted' as const, state: 'terminated' as const, ...(resultInfo ? { resultInfo } : {}) };
    const update = applyCallEvent(record, event, at);
    changed = update.changes.length > 0;
    if (!changed) return document;
    const news = options.answered ? update.changes.map((c): CallChange => (c.kind === 'ended' ? { ...c, answered: true } : c)) : update.changes;
    return withNews(update.record, news);
  });
  return changed;
}
