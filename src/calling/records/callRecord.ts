// The call record Rally stores per call, and the state machine that applies notifications to it. Graph delivers
// notifications out of order (establishing/established are documented to), again (a webhook answered late), and to
// several instances at once, so applying an event is pure, order-tolerant and idempotent: an event that changes
// nothing returns the very record it was given, which lets the store skip the write.
import type { BridgeMeeting } from '../bridges/bridgeMeeting.js';
import type { CallState } from '../requests/graphTypes.js';
import type {
  CallStateEvent,
  ContentSharingEvent,
  KeyPress,
  OperationEvent,
  ResultSummary,
  RosterDeltaEvent,
  RosterEvent,
} from '../notifications/notificationEvents.js';
import { operationFailureReason } from './operationRecord.js';
import { targetKey } from '../targets/people.js';
import type { CallTarget, Person } from '../targets/people.js';
import { callEndedText, notJoinedText, resultCategory } from '../notifications/resultInfoText.js';
import { sentence } from '../../i18n/sentence.js';
import type { Sentence, Words } from '../../i18n/sentence.js';
import { handleParam } from './callHandles.js';
import { languageFields } from '../../i18n/translator.js';
import { applyFullRoster, applyRosterDelta, isTarget, sameRoster } from './roster.js';
import type { RosterChange, RosterEntry } from './roster.js';

export type CallKind = 'peerToPeer' | 'group' | 'meeting' | 'pstn' | 'guestMeeting';

/** What became of a person Rally rang or invited. `ringing`: asked, no answer yet. */
export type InviteeOutcome = 'ringing' | 'joined' | 'left' | 'declined' | 'failed';

export interface Invitee {
  target: CallTarget;
  outcome: InviteeOutcome;
  /** One plain sentence when they declined or could not join (English text in a record older than sentences). */
  reason?: Words;
  /** The invite that asked them; absent for the targets the call itself rang. */
  clientContext?: string;
  /** The participant Graph's answer to that invite made for them: how a ring still going is cancelled. */
  participantId?: string;
  /** When they joined and left (ISO 8601), for the call's summary. */
  joinedAt?: string;
  leftAt?: string;
}

export interface CallRecord {
  callId: string;
  tenantId: string;
  kind: CallKind;
  /** Which chat the call belongs to; its meaning is the chat surface's. */
  chatKey: string;
  /** The short name the chat shows, e.g. `#3`. */
  handle?: string;
  placedBy: Person;
  /** The requester's language and time zone, for every later word about this request. */
  locale?: string;
  timeZone?: string;
  /** ISO 8601. */
  createdAt: string;
  state: CallState;
  /** Each state the call reached, with when Rally learned it (ISO 8601); the newest last. */
  stateHistory: { state: CallState; at: string }[];
  /** Why it ended, once terminated (if Graph said). */
  resultInfo?: ResultSummary;
  /** Everyone in the call (in delta mode, also those who left, marked `removed`). */
  roster: RosterEntry[];
  /** By roster key: when Rally learned each person now in the call came in (ISO 8601). */
  rosterSince?: Record<string, string>;
  /** The highest delta roster sequence number applied. */
  rosterSequenceNumber?: number;
  invitees: Invitee[];
  /** Content sharing sessions going on now. */
  contentSharingSessionIds: string[];
  /** Set when this peer-to-peer call was escalated: its party moved into that group call. */
  replacedBy?: { callId: string; handle?: string };
  /** Who asked Rally to hang up, when someone did: the summary names them. */
  endedBy?: Person;
  /** On a group call started by `escalate`: the peer-to-peer call whose party moves in once this one is established. */
  pendingEscalation?: PendingEscalation;
  /** Set when the call rings one step of a page: the page shows it, and decides what its answer means. */
  page?: PageLink;
  /** On a page's call: once it is established, Rally asks the person to press 1 (taken, then cleared, once). */
  pendingKeyPrompt?: true;
  /** Someone asked to hang the call up while Graph had not confirmed it yet: it is hung up once known, then cleared. */
  pendingHangUp?: true;
  /** The keys the other party pressed, in the order Graph numbered them (the latest few). */
  keyPresses?: KeyPress[];
  /** Set when the call is Rally's leg of a bridge it made: the meeting everyone in the chat can join. */
  bridge?: BridgeMeeting;
}

