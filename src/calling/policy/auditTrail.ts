// One record per request that rings someone, ends a call, or mutes or removes someone in one: who asked, from which
// chat, for whom, and what became of it, for an operator to ship to their audit store. The domain builds the record;
// where it is written is the edge's choice (src/log/auditLog.ts writes it as a pino line).
//
// Phone numbers keep their country code and last two digits only ("+44********58"): enough to match a complaint or a
// bill line to the record, not enough to be a directory of who rang whom; the callId leads to Graph's full call record.
// Meeting passcodes never appear: a meeting is named by its thread or its numeric id.
import type { CallKind } from '../records/callRecord.js';
import type { Person } from '../targets/people.js';
import { RallyError } from '../../errors/rallyError.js';
import { CallingApiError } from '../errors.js';
import type { MeetingToJoin } from '../targets/meetingLink.js';
import type { OperationKind } from '../records/operationRecord.js';
import type { CallTarget } from '../targets/people.js';
import { parsePhoneNumber } from '../targets/phoneNumber.js';

export type AuditAction = 'callPlaced' | 'inviteSent' | 'hangUp' | 'participantMuted' | 'participantRemoved';

/** `refused`: Rally did not send it (policy, bad request); `failed`: Graph refused it or could not be reached. */
export type AuditOutcome = 'accepted' | 'refused' | 'failed';

export interface AuditRecord {
  audit: AuditAction;
  requestedBy: Person;
  chatKey: string;
  tenantId: string;
  /** Entra object ids of the Teams users rung, invited or moved (or muted or removed, when the chat named them). */
  users: string[];
  /** Phone numbers rung, invited or removed, masked (see above). */
  phones: string[];
  /** The meeting joined, for a `callPlaced` of kind meeting or guestMeeting. */
  meeting?: { threadId: string } | { meetingId: string };
  /** For `callPlaced`: what kind of call. */
  kind?: CallKind;
  /** For `inviteSent`, and for the group call an escalation starts: which request it was. */
  via?: OperationKind;
  /** The call concerned, once known (a refusal before any call was found has none). */
  callId?: string;
  outcome: AuditOutcome;
  /** The RallyError code of a refusal or failure. */
  code?: string;
}

/** Where audit records go. */
export interface AuditTrail {
  record(entry: AuditRecord): void;
}

/** What a use case is about to do, before its outcome is known. */
export interface AuditedRequest {
  audit: AuditAction;
  request: { chatKey: string; tenantId: string; requestedBy: Person };
  targets?: readonly CallTarget[];
  meeting?: MeetingToJoin;
  kind?: CallKind;
  via?: OperationKind;
}

/** Filled in by the work as it learns which call it concerns, so a failure after that still names the call. */
export interface AuditSubject {
  callId?: string;
}

/** Runs `work` and records its outcome exactly once, then returns or rethrows what the work did. */
export async function audited<T>(trail: AuditTrail | undefined, what: AuditedRequest, work: (subject: AuditSubject) => Promise<T>): Promise<T> {
  const subject: AuditSubject = {};
  try {
    const result = await work(subject);
    trail?.record(auditRecord(what, subject, { outcome: 'accepted' }));
    return result;
  } catch (error) {
    trail?.record(auditRecord(what, subject, outcomeOf(error)));
    throw error;
  }
}

export function auditRecord(what: AuditedRequest, subject: AuditSubject, result: { outcome: AuditOutcome; code?: string }): AuditRecord {
  const targets = what.targets ?? [];
  return {
    audit: what.audit,
    requestedBy: { id: what.request.requestedBy.id, name: what.request.requestedBy.name },
    chatKey: what.request.chatKey,
    tenantId: what.request.tenantId,
    users: targets.flatMap((t) => (t.kind === 'user' ? [t.id] : [])),
    phones: targets.flatMap((t) => (t.kind === 'phone' ? [maskPhoneNumber(t.number)] : [])),
    ...(what.meeting ? { meeting: meetingName(what.meeting) } : {}),
    ...(what.kind ? { kind: what.kind } : {}),
    ...(what.via ? { via: what.via } : {}),
    ...(subject.callId === undefined ? {} : { callId: subject.callId }),
    ...result,
  };
}

function outcomeOf(error: unknown): { outcome: AuditOutcome; code: string } {
  if (error instanceof CallingApiError) return { outcome: 'failed', code: error.code };
  if (error instanceof RallyError) return { outcome: 'refused', code: error.code };
  return { outcome: 'failed', code: 'unexpected' };
}

/** `+14255550123` → `+1********23`. */
export function maskPhoneNumber(e164: string): string {
  let countryCode: string;
  try {
    countryCode = parsePhoneNumber(e164).countryCallingCode;
  } catch {
    countryCode = ''; // Not a valid number (refused anyway): mask all but the last two digits.
  }
  const digits = e164.replace(/\D/g, '');
  const rest = digits.slice(countryCode.length);
  const shown = rest.slice(-2);
  return `+${countryCode}${'*'.repeat(Math.max(rest.length - shown.length, 0))}${shown}`;
}

function meetingName(meeting: MeetingToJoin): { threadId: string } | { meetingId: string } {
  return meeting.kind === 'organizer' ? { threadId: meeting.threadId } : { meetingId: meeting.meetingId };
}
