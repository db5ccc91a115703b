// What a person can ask Rally for in chat, as typed values.
import type { CallRef } from '../calling/index.js';

export type { CallRef };

/** Someone named in a command, before Rally looks them up. */
export type PersonRef =
  | { kind: 'mention'; teamsId: string; name: string }
  | { kind: 'userPrincipalName'; value: string }
  | { kind: 'objectId'; id: string }
  | { kind: 'phone'; raw: string };


export type MeetingRef = { kind: 'link'; url: string } | { kind: 'meetingId'; id: string; passcode?: string };

export type Command =
  | { kind: 'call'; people: PersonRef[] }
  | { kind: 'join'; meeting: MeetingRef; guestName?: string }
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
  | { kind: 'help' }
  /** Admins only: checks Rally's setup (src/doctor/). */
  | { kind: 'doctor' };

export type CommandKind = Command['kind'];