/** An escalation's second step, until it is taken. */
export interface PendingEscalation {
  peerToPeerCallId: string;
  /** Phone numbers to invite once the party moved in (a group call starts by ringing users only). */
  thenInvite?: CallTarget[];
  /** Set (ISO 8601) when a run claimed the step to send its invites; a claim older than the desk allows was cut short. */
  sendingSince?: string;
}

/** Which page and which of its steps a call rings. */
export interface PageLink {
  pageId: string;
  step: number;
}

/** Not from Graph: Rally learned that an escalation moved this call's party into a group call. */
export interface MovedIntoGroupCallEvent {
  kind: 'movedIntoGroupCall';
  callId: string;
  groupCallId: string;
  groupCallHandle?: string;
}

export type CallRecordEvent =
  | CallStateEvent
  | OperationEvent
  | RosterEvent
  | RosterDeltaEvent
  | ContentSharingEvent
  | MovedIntoGroupCallEvent;

export type CallChange =
  | { kind: 'stateChanged'; from: CallState; to: CallState }
  /** The call ended; `reason` is one plain sentence (see isBareEnd). */
  | { kind: 'ended'; reason: Words; answered?: true }
  /** Graph said why only after the end was reported. */
  | { kind: 'endReasonUpdated'; reason: Words }
  | { kind: 'movedIntoGroupCall'; groupCallId: string; groupCallHandle?: string }
  | { kind: 'inviteeUpdated'; invitee: Invitee; previous: InviteeOutcome }
  | { kind: 'contentSharingChanged'; active: boolean }
  | { kind: 'keyPressed'; tone: string }
  | RosterChange;

export interface CallUpdate {
  record: CallRecord;
  changes: CallChange[];
}

/** Enough history for a card; a call that flips between hold and established forever keeps only the latest. */
const MAX_STATE_HISTORY = 20;

/** Key presses kept per call: enough to hear "1", bounded against a person holding a key down. */
const MAX_KEY_PRESSES = 10;

/** States only move forward by rank; the mid-call states share one rank, so a call may go on and off hold. */
const STATE_RANK: Record<CallState, number> = {
  incoming: 0,
  establishing: 1,
  established: 2,
  hold: 2,
  transferring: 2,
  transferAccepted: 2,
  redirecting: 2,
  terminating: 3,
  terminated: 4,
};

/** Kinds where `established` means the one person rung answered. */
const ONE_TO_ONE: readonly CallKind[] = ['peerToPeer', 'pstn'];

export function newCallRecord(input: Pick<CallRecord, 'callId' | 'tenantId' | 'kind' | 'chatKey' | 'handle' | 'placedBy' | 'locale' | 'timeZone' | 'bridge'> & {
  /** The people the create request rang. */
  targets?: readonly CallTarget[];
  /** What Graph answered on create; `establishing` by default. */
  state?: CallState;
  /** ISO 8601. */
  at: string;
}): CallRecord {
  const state = input.state ?? 'establishing';
  return {
    callId: input.callId,
    tenantId: input.tenantId,
    kind: input.kind,
    chatKey: input.chatKey,
    ...(input.handle === undefined ? {} : { handle: input.handle }),
    placedBy: input.placedBy,
    ...languageFields(input),
    ...(input.bridge === undefined ? {} : { bridge: input.bridge }),
    createdAt: input.at,
    state,
    stateHistory: [{ state, at: input.at }],
    roster: [],
    invitees: (input.targets ?? []).map((target) => ({ target, outcome: 'ringing' })),
    contentSharingSessionIds: [],
  };
}

