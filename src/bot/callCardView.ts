import { callEndReason, findParticipant, hasOthersToChange, isLive, spacedMeetingId, targetName } from '../calling/index.js';
import type { BridgeMeeting, CallKind, CallParticipant, CallRecord, CallState, Invitee, InviteeOutcome } from '../calling/index.js';
import { expandCard } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const KIND_LABELS: Record<CallKind, string> = {
  peerToPeer: 'One-to-one call',
  group: 'Group call',
  meeting: 'Meeting',
  guestMeeting: 'Meeting (as guest)',
  pstn: 'Phone call',
};

const STATE_LABELS: Partial<Record<CallState, [string, Color]>> = {
  incoming: ['Incoming', 'Accent'],
  establishing: ['Connecting…', 'Accent'],
  established: ['Connected', 'Good'],
  hold: ['On hold', 'Warning'],
  transferring: ['Transferring', 'Accent'],
  transferAccepted: ['Transferring', 'Accent'],
  redirecting: ['Redirecting', 'Accent'],
  terminating: ['Ending…', 'Warning'],
  terminated: ['Ended', 'Attention'],
};

const OUTCOME_LABELS: Record<InviteeOutcome, [string, Color]> = {
  ringing: ['Ringing…', 'Accent'],
  joined: ['Joined', 'Good'],
  left: ['Left', 'Default'],
  declined: ['Declined', 'Warning'],
  failed: ['Could not join', 'Attention'],
};

export interface CallCardOptions {
  /** The Teams client in use can show a Graph people picker (the Agents Playground cannot). */
  pickerSupported: boolean;
  /** Bumped on every change, so an action pressed twice on the same version of the card is done once. */
  revision: string;
}

export function renderCallCard(record: CallRecord, options: CallCardOptions): AdaptiveCardJson {
  const [stateLabel, stateColor] = STATE_LABELS[record.state] ?? [record.state, 'Default'];
  const moved = record.replacedBy !== undefined;
  const { bridge } = record;
  return expandCard('callCard', {
    callId: record.callId,
    handle: record.handle ?? 'Call',
    title: bridge?.subject ?? title(record),
    kindLabel: bridge ? 'Bridge' : KIND_LABELS[record.kind],
    joinUrl: bridge?.joinWebUrl ?? '',
    dialIn: bridge ? dialInLine(bridge) : '',
    stateLabel: moved ? 'Moved' : stateLabel,
    stateColor: moved ? 'Accent' : stateColor,
    endedReason: record.state === 'terminated' || moved ? callEndReason(record) : '',
    summary: isLive(record) ? '' : summaryLine(record),
    people: bridge ? bridgePeopleLines(record) : peopleLines(record),
    placedBy: record.placedBy.name,
    placedAt: cardTime(record.createdAt),
    active: isLive(record),
    canEscalate: record.kind === 'peerToPeer',
    canPage: bridge !== undefined,
    hangUpLabel: bridge ? 'End bridge' : 'Hang up',
    pickerSupported: options.pickerSupported,
    peopleFieldLabel: options.pickerSupported ? 'Or type emails and phone numbers' : 'Add people: emails or phone numbers',
    revision: options.revision,
  });
}

/** What the card calls a call's state (`Connected`, not `established`). */
export function stateLabel(state: CallState): string {
  return STATE_LABELS[state]?.[0] ?? state;
}

/** What the card calls a person's outcome (`Joined`, `Ringing…`). */
export function outcomeLabel(outcome: InviteeOutcome): string {
  return OUTCOME_LABELS[outcome][0];
}

export function inviteeName(invitee: Pick<Invitee, 'target'>): string {
  return targetName(invitee.target);
}

type PersonLine = { name: string; outcomeLabel: string; outcomeColor: Color } & Controls;

/** The buttons beside a person: `participantId` they act on, Mute, and Remove (or Cancel, for a ring) when titled. */
type Controls = { participantId: string; canMute: boolean; removeTitle: string };

const NO_CONTROLS: Controls = { participantId: '', canMute: false, removeTitle: '' };

/** The people Rally rang or invited; in a meeting Rally rang nobody, so the people in it (Graph's roster). */
function peopleLines(record: CallRecord): PersonLine[] {
  if (record.invitees.length > 0) {
    return record.invitees.map((i) => withControls(record, personLine(i, endOf(record)), findParticipant(record, { kind: 'person', target: i.target })));
  }
  const [label, color] = record.state === 'terminated' ? ['Was there', 'Default' as Color] : ['In the meeting', 'Good' as Color];
  return record.roster
    .filter((p) => !p.removed && p.kind !== 'app' && p.displayName)
    .map((p) => {
      const line = { name: p.displayName!, outcomeLabel: p.inLobby ? 'In the lobby' : label, outcomeColor: p.inLobby ? 'Warning' as Color : color };
      return withControls(record, line, p.participantId === undefined ? undefined : findParticipant(record, { kind: 'participant', participantId: p.participantId }));
    });
}

