import { callEndReason, findParticipant, hasOthersToChange, isLive, spacedMeetingId, targetName } from '../calling/index.js';
import type { BridgeMeeting, CallKind, CallParticipant, CallRecord, CallState, Invitee, InviteeOutcome } from '../calling/index.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { nameParams } from '../i18n/sentence.js';
import type { Translator } from '../i18n/translator.js';
import { expandCard } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const KIND_LABELS: Record<CallKind, MessageKey> = {
  peerToPeer: 'callCard.kind.peerToPeer',
  group: 'callCard.kind.group',
  meeting: 'callCard.kind.meeting',
  guestMeeting: 'callCard.kind.guestMeeting',
  pstn: 'callCard.kind.pstn',
};

const STATE_LABELS: Partial<Record<CallState, [MessageKey, Color]>> = {
  incoming: ['callCard.state.incoming', 'Accent'],
  establishing: ['callCard.state.establishing', 'Accent'],
  established: ['callCard.state.established', 'Good'],
  hold: ['callCard.state.hold', 'Warning'],
  transferring: ['callCard.state.transferring', 'Accent'],
  transferAccepted: ['callCard.state.transferAccepted', 'Accent'],
  redirecting: ['callCard.state.redirecting', 'Accent'],
  terminating: ['callCard.state.terminating', 'Warning'],
  terminated: ['callCard.state.terminated', 'Attention'],
};

const OUTCOME_LABELS: Record<InviteeOutcome, [MessageKey, Color]> = {
  ringing: ['callCard.outcome.ringing', 'Accent'],
  joined: ['callCard.outcome.joined', 'Good'],
  left: ['callCard.outcome.left', 'Default'],
  declined: ['callCard.outcome.declined', 'Warning'],
  failed: ['callCard.outcome.failed', 'Attention'],
};

export interface CallCardOptions {
  /** The Teams client in use can show a Graph people picker (the Agents Playground cannot). */
  pickerSupported: boolean;
  /** Bumped on every change, so an action pressed twice on the same version of the card is done once. */
  revision: string;
}

export function renderCallCard(record: CallRecord, options: CallCardOptions, t: Translator): AdaptiveCardJson {
  const [stateKey, stateColor] = STATE_LABELS[record.state] ?? [undefined, 'Default'];
  const moved = record.replacedBy !== undefined;
  const { bridge } = record;
  const placedAt = cardTime(record.createdAt);
  return expandCard('callCard', {
    callId: record.callId,
    handle: record.handle ?? t.t('callCard.handle.none'),
    title: bridge?.subject ?? title(record, t),
    kindLabel: t.t(bridge ? 'callCard.kind.bridge' : KIND_LABELS[record.kind]),
    joinUrl: bridge?.joinWebUrl ?? '',
    dialIn: bridge ? dialInLine(bridge, t) : '',
    stateLabel: moved ? t.t('callCard.state.moved') : stateKey ? t.t(stateKey) : record.state,
    stateColor: moved ? 'Accent' : stateColor,
    endedReason: record.state === 'terminated' || moved ? t.say(callEndReason(record)) : '',
    summary: isLive(record) ? '' : summaryLine(record, t),
    people: bridge ? bridgePeopleLines(record, t) : peopleLines(record, t),
    placedLine: t.t('callCard.placedBy', { ...nameParams(record.placedBy.name), date: `{{DATE(${placedAt}, SHORT)}}`, time: `{{TIME(${placedAt})}}` }),
    active: isLive(record),
    canEscalate: record.kind === 'peerToPeer',
    canPage: bridge !== undefined,
    hangUpLabel: t.t(bridge ? 'callCard.endBridge' : 'callCard.hangUp'),
    pickerSupported: options.pickerSupported,
    peopleFieldLabel: t.t(options.pickerSupported ? 'callCard.addPeople.typed' : 'callCard.addPeople.plain'),
    revision: options.revision,
    text: {
      refresh: t.t('card.refresh'),
      mute: t.t('callCard.person.mute'),
      addPeople: t.t('callCard.addPeople'),
      join: t.t('callCard.join'),
      invite: t.t('callCard.invite'),
      page: t.t('callCard.page'),
      escalate: t.t('callCard.escalate'),
    },
  });
}