/** Records an invite about to be sent: each target is ringing under that invite's clientContext (again, if re-invited). */
export function withInvitees(record: CallRecord, targets: readonly CallTarget[], clientContext: string): CallRecord {
  const ringing = (target: CallTarget): Invitee => ({ target, outcome: 'ringing', clientContext });
  const invited = new Map(targets.map((target) => [targetKey(target), ringing(target)]));
  const kept = record.invitees.filter((i) => !invited.has(targetKey(i.target)));
  return { ...record, invitees: [...kept, ...invited.values()] };
}

/** Graph's answer to an invite named the participant each of its people became (by targetKey): each invitee keeps theirs. */
export function withInviteParticipants(record: CallRecord, clientContext: string, participantIds: ReadonlyMap<string, string>): CallRecord {
  const idOf = (invitee: Invitee) => (invitee.clientContext === clientContext && invitee.participantId === undefined ? participantIds.get(targetKey(invitee.target)) : undefined);
  if (!record.invitees.some((i) => idOf(i) !== undefined)) return record;
  const invitees = record.invitees.map((invitee) => {
    const participantId = idOf(invitee);
    return participantId === undefined ? invitee : { ...invitee, participantId };
  });
  return { ...record, invitees };
}

/** The sentence for why a terminated call ended; an escalated call "ended" by moving. */
export function callEndReason(record: CallRecord): Sentence {
  if (record.replacedBy) return sentence('calling.call.movedIntoGroupCall', { call: handleParam(record.replacedBy) });
  return callEndedText(record.resultInfo);
}

/** Sets invitees' outcomes; reports only real changes. */
function updateInvitees(
  record: CallRecord,
  outcomeFor: (invitee: Invitee) => Pick<Invitee, 'outcome' | 'reason'> | undefined,
): CallUpdate {
  const changes: CallChange[] = [];
  const invitees = record.invitees.map((invitee) => {
    const next = outcomeFor(invitee);
    if (next === undefined || next.outcome === invitee.outcome) return invitee;
    const { reason: _old, ...rest } = invitee;
    const updated: Invitee = { ...rest, outcome: next.outcome, ...(next.reason === undefined ? {} : { reason: next.reason }) };
    changes.push({ kind: 'inviteeUpdated', invitee: updated, previous: invitee.outcome });
    return updated;
  });
  return changes.length === 0 ? { record, changes } : { record: { ...record, invitees }, changes };
}

function notJoined(info: ResultSummary | undefined, reason: Words = notJoinedText(info)): Pick<Invitee, 'outcome' | 'reason'> {
  return { outcome: info !== undefined && resultCategory(info) === 'declined' ? 'declined' : 'failed', reason };
}

function then(first: CallUpdate, next: (record: CallRecord) => CallUpdate): CallUpdate {
  const second = next(first.record);
  return { record: second.record, changes: [...first.changes, ...second.changes] };
}

/** A key press is learned once (by its sequence id), and only while the call is up. */
function applyKeyPress(record: CallRecord, press: KeyPress | undefined): CallUpdate {
  const known = record.keyPresses ?? [];
  if (press === undefined || record.state === 'terminated' || known.some((k) => k.sequenceId === press.sequenceId)) return { record, changes: [] };
  const keyPresses = [...known, press].sort((a, b) => a.sequenceId - b.sequenceId).slice(-MAX_KEY_PRESSES);
  // A press older than every one kept is a late repeat of one already let go.
  if (!keyPresses.includes(press)) return { record, changes: [] };
  return { record: { ...record, keyPresses }, changes: [{ kind: 'keyPressed', tone: press.tone }] };
}

function applyState(record: CallRecord, event: CallStateEvent, at: string): CallUpdate {
  // A tone notification also carries the call's state (established), which then changes nothing.
  return then(applyKeyPress(record, event.keyPress), (r) => applyStateChange(r, event, at));
}