/**
 * A bridge's people: who is in and since when (Graph's roster; Teams shows the time in each reader's own zone), then
 * who was rung into it and what became of them.
 */
function bridgePeopleLines(record: CallRecord): PersonLine[] {
  const ended = record.state === 'terminated';
  const present = record.roster.filter((p) => !p.removed && p.kind !== 'app' && p.displayName);
  const inCall: PersonLine[] = present.map((p) => {
    const since = record.rosterSince?.[p.key];
    const label = p.inLobby ? 'In the lobby' : ended ? 'Was there' : since ? `In since {{TIME(${cardTime(since)})}}` : 'In the bridge';
    const line = { name: p.displayName!, outcomeLabel: label, outcomeColor: (p.inLobby ? 'Warning' : ended ? 'Default' : 'Good') as Color };
    return withControls(record, line, p.participantId === undefined ? undefined : findParticipant(record, { kind: 'participant', participantId: p.participantId }));
  });
  const names = new Set(present.map((p) => p.displayName));
  const rung = record.invitees.filter((i) => !(i.outcome === 'joined' && names.has(inviteeName(i))));
  return [...inCall, ...rung.map((i) => withControls(record, personLine(i, endOf(record)), findParticipant(record, { kind: 'person', target: i.target })))];
}

/** The id and passcode for those dialing in or typing the id, as Teams prints them. */
function dialInLine(bridge: BridgeMeeting): string {
  if (bridge.joinMeetingId === undefined) return '';
  return `Meeting ID ${spacedMeetingId(bridge.joinMeetingId)}${bridge.passcode === undefined ? '' : ` · Passcode ${bridge.passcode}`}`;
}

/** An ISO time as Adaptive Cards' TIME() reads it: no fractions of a second. */
function cardTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/**
 * While the call is live: Mute (not for someone muted already, who is shown muted) and Remove beside each person in
 * it, and Cancel beside a ring Rally can stop; Graph offers neither in a one-to-one call.
 */
function withControls(record: CallRecord, line: Omit<PersonLine, keyof Controls>, found: CallParticipant | undefined): PersonLine {
  if (!isLive(record) || !hasOthersToChange(record.kind) || found?.participantId === undefined) return { ...line, ...NO_CONTROLS };
  if (found.kind === 'ringing') return { ...line, participantId: found.participantId, canMute: false, removeTitle: 'Cancel' };
  return {
    ...line,
    outcomeLabel: found.muted ? `${line.outcomeLabel} · muted` : line.outcomeLabel,
    participantId: found.participantId,
    canMute: !found.muted,
    removeTitle: 'Remove',
  };
}

function personLine(invitee: Invitee, endedAt: number | undefined): Omit<PersonLine, keyof Controls> {
  const [label, color] = OUTCOME_LABELS[invitee.outcome];
  const joined = invitee.joinedAt === undefined ? undefined : Date.parse(invitee.joinedAt);
  const until = invitee.leftAt === undefined ? endedAt : Date.parse(invitee.leftAt);
  // Once someone has left or the call is over, how long they were on it.
  const stayed = joined !== undefined && until !== undefined && (invitee.outcome === 'left' || endedAt !== undefined) ? ` for ${duration(until - joined)}` : '';
  return {
    name: inviteeName(invitee),
    outcomeLabel: invitee.reason && invitee.outcome !== 'joined' ? `${label}: ${invitee.reason}` : `${invitee.outcome === 'left' ? 'Was there' : label}${stayed}`,
    outcomeColor: color,
  };
}

/** Everyone Rally rang or invited, the people an escalation moved in included. */
function title(record: CallRecord): string {
  if (record.kind === 'meeting' || record.kind === 'guestMeeting') return 'Rally in a meeting';
  const names = [...new Set(record.invitees.map(inviteeName))];
  return names.length === 0 ? 'Call' : `Call with ${names.join(', ')}`;
}

/** When the call ended, if it has (ms since the epoch). */
function endOf(record: CallRecord): number | undefined {
  if (isLive(record)) return undefined;
  const end = record.stateHistory.findLast((s) => s.state === 'terminated')?.at ?? record.stateHistory.at(-1)?.at;
  return end === undefined ? undefined : Date.parse(end);
}

/** The ended call's summary line: how long it lasted, and who ended it when Rally did. */
function summaryLine(record: CallRecord): string {
  const connected = record.stateHistory.find((s) => s.state === 'established')?.at;
  const end = endOf(record);
  const lasted = connected !== undefined && end !== undefined ? `Lasted ${duration(end - Date.parse(connected))}` : 'Never connected';
  return record.endedBy ? `${lasted} · hung up by ${record.endedBy.name}` : lasted;
}

/** `45 s`, `4 min 12 s`, `1 h 5 min`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 || minutes >= 10 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  return minutes % 60 === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