/** What the card calls a call's state (`Connected`, not `established`). */
export function stateLabel(state: CallState, t: Translator): string {
  const key = STATE_LABELS[state]?.[0];
  return key ? t.t(key) : state;
}

/** What the card calls a person's outcome (`Joined`, `Ringing…`). */
export function outcomeLabel(outcome: InviteeOutcome, t: Translator): string {
  return t.t(OUTCOME_LABELS[outcome][0]);
}

/**
 * A call's handle as the catalogs' `select` reads it: `none` when it has none, and the messages then name it in
 * words ("the call"), in the case their sentence needs. Handles are `#n`, never `none`.
 */
export function handleParam(handle: string | undefined): string {
  return handle ?? 'none';
}

export function inviteeName(invitee: Pick<Invitee, 'target'>): string {
  return targetName(invitee.target);
}

type PersonLine = { name: string; outcomeLabel: string; outcomeColor: Color } & Controls;

/** The buttons beside a person: `participantId` they act on, Mute, and Remove (or Cancel, for a ring) when titled. */
type Controls = { participantId: string; canMute: boolean; removeTitle: string };

const NO_CONTROLS: Controls = { participantId: '', canMute: false, removeTitle: '' };

/** The people Rally rang or invited; in a meeting Rally rang nobody, so the people in it (Graph's roster). */
function peopleLines(record: CallRecord, t: Translator): PersonLine[] {
  if (record.invitees.length > 0) {
    return record.invitees.map((i) => withControls(record, personLine(i, endOf(record), t), findParticipant(record, { kind: 'person', target: i.target }), t));
  }
  const [label, color] = record.state === 'terminated' ? [t.t('callCard.person.wasThere'), 'Default' as Color] : [t.t('callCard.person.inTheMeeting'), 'Good' as Color];
  return record.roster
    .filter((p) => !p.removed && p.kind !== 'app' && p.displayName)
    .map((p) => {
      const line = { name: p.displayName!, outcomeLabel: p.inLobby ? t.t('callCard.person.inTheLobby') : label, outcomeColor: p.inLobby ? 'Warning' as Color : color };
      return withControls(record, line, p.participantId === undefined ? undefined : findParticipant(record, { kind: 'participant', participantId: p.participantId }), t);
    });
}

/**
 * A bridge's people: who is in and since when (Graph's roster; Teams shows the time in each reader's own zone), then
 * who was rung into it and what became of them.
 */
function bridgePeopleLines(record: CallRecord, t: Translator): PersonLine[] {
  const ended = record.state === 'terminated';
  const present = record.roster.filter((p) => !p.removed && p.kind !== 'app' && p.displayName);
  const inCall: PersonLine[] = present.map((p) => {
    const since = record.rosterSince?.[p.key];
    const label = p.inLobby
      ? t.t('callCard.person.inTheLobby')
      : ended
        ? t.t('callCard.person.wasThere')
        : since
          ? t.t('callCard.person.inSince', { time: `{{TIME(${cardTime(since)})}}` })
          : t.t('callCard.person.inTheBridge');
    const line = { name: p.displayName!, outcomeLabel: label, outcomeColor: (p.inLobby ? 'Warning' : ended ? 'Default' : 'Good') as Color };
    return withControls(record, line, p.participantId === undefined ? undefined : findParticipant(record, { kind: 'participant', participantId: p.participantId }), t);
  });
  const names = new Set(present.map((p) => p.displayName));
  const rung = record.invitees.filter((i) => !(i.outcome === 'joined' && names.has(inviteeName(i))));
  return [...inCall, ...rung.map((i) => withControls(record, personLine(i, endOf(record), t), findParticipant(record, { kind: 'person', target: i.target }), t))];
}

/** The id and passcode for those dialing in or typing the id, as Teams prints them. */
function dialInLine(bridge: BridgeMeeting, t: Translator): string {
  if (bridge.joinMeetingId === undefined) return '';
  const id = spacedMeetingId(bridge.joinMeetingId);
  return bridge.passcode === undefined ? t.t('callCard.dialIn.id', { id }) : t.t('callCard.dialIn.idAndPasscode', { id, passcode: bridge.passcode });
}