function applyStateChange(record: CallRecord, event: CallStateEvent, at: string): CallUpdate {
  const { state } = event;
  if (state === undefined) return { record, changes: [] };
  if (record.state === 'terminated') {
    // The end can be learned before its reason: `deleted` without resultInfo, then `terminated` with it.
    if (state !== 'terminated' || event.resultInfo === undefined || record.resultInfo !== undefined) return { record, changes: [] };
    const updated = { ...record, resultInfo: event.resultInfo };
    return { record: updated, changes: [{ kind: 'endReasonUpdated', reason: callEndReason(updated) }] };
  }
  if (state === record.state || STATE_RANK[state] < STATE_RANK[record.state]) return { record, changes: [] };

  const moved: CallRecord = {
    ...record,
    state,
    stateHistory: [...record.stateHistory, { state, at }].slice(-MAX_STATE_HISTORY),
    ...(state === 'terminated' && event.resultInfo !== undefined ? { resultInfo: event.resultInfo } : {}),
  };
  const changes: CallChange[] = [{ kind: 'stateChanged', from: record.state, to: state }];
  if (state === 'terminated') {
    changes.push({ kind: 'ended', reason: callEndReason(moved) });
    if (moved.replacedBy) return { record: moved, changes };
    // Whoever was still ringing when the call ended did not join, for the reason the call ended.
    const settled = notJoined(moved.resultInfo);
    return then({ record: moved, changes }, (r) => updateInvitees(r, (i) => (i.outcome === 'ringing' ? settled : undefined)));
  }
  if (state === 'established' && ONE_TO_ONE.includes(record.kind)) {
    return then({ record: moved, changes }, (r) =>
      updateInvitees(r, (i) => (i.outcome === 'ringing' && i.clientContext === undefined ? { outcome: 'joined' } : undefined)),
    );
  }
  return { record: moved, changes };
}

function applyOperation(record: CallRecord, event: OperationEvent): CallUpdate {
  const { clientContext, status } = event;
  if (clientContext === undefined || (status !== 'completed' && status !== 'failed')) return { record, changes: [] };
  const outcome: Pick<Invitee, 'outcome' | 'reason'> =
    status === 'completed'
      ? { outcome: 'joined' }
      : notJoined(event.resultInfo, operationFailureReason(event));
  return updateInvitees(record, (i) => (i.clientContext === clientContext && i.outcome === 'ringing' ? outcome : undefined));
}

/** Invitees follow the roster: who appears (out of the lobby) joined; who joined and disappears left. */
function inviteesFromRoster(record: CallRecord, changes: readonly RosterChange[]): CallUpdate {
  return updateInvitees(record, (invitee) => {
    for (const change of changes) {
      if (!isTarget(change.participant, invitee.target)) continue;
      if (change.kind === 'participantLeft') return invitee.outcome === 'joined' ? { outcome: 'left' } : undefined;
      if (!change.participant.inLobby) return { outcome: 'joined' };
    }
    return undefined;
  });
}

function applyRoster(record: CallRecord, event: RosterEvent | RosterDeltaEvent, at: string): CallUpdate {
  const update =
    event.kind === 'roster'
      ? applyFullRoster(record.roster, event.participants)
      : applyRosterDelta(record.roster, event.sequenceNumber, event.participants);
  const sequenceNumber =
    event.kind === 'rosterDelta' ? Math.max(event.sequenceNumber, record.rosterSequenceNumber ?? event.sequenceNumber) : undefined;
  if (sameRoster(update.roster, record.roster) && (sequenceNumber === undefined || sequenceNumber === record.rosterSequenceNumber)) return { record, changes: [] };
  const next: CallRecord = {
    ...record,
    roster: update.roster,
    ...(sequenceNumber === undefined ? {} : { rosterSequenceNumber: sequenceNumber }),
    ...rosterSinceAfter(record, update.changes, at),
  };
  return then({ record: next, changes: update.changes }, (r) => inviteesFromRoster(r, update.changes));
}

