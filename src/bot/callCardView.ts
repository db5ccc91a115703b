import { callEndReason } from '../calling/records/callRecord.js';
import type { CallKind, CallRecord, Invitee, InviteeOutcome } from '../calling/records/callRecord.js';
import type { CallState } from '../calling/requests/graphTypes.js';
import { isLive } from '../calling/callDesk.js';
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
  return expandCard('callCard', {
    callId: record.callId,
    handle: record.handle ?? 'Call',
    title: title(record),
    kindLabel: KIND_LABELS[record.kind],
    stateLabel: moved ? 'Moved' : stateLabel,
    stateColor: moved ? 'Accent' : stateColor,
    endedReason: record.state === 'terminated' || moved ? callEndReason(record) : '',
    people: record.invitees.map(personLine),
    placedBy: record.placedBy.name,
    placedAt: record.createdAt.replace(/\.\d+Z$/, 'Z'),
    active: isLive(record),
    canEscalate: record.kind === 'peerToPeer',
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
  const { target } = invitee;
  return target.kind === 'phone' ? target.number : (target.displayName ?? target.id);
}

function personLine(invitee: Invitee): { name: string; outcomeLabel: string; outcomeColor: Color } {
  const [label, color] = OUTCOME_LABELS[invitee.outcome];
  return {
    name: inviteeName(invitee),
    outcomeLabel: invitee.reason && invitee.outcome !== 'joined' ? `${label}: ${invitee.reason}` : label,
    outcomeColor: color,
  };
}

function title(record: CallRecord): string {
  if (record.kind === 'meeting' || record.kind === 'guestMeeting') return 'Rally in a meeting';
  const names = record.invitees.filter((i) => i.clientContext === undefined).map(inviteeName);
  return names.length === 0 ? 'Call' : `Call with ${names.join(', ')}`;
}