/** An ISO time as Adaptive Cards' TIME() reads it: no fractions of a second. */
function cardTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/**
 * While the call is live: Mute (not for someone muted already, who is shown muted) and Remove beside each person in
 * it, and Cancel beside a ring Rally can stop; Graph offers neither in a one-to-one call.
 */
function withControls(record: CallRecord, line: Omit<PersonLine, keyof Controls>, found: CallParticipant | undefined, t: Translator): PersonLine {
  if (!isLive(record) || !hasOthersToChange(record.kind) || found?.participantId === undefined) return { ...line, ...NO_CONTROLS };
  if (found.kind === 'ringing') return { ...line, participantId: found.participantId, canMute: false, removeTitle: t.t('callCard.person.cancel') };
  return {
    ...line,
    outcomeLabel: found.muted ? t.t('callCard.person.muted', { outcome: line.outcomeLabel }) : line.outcomeLabel,
    participantId: found.participantId,
    canMute: !found.muted,
    removeTitle: t.t('callCard.person.remove'),
  };
}

function personLine(invitee: Invitee, endedAt: number | undefined, t: Translator): Omit<PersonLine, keyof Controls> {
  const [labelKey, color] = OUTCOME_LABELS[invitee.outcome];
  return { name: inviteeName(invitee), outcomeLabel: outcomeText(invitee, endedAt, t.t(labelKey), t), outcomeColor: color };
}

/** What became of someone: why not, when Graph said, else how long they stayed once that is known. */
function outcomeText(invitee: Invitee, endedAt: number | undefined, label: string, t: Translator): string {
  if (invitee.reason && invitee.outcome !== 'joined') return t.t('callCard.person.because', { outcome: label, reason: t.say(invitee.reason) });
  const joined = invitee.joinedAt === undefined ? undefined : Date.parse(invitee.joinedAt);
  const until = invitee.leftAt === undefined ? endedAt : Date.parse(invitee.leftAt);
  // Once someone has left or the call is over, how long they were on it.
  const stayed = joined !== undefined && until !== undefined && (invitee.outcome === 'left' || endedAt !== undefined) ? t.duration(until - joined) : undefined;
  if (invitee.outcome === 'left') return stayed === undefined ? t.t('callCard.person.wasThere') : t.t('callCard.person.wasThereFor', { duration: stayed });
  return stayed === undefined ? label : t.t('callCard.person.outcomeFor', { outcome: label, duration: stayed });
}

/** Everyone Rally rang or invited, the people an escalation moved in included. */
function title(record: CallRecord, t: Translator): string {
  if (record.kind === 'meeting' || record.kind === 'guestMeeting') return t.t('callCard.title.meeting');
  const names = [...new Set(record.invitees.map(inviteeName))];
  return names.length === 0 ? t.t('callCard.title.nobody') : t.t('callCard.title.callWith', { names: t.list(names) });
}

/** When the call ended, if it has (ms since the epoch). */
function endOf(record: CallRecord): number | undefined {
  if (isLive(record)) return undefined;
  const end = record.stateHistory.findLast((s) => s.state === 'terminated')?.at ?? record.stateHistory.at(-1)?.at;
  return end === undefined ? undefined : Date.parse(end);
}

/** The ended call's summary line: how long it lasted, and who ended it when Rally did. */
function summaryLine(record: CallRecord, t: Translator): string {
  const connected = record.stateHistory.find((s) => s.state === 'established')?.at;
  const end = endOf(record);
  const by = record.endedBy;
  if (connected === undefined || end === undefined) {
    return by === undefined ? t.t('callCard.summary.neverConnected') : t.t('callCard.summary.neverConnectedHungUpBy', nameParams(by.name));
  }
  const duration = t.duration(end - Date.parse(connected));
  return by === undefined ? t.t('callCard.summary.lasted', { duration }) : t.t('callCard.summary.lastedHungUpBy', { duration, ...nameParams(by.name) });
}
