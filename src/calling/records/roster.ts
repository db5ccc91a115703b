// Who is in a call, as Rally stores it, and how full and delta roster notifications change it.
import type { NotifiedParticipant, ParticipantKind } from '../notifications/notificationEvents.js';
import type { CallTarget } from '../targets/people.js';
import { phoneDigits } from '../targets/phoneNumber.js';

export interface RosterEntry {
  /** Graph participant id, or `kind:identityId` when the notification had none. */
  key: string;
  participantId?: string;
  kind: ParticipantKind;
  /** Entra object id for users, the number for phones. */
  identityId?: string;
  displayName?: string;
  muted: boolean;
  inLobby: boolean;
  /** The delta roster sequence number that last set this entry; absent when it came from a full roster. */
  sequenceNumber?: number;
  /**
   * Set when the participant left. In delta mode the entry is kept with this mark, so that an older delta arriving
   * late cannot bring the participant back.
   */
  removed?: { reason?: string };
}

export type RosterChange =
  | { kind: 'participantJoined'; participant: RosterEntry }
  | { kind: 'participantLeft'; participant: RosterEntry }
  | { kind: 'participantUpdated'; participant: RosterEntry; previous: RosterEntry };

export interface RosterUpdate {
  roster: RosterEntry[];
  changes: RosterChange[];
}

// entryFor and sameEntry run for every participant of every full roster (250 per notification in a large meeting):
// fields are set and compared one by one, without spreads or reflection.
function entryFor(p: NotifiedParticipant, sequenceNumber?: number): RosterEntry {
  const { key, participantId, isMuted: muted, isInLobby: inLobby } = p;
  const { kind, id: identityId, displayName } = p.identity;
  // The usual entry as one literal: each field added later costs V8 a further allocation.
  if (participantId !== undefined && identityId !== undefined && displayName !== undefined && sequenceNumber === undefined && p.removed === undefined) {
    return { key, participantId, kind, identityId, displayName, muted, inLobby };
  }
  const entry: RosterEntry = { key, kind, muted, inLobby };
  if (participantId !== undefined) entry.participantId = participantId;
  if (identityId !== undefined) entry.identityId = identityId;
  if (displayName !== undefined) entry.displayName = displayName;
  if (sequenceNumber !== undefined) entry.sequenceNumber = sequenceNumber;
  if (p.removed !== undefined) entry.removed = p.removed;
  return entry;
}

function isPresent(entry: RosterEntry | undefined): entry is RosterEntry {
  return entry !== undefined && entry.removed === undefined;
}

/**
 * Whether `entry` is what a full roster's `p` makes (entryFor, with no sequence number) and is present: the same test
 * as `sameEntry(entry, entryFor(p))` without building the entry, which measurably slowed /api/calling. It mirrors
 * entryFor field by field, so a field added to RosterEntry goes into both (sameEntry's compile check is the reminder).
 */
function describes(entry: RosterEntry, p: NotifiedParticipant): boolean {
  return (
    entry.key === p.key &&
    entry.participantId === p.participantId &&
    entry.kind === p.identity.kind &&
    entry.identityId === p.identity.id &&
    entry.displayName === p.identity.displayName &&
    entry.muted === p.isMuted &&
    entry.inLobby === p.isInLobby &&
    entry.sequenceNumber === undefined &&
    entry.removed === undefined &&
    p.removed === undefined
  );
}

/** How an entry moved from `before` to `after`, if that is worth telling the chat. */
function changeBetween(before: RosterEntry | undefined, after: RosterEntry | undefined): RosterChange | undefined {
  if (!isPresent(before)) return isPresent(after) ? { kind: 'participantJoined', participant: after } : undefined;
  if (!isPresent(after)) return { kind: 'participantLeft', participant: after ?? { ...before, removed: {} } };
  const differs = before.muted !== after.muted || before.inLobby !== after.inLobby || before.displayName !== after.displayName;
  return differs ? { kind: 'participantUpdated', participant: after, previous: before } : undefined;
}

