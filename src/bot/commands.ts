// What a person can ask Rally for in chat, as typed values.
import type { CallRef } from '../calling/index.js';

export type { CallRef };

/** Someone named in a command, before Rally looks them up. */
export type PersonRef =
  | { kind: 'mention'; teamsId: string; name: string }
  | { kind: 'userPrincipalName'; value: string }
  | { kind: 'objectId'; id: string }
  | { kind: 'phone'; raw: string }
  /** A team of people this chat named once (`team sre = …`), expanded before anyone is looked up. */
  | { kind: 'team'; name: string };

/** One person or number named in a command: what a team holds, and what the teams named in a command expand into. */
export type NamedPerson = Exclude<PersonRef, { kind: 'team' }>;


export type MeetingRef =
  | { kind: 'link'; url: string }
  | { kind: 'meetingId'; id: string; passcode?: string }
  /** `join` alone: the meeting whose own chat the message was typed in, which only the chat surface can tell. */
  | { kind: 'thisChat' };

export type Command =
  | { kind: 'call'; people: PersonRef[] }
  | { kind: 'join'; meeting: MeetingRef; guestName?: string }
  /** A Teams meeting made for the requester and joined by Rally: the chat's bridge. */
  | { kind: 'bridge'; title?: string }
  | { kind: 'invite'; people: PersonRef[]; call?: CallRef }
  | { kind: 'escalate'; people: PersonRef[]; call?: CallRef }
  | { kind: 'move'; person: PersonRef; from: CallRef; to: CallRef }
  | { kind: 'calls' }
  | { kind: 'status'; call?: CallRef }
  | { kind: 'hangup'; call?: CallRef }
  | { kind: 'mute'; person: PersonRef; call?: CallRef }
  /** Drops someone from a call, or cancels the ring of someone still being invited. */
  | { kind: 'remove'; person: PersonRef; call?: CallRef }
  /** Rings `steps` one at a time until one presses 1; `waitMs` per step, `call` to bring them into. */
  | { kind: 'page'; steps: PersonRef[]; call?: CallRef; waitMs?: number }
  /** `team <name> = <people>` defines or replaces it, `team <name>` shows it, `team <name> delete` removes it. */
  | { kind: 'team'; name: string; action: 'define'; people: NamedPerson[] }
  | { kind: 'team'; name: string; action: 'show' }
  | { kind: 'team'; name: string; action: 'delete' }
  /** The chat's teams of people. */
  | { kind: 'teams' }
  | { kind: 'help' }
  /** Admins only: checks Rally's setup (src/doctor/). */
  | { kind: 'doctor' };

export type CommandKind = Command['kind'];
