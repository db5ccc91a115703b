// The notification use case: applies parsed events to the stored call and operation records and returns what
// changed, with the chat each change belongs to. It never talks to the chat: the bot edge renders the reports.
import { applyCallEvent } from '../records/callRecord.js';
import type { CallChange, CallRecord, CallRecordEvent } from '../records/callRecord.js';
import type { NotificationEvent, OperationEvent } from './notificationEvents.js';
import { applyOperationResult } from '../records/operationRecord.js';
import type { OperationChange, OperationRecord } from '../records/operationRecord.js';
import type { RecordStore } from '../records/recordStore.js';

export interface NotificationDeps {
  /** Call records by call id. */
  calls: RecordStore<CallRecord>;
  /** Operation records by clientContext. */
  operations: RecordStore<OperationRecord>;
  /** When an event is received; `new Date()` by default. */
  clock?: () => Date;
  /**
   * Events for calls not recorded yet, by call id. Graph may notify before Rally has stored the call its create
   * request returned; such events wait here until `adoptEarlyEvents` applies them. Without it they are ignored.
   */
  early?: RecordStore<EarlyEvents>;
}

export interface EarlyEvents {
  /** `tenantId`: the tenant whose token delivered the event; it applies only to a call of that tenant. */
  events: { event: CallRecordEvent; at: string; tenantId?: string }[];
}

/** A call's early events beyond this are dropped: a record that never comes must not grow without bound. */
const MAX_EARLY_EVENTS = 50;

export type Report =
  | { kind: 'call'; chatKey: string; callId: string; record: CallRecord; changes: CallChange[] }
  | { kind: 'operation'; chatKey: string; clientContext: string; operation: OperationRecord; changes: OperationChange[] }
  /** Nothing to apply it to: a call or operation Rally does not know, or a resource it does not follow. For the log. */
  | { kind: 'ignored'; reason: 'unknownCall' | 'unknownOperation' | 'notFollowed' | 'otherTenant'; detail: string };

type Reports = Report[];

/** Who sent the notifications: the `tid` of the token that delivered them. Undefined applies them to any call. */
type Sender = string | undefined;

function fromOtherTenant(sender: Sender, recordTenantId: string): boolean {
  return sender !== undefined && sender.toLowerCase() !== recordTenantId.toLowerCase();
}

/**
 * Applies `change` through the store and returns what the last application (the one that was stored) changed.
 * `change` may run again after an eTag conflict, so the changes are taken from the final run only.
 */
async function updateRecord<T, C>(
  store: RecordStore<T>,
  key: string,
  apply: (current: T) => { value: T; changes: C[] },
): Promise<{ stored: T | undefined; changes: C[] }> {
  let changes: C[] = [];
  const stored = await store.update(key, (current) => {
    changes = [];
    if (current === undefined) return undefined;
    const result = apply(current);
    changes = result.changes;
    return result.value;
  });
  return { stored, changes };
}

async function applyToCall(event: CallRecordEvent, at: string, sender: Sender, deps: NotificationDeps, reports: Reports): Promise<CallRecord | undefined> {
  const { callId } = event;
  const known = await deps.calls.get(callId);
  if (known === undefined) {
    if (deps.early && event.kind !== 'movedIntoGroupCall') {
      const entry = { event, at, ...(sender === undefined ? {} : { tenantId: sender }) };
      await deps.early.update(callId, (current) => ({ events: [...(current?.events ?? []), entry].slice(0, MAX_EARLY_EVENTS) }));
    }
    reports.push({ kind: 'ignored', reason: 'unknownCall', detail: `${event.kind} for call ${callId}` });
    return undefined;
  }
  // The token proves which tenant sent the POST, not which calls its body names: another tenant's call is not theirs.
  if (fromOtherTenant(sender, known.tenantId)) {
    reports.push({ kind: 'ignored', reason: 'otherTenant', detail: `${event.kind} for call ${callId}` });
    return undefined;
  }
  const { stored, changes } = await updateRecord(deps.calls, callId, (current) => {
    const update = applyCallEvent(current, event, at);
    return { value: update.record, changes: update.changes };
  });
  if (stored !== undefined && changes.length > 0) reports.push({ kind: 'call', chatKey: stored.chatKey, callId, record: stored, changes });
  return stored;
}

async function applyToOperation(event: OperationEvent, at: string, sender: Sender, deps: NotificationDeps, reports: Reports): Promise<void> {
  const { clientContext } = event;
  const known = clientContext === undefined ? undefined : await deps.operations.get(clientContext);
  if (clientContext === undefined || known === undefined) {
    reports.push({ kind: 'ignored', reason: 'unknownOperation', detail: `operation ${event.operationId ?? '(no id)'} on call ${event.callId}` });
    return;
  }
  if (fromOtherTenant(sender, known.tenantId)) {
    reports.push({ kind: 'ignored', reason: 'otherTenant', detail: `operation ${clientContext}` });
    return;
  }
  const { stored: op, changes } = await updateRecord(deps.operations, clientContext, (current) => {
    const update = applyOperationResult(current, event);
    return { value: update.op, changes: update.changes };
  });
  if (op === undefined) return;
  if (changes.length > 0) reports.push({ kind: 'operation', chatKey: op.chatKey, clientContext, operation: op, changes });

  // Invitees of the call Rally sent the invite to (by its own record, whatever URL the notification used).
  const call = await applyToCall({ ...event, callId: op.callId }, at, sender, deps, reports);
  // After an escalation completes, the peer-to-peer call's termination means "moved into the group call".
  if (op.kind === 'escalate' && op.status === 'completed' && op.replacesCallId !== undefined) {
    const handle = call?.handle;
    await applyToCall(
      { kind: 'movedIntoGroupCall', callId: op.replacesCallId, groupCallId: op.callId, ...(handle === undefined ? {} : { groupCallHandle: handle }) },
      at,
      sender,
      deps,
      reports,
    );
  }
}

/**
 * Applies the events of one notification body, in order, and reports per call and per operation what changed (only
 * where something did) plus what was ignored. Safe to run again on a redelivered body: repeats change nothing.
 * Rejects only when the store fails.
 */
export async function processNotifications(
  events: readonly NotificationEvent[],
  deps: NotificationDeps,
  sender: { tenantId?: string } = {},
): Promise<Report[]> {
  const clock = deps.clock ?? (() => new Date());
  const reports: Reports = [];
  for (const event of events) {
    const at = clock().toISOString();
    if (event.kind === 'ignored') {
      reports.push({ kind: 'ignored', reason: 'notFollowed', detail: `${event.changeType} ${event.resourceUrl}: ${event.reason}` });
    } else if (event.kind === 'operation') {
      await applyToOperation(event, at, sender.tenantId, deps, reports);
    } else {
      await applyToCall(event, at, sender.tenantId, deps, reports);
    }
  }
  return reports;
}

/**
 * Applies the events that arrived for a call before its record was stored, in arrival order, and forgets them.
 * Returns the reports as `processNotifications` would.
 */
export async function adoptEarlyEvents(callId: string, deps: NotificationDeps): Promise<Report[]> {
  const early = await deps.early?.get(callId);
  if (!deps.early || !early) return [];
  await deps.early.delete(callId);
  const reports: Reports = [];
  for (const { event, at, tenantId } of early.events) await applyToCall(event, at, tenantId, deps, reports);
  return reports;
}