/** A full roster is everyone in the call now: it replaces what Rally had, and whoever is missing from it left. */
export function applyFullRoster(roster: readonly RosterEntry[], participants: readonly NotifiedParticipant[]): RosterUpdate {
  // A roster sent again as it was (redelivered, or repeated within a burst) is recognised without building a new one:
  // for a large meeting that is most of the cost of a notification that changes nothing.
  if (participants.length === roster.length && participants.every((p, i) => describes(roster[i]!, p))) return { roster: [...roster], changes: [] };
  const before = new Map(roster.map((e) => [e.key, e]));
  const after = new Map(participants.map((p) => [p.key, entryFor(p)]));
  const changes: RosterChange[] = [];
  for (const [key, entry] of after) {
    const change = changeBetween(before.get(key), entry);
    if (change) changes.push(change);
  }
  for (const [key, entry] of before) {
    if (!after.has(key) && isPresent(entry)) changes.push({ kind: 'participantLeft', participant: { ...entry, removed: {} } });
  }
  return { roster: [...after.values()].filter(isPresent), changes };
}

/**
 * A delta update carries only the participants that changed. Each is applied only if it is newer than what Rally
 * holds for that participant (its `rosterSequenceNumber`, else the update's `sequenceNumber`), so duplicates and
 * stale updates change nothing, and updates about different people apply whatever order they arrive in.
 */
export function applyRosterDelta(
  roster: readonly RosterEntry[],
  sequenceNumber: number,
  participants: readonly NotifiedParticipant[],
): RosterUpdate {
  const entries = new Map(roster.map((e) => [e.key, e]));
  const changes: RosterChange[] = [];
  for (const p of participants) {
    const current = entries.get(p.key);
    const number = p.rosterSequenceNumber ?? sequenceNumber;
    if (current?.sequenceNumber !== undefined && number <= current.sequenceNumber) continue;
    const next = entryFor(p, number);
    entries.set(p.key, next);
    const change = changeBetween(current, next);
    if (change) changes.push(change);
  }
  return { roster: [...entries.values()], changes };
}

/**
 * Whether two rosters hold the same entries in the same order: what a full roster that changed nothing looks like.
 * Field by field rather than by JSON text, which for a 250-person meeting cost more than applying the roster.
 */
export function sameRoster(a: readonly RosterEntry[], b: readonly RosterEntry[]): boolean {
  return a.length === b.length && a.every((entry, index) => sameEntry(entry, b[index]!));
}

/** RosterEntry's fields but `removed`, the one that is an object. */
const PLAIN_FIELDS = ['key', 'participantId', 'kind', 'identityId', 'displayName', 'muted', 'inLobby', 'sequenceNumber'] as const;
// Fails to compile when RosterEntry gains a field that sameEntry does not compare.
const everyFieldCompared: Exclude<keyof RosterEntry, 'removed' | (typeof PLAIN_FIELDS)[number]> extends never ? true : never = true;
void everyFieldCompared;

/** An absent field and one set to undefined (which JSON never stores) compare alike. */
function sameEntry(a: RosterEntry, b: RosterEntry): boolean {
  // The very entry, as applyFullRoster keeps it for a roster sent again unchanged.
  if (a === b) return true;
  for (const field of PLAIN_FIELDS) if (a[field] !== b[field]) return false;
  return a.removed === undefined ? b.removed === undefined : b.removed !== undefined && a.removed.reason === b.removed.reason;
}

/** Whether a roster entry is the person Rally invited (users by object id, phones by number). */
export function isTarget(entry: RosterEntry, target: CallTarget): boolean {
  if (entry.identityId === undefined) return false;
  if (target.kind === 'phone') return entry.kind === 'phone' && phoneDigits(entry.identityId) === phoneDigits(target.number);
  return entry.kind === 'user' && entry.identityId.toLowerCase() === target.id.toLowerCase();
}
