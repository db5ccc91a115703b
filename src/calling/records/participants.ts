// The people of a call Rally can mute or remove, found by who the chat names or by the participant id a card's button
// carries: someone in the call (Graph's roster), or someone still ringing under an invite (Rally's invitees).
import type { CallKind, CallRecord, Invitee } from './callRecord.js';
import { isTarget } from './roster.js';
import type { RosterEntry } from './roster.js';
import { targetKey } from '../targets/people.js';
import type { CallTarget } from '../targets/people.js';

/** A person as the chat names them, or a participant as a card's button carries it. */
export type ParticipantRef = { kind: 'person'; target: CallTarget } | { kind: 'participant'; participantId: string };

export type CallParticipant =
  /** `name` is absent when neither Rally nor Graph's roster names them. */
  | { kind: 'inCall'; participantId: string; name?: string; muted: boolean }
  /** `participantId` is known once Graph's answer to their invite named it; the targets a call rang have none. */
  | { kind: 'ringing'; participantId: string; name: string }
  | { kind: 'ringing'; participantId?: undefined; name: string };

/** Graph mutes and removes people in group calls and meetings; a one-to-one call has nobody else to act on. */
export function hasOthersToChange(kind: CallKind): boolean {
  return kind === 'group' || kind === 'meeting' || kind === 'guestMeeting';
}

/** How the chat names a person Rally rang: a phone by its number, a user by their name (or object id). */
export function targetName(target: CallTarget): string {
  return target.kind === 'phone' ? target.number : (target.displayName ?? target.id);
}

/** Who `ref` is in the call now; undefined when they are neither in it nor ringing. */
export function findParticipant(record: CallRecord, ref: ParticipantRef): CallParticipant | undefined {
  const present = record.roster.filter((e): e is RosterEntry & { participantId: string } => e.removed === undefined && e.participantId !== undefined);
  if (ref.kind === 'person') {
    const entry = present.find((e) => isTarget(e, ref.target));
    if (entry) return inCall(entry, ref.target);
    const key = targetKey(ref.target);
    return ringingOf(record.invitees.find((i) => i.outcome === 'ringing' && targetKey(i.target) === key));
  }
  const entry = present.find((e) => e.participantId === ref.participantId);
  if (entry) return inCall(entry, record.invitees.find((i) => isTarget(entry, i.target))?.target);
  return ringingOf(record.invitees.find((i) => i.outcome === 'ringing' && i.participantId === ref.participantId));
}

/** Named as Rally knows them (a phone by its number, a user by the name it looked up), else as the roster names them. */
function inCall(entry: RosterEntry & { participantId: string }, target: CallTarget | undefined): CallParticipant {
  const known = target?.kind === 'phone' || target?.displayName !== undefined ? target : undefined;
  const name = known ? targetName(known) : (entry.displayName ?? (target ? targetName(target) : entry.identityId));
  return { kind: 'inCall', participantId: entry.participantId, ...(name === undefined ? {} : { name }), muted: entry.muted };
}

function ringingOf(invitee: Invitee | undefined): CallParticipant | undefined {
  if (invitee === undefined) return undefined;
  const name = targetName(invitee.target);
  return invitee.participantId === undefined ? { kind: 'ringing', name } : { kind: 'ringing', participantId: invitee.participantId, name };
}