/** When each person now in the call came in (out of the lobby, if they waited there): set as they do, dropped as they leave. */
function rosterSinceAfter(record: CallRecord, changes: readonly RosterChange[], at: string): Pick<CallRecord, 'rosterSince'> {
  const cameIn = (c: RosterChange): boolean => c.kind === 'participantJoined' ? !c.participant.inLobby : c.kind === 'participantUpdated' && c.previous.inLobby && !c.participant.inLobby;
  if (!changes.some((c) => c.kind === 'participantLeft' || cameIn(c))) return record.rosterSince === undefined ? {} : { rosterSince: record.rosterSince };
  const since = { ...record.rosterSince };
  for (const change of changes) {
    if (cameIn(change)) since[change.participant.key] ??= at;
    else if (change.kind === 'participantLeft') delete since[change.participant.key];
  }
  return { rosterSince: since };
}

function applyContentSharing(record: CallRecord, event: ContentSharingEvent): CallUpdate {
  const current = record.contentSharingSessionIds;
  const sessions =
    event.changeType === 'deleted'
      ? current.filter((id) => !event.sessionIds.includes(id))
      : [...current, ...event.sessionIds.filter((id) => !current.includes(id))];
  if (sessions.length === current.length && sessions.every((id, i) => id === current[i])) return { record, changes: [] };
  const changes: CallChange[] =
    (sessions.length > 0) === (current.length > 0) ? [] : [{ kind: 'contentSharingChanged', active: sessions.length > 0 }];
  return { record: { ...record, contentSharingSessionIds: sessions }, changes };
}

function applyMove(record: CallRecord, event: MovedIntoGroupCallEvent): CallUpdate {
  if (record.replacedBy?.callId === event.groupCallId) return { record, changes: [] };
  const replacedBy = { callId: event.groupCallId, ...(event.groupCallHandle === undefined ? {} : { handle: event.groupCallHandle }) };
  return {
    record: { ...record, replacedBy },
    changes: [{ kind: 'movedIntoGroupCall', groupCallId: event.groupCallId, ...(replacedBy.handle === undefined ? {} : { groupCallHandle: replacedBy.handle }) }],
  };
}

/**
 * Applies one event to the record of its call. `at` (ISO 8601) is when Rally received it; pass the same value when
 * re-applying, so the result is the same. Returns the record unchanged (the same object) and no changes when the
 * event is a duplicate, stale, or about a call that already ended (only invitee outcomes and the end reason are
 * still learned then).
 */
export function applyCallEvent(record: CallRecord, event: CallRecordEvent, at: string): CallUpdate {
  return stamped(record, applyEvent(record, event, at), at);
}

/** Notes when each invitee who joined or left in this update did so (the state machine only says that they did). */
function stamped(before: CallRecord, update: CallUpdate, at: string): CallUpdate {
  if (update.record === before || update.record.invitees === before.invitees) return update;
  const invitees = update.record.invitees.map((invitee, i) => {
    if (invitee.outcome === before.invitees[i]?.outcome) return invitee;
    if (invitee.outcome === 'joined' && invitee.joinedAt === undefined) return { ...invitee, joinedAt: at };
    if (invitee.outcome === 'left' && invitee.leftAt === undefined) return { ...invitee, leftAt: at };
    return invitee;
  });
  return { ...update, record: { ...update.record, invitees } };
}

function applyEvent(record: CallRecord, event: CallRecordEvent, at: string): CallUpdate {
  switch (event.kind) {
    case 'callState':
      return applyState(record, event, at);
    case 'operation':
      return applyOperation(record, event);
    case 'movedIntoGroupCall':
      return applyMove(record, event);
    case 'roster':
    case 'rosterDelta':
      return record.state === 'terminated' ? { record, changes: [] } : applyRoster(record, event, at);
    case 'contentSharing':
      return record.state === 'terminated' ? { record, changes: [] } : applyContentSharing(record, event);
  }
}
