// What Rally remembers about an invite it sent (plain invite, escalation, move) until Graph says how it ended.
// Stored under its clientContext: Graph echoes that in the result, while the operation id may be null (000 example 2).
import type { OperationEvent, ResultSummary } from '../notifications/notificationEvents.js';
import type { CallTarget, Person } from '../targets/people.js';
import { requiredPermission } from '../requests/permissions.js';
import { notJoinedText } from '../notifications/resultInfoText.js';
import type { Sentence, Words } from '../../i18n/sentence.js';

export type OperationKind = 'invite' | 'escalate' | 'move';

export type TrackedOperationStatus = 'running' | 'completed' | 'failed';

export interface OperationRecord {
  clientContext: string;
  /** The call the invite was sent to (for an escalation, the new group call). */
  callId: string;
  tenantId: string;
  chatKey: string;
  kind: OperationKind;
  /** Who was invited. */
  participants: CallTarget[];
  /** For `escalate` and `move`: the call the participant is taken from. */
  replacesCallId?: string;
  requestedBy: Person;
  /** The requester's language and time zone, for every later word about this request. */
  locale?: string;
  timeZone?: string;
  /** ISO 8601. */
  createdAt: string;
  status: TrackedOperationStatus;
  resultInfo?: ResultSummary;
  operationId?: string;
}

export type OperationChange =
  | { kind: 'operationCompleted' }
  /** `reason` is one plain sentence for the chat that asked. */
  | { kind: 'operationFailed'; reason: Words };

export interface OperationUpdate {
  op: OperationRecord;
  changes: OperationChange[];
}

export function newOperationRecord(
  input: Omit<OperationRecord, 'status' | 'resultInfo' | 'operationId' | 'createdAt'> & { at: string },
): OperationRecord {
  const { at, ...rest } = input;
  return { ...rest, createdAt: at, status: 'running' };
}

/** The sentence for a failed operation (every invite kind needs the same Graph permission). */
export function operationFailureReason(op: Pick<OperationRecord, 'resultInfo'>): Sentence {
  return notJoinedText(op.resultInfo, { permission: requiredPermission({ kind: 'inviteParticipants' }) });
}

/**
 * Applies a result notification. Idempotent: `completed` and `failed` are final, so a repeat, or a late `running`,
 * returns the very record it was given and no changes. The operation id is remembered when first seen.
 */
export function applyOperationResult(op: OperationRecord, event: OperationEvent): OperationUpdate {
  if (event.clientContext !== op.clientContext) return { op, changes: [] };
  const learnsId = op.operationId === undefined && event.operationId !== null;
  const withId: OperationRecord = learnsId ? { ...op, operationId: event.operationId! } : op;
  if (op.status !== 'running' || (event.status !== 'completed' && event.status !== 'failed')) return { op: withId, changes: [] };
  const finished: OperationRecord = {
    ...withId,
    status: event.status,
    ...(event.resultInfo === undefined ? {} : { resultInfo: event.resultInfo }),
  };
  return {
    op: finished,
    changes: [event.status === 'completed' ? { kind: 'operationCompleted' } : { kind: 'operationFailed', reason: operationFailureReason(finished) }],
  };
}
