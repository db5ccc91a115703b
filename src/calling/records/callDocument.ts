// What Rally stores under a call id: the call record, or, for a call whose record is not there yet, a placeholder
// holding the notifications that came first. Graph may notify before Rally has stored the call its create request
// returned (or before that answer ever arrives); the placeholder is created if absent, and whoever records the call
// adopts it by compare-and-swap, so no event is lost between the two and there is no lock.
import type { Words } from '../../i18n/sentence.js';
import { applyCallEvent } from './callRecord.js';
import type { CallChange, CallRecord, CallRecordEvent } from './callRecord.js';
import type { OperationRecord } from './operationRecord.js';

/**
 * Something the call's chat has not been told yet: a change of the call, how an invite into it ended, or (on an
 * escalation's group call) why the one-to-one party was not moved in, or that Rally stopped while moving it.
 */
export type CallNews =
  | CallChange
  | { kind: 'operationFinished'; operation: OperationRecord }
  | { kind: 'escalationFailed'; reason: Words }
  | { kind: 'escalationUnknown' }
  | { kind: 'hangUpFailed'; reason: Words };

/** The chat-facing bookkeeping a stored call carries next to what Graph said about it. */
export interface ChatOutbox {
  /** News not yet reported to the chat, oldest first; removed once reported, so a crash re-sends, never drops. */
  unreported?: CallNews[];
  /** Set when no card shows this call yet (it was adopted from its notifications): the reporter posts one. */
  needsCard?: boolean;
  /** The intent that placed the call: its id is in the callbackUri, for the call's lifetime. */
  intentId?: string;
  /** Who is telling the chat now, until when (ISO 8601): one reporter per call at a time, across instances. */
  reporting?: { owner: string; until: string };
}

export type StoredCall = CallRecord & ChatOutbox;

/** An event that came before its call was recorded, with the tenant whose token delivered it. */
export interface EarlyEvent {
  event: CallRecordEvent;
  at: string;
  tenantId?: string;
}

export interface CallPlaceholder {
  placeholder: true;
  callId: string;
  /** ISO 8601: the sweep removes placeholders no call ever adopted. */
  createdAt: string;
  events: EarlyEvent[];
  /** The intent named in the callbackUri the events were delivered to, when there was one. */
  callbackId?: string;
}

export type CallDocument = StoredCall | CallPlaceholder;

/** A placeholder's events beyond this are dropped: a call that never comes must not grow a record without bound. */
export const MAX_EARLY_EVENTS = 50;

export function isPlaceholder(document: CallDocument | undefined): document is CallPlaceholder {
  return document !== undefined && 'placeholder' in document;
}

export function callOf(document: CallDocument | undefined): StoredCall | undefined {
  return document === undefined || isPlaceholder(document) ? undefined : document;
}

/** Whether a notification delivered with `sender`'s token may change a call of `tenantId`. */
export function sameTenant(sender: string | undefined, tenantId: string): boolean {
  return sender === undefined || sender.toLowerCase() === tenantId.toLowerCase();
}

export interface Applied {
  /** Undefined when there was nothing stored and nothing to keep. */
  document: CallDocument | undefined;
  /** What changed in the call (empty for a placeholder, or when nothing did). */
  changes: CallChange[];
  /** Events not applied because another tenant's token delivered them. */
  otherTenant: number;
}

/**
 * Applies a batch of events, in order, to what is stored for their call: to the record, or kept in the placeholder
 * (created when there is nothing yet). Returns the very document it was given when nothing changed, so the store
 * skips the write. The changes join the record's unreported news.
 */
export function applyEvents(document: CallDocument | undefined, callId: string, batch: readonly EarlyEvent[], now: string): Applied {
  if (document === undefined || isPlaceholder(document)) {
    const kept = batch.filter((e) => e.event.kind !== 'movedIntoGroupCall');
    if (kept.length === 0) return { document, changes: [], otherTenant: 0 };
    const events = [...(document?.events ?? []), ...kept].slice(0, MAX_EARLY_EVENTS);
    return { document: { ...(document ?? placeholder(callId, [], now)), events }, changes: [], otherTenant: 0 };
  }
  let record: StoredCall = document;
  const changes: CallChange[] = [];
  let otherTenant = 0;
  for (const { event, at, tenantId } of batch) {
    // The token proves which tenant sent the POST, not which calls its body names: another tenant's call is not theirs.
    if (!sameTenant(tenantId, record.tenantId)) {
      otherTenant++;
      continue;
    }
    const update = applyCallEvent(record, event, at);
    record = update.record;
    changes.push(...update.changes);
  }
  if (changes.length === 0) return { document: record === document ? document : record, changes, otherTenant };
  return { document: withNews(record, changes), changes, otherTenant };
}

/** Adopts a placeholder into the record the create path made: its events apply now, in the order they came. */
export function adopt(record: StoredCall, existing: CallDocument | undefined, now: string): StoredCall {
  if (existing !== undefined && !isPlaceholder(existing)) return existing;
  if (existing === undefined) return record;
  const applied = applyEvents(record, record.callId, existing.events, now);
  return applied.document as StoredCall;
}

export function withNews(record: StoredCall, news: readonly CallNews[]): StoredCall {
  return news.length === 0 ? record : { ...record, unreported: [...(record.unreported ?? []), ...news] };
}

/** The record once the first `count` news items were reported (more may have joined meanwhile). */
export function reported(record: StoredCall, count: number, cardPosted: boolean): StoredCall {
  const { unreported = [], needsCard, reporting: _released, ...rest } = record;
  const left = unreported.slice(count);
  return { ...rest, ...(left.length > 0 ? { unreported: left } : {}), ...(needsCard && !cardPosted ? { needsCard } : {}) };
}

function placeholder(callId: string, events: EarlyEvent[], now: string): CallPlaceholder {
  return { placeholder: true, callId, createdAt: now, events };
}
