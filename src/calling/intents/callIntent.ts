// A command that creates a call is written down before Graph is asked (an intent, created at "sending" under the
// activity's own id), and each step it takes is recorded before the next: sending → sent | failed | unconfirmed →
// (adopted) sent | expired. Graph has no idempotency key, so once "sending" is recorded Rally never sends that request
// again, whoever delivers the activity again; a crash or a lost answer
// leaves an intent whose call is found through its notifications (the intent's id is in the callbackUri), or whose
// chat is told at the deadline that Graph never confirmed it.
import { createHash, randomBytes } from 'node:crypto';
import type { Words } from '../../i18n/sentence.js';
import type { BridgeAsk, BridgeMeeting } from '../bridges/bridgeMeeting.js';
import type { CallKind, PageLink } from '../records/callRecord.js';
import type { CallTarget, Person } from '../targets/people.js';

export type IntentStep = 'sending' | 'sent' | 'failed' | 'unconfirmed' | 'expired';

export interface CallIntent {
  /** From its activity (intentIdOf); Graph calls back at `callbackUri?rally=<id>`, which is how a call whose answer was lost is found. */
  id: string;
  /** The chat message or button press that asked, so a redelivery resumes this intent instead of starting another. */
  activityKey: string;
  chatKey: string;
  tenantId: string;
  requestedBy: Person;
  /** The requester's language and time zone, for every later word about this request. */
  locale?: string;
  timeZone?: string;
  /** What it asks Graph for, in Rally's terms (the request body is built from it). */
  kind: CallKind;
  targets: CallTarget[];
  /** For `escalate`: the one-to-one call whose party moves into the new group call. */
  escalationOf?: string;
  /** For `escalate`: phone numbers to invite once the party has moved in (a group call rings only users). */
  thenInvite?: CallTarget[];
  /** For a page: the step this call rings; the page, not a call card, shows it. */
  page?: PageLink;
  /** For `bridge`: the meeting to make before the call joins it, and, once Graph made it, the meeting. */
  bridge?: BridgeAsk & { meeting?: BridgeMeeting };
  step: IntentStep;
  /** ISO 8601. */
  createdAt: string;
  /** When "sending" was recorded. */
  sendingAt?: string;
  /** Which run recorded "sending": the one that may send. */
  sendingBy?: string;
  /** When the chat is told Graph never confirmed the call, if nothing has by then. */
  deadline: string;
  /** The call Graph created, from its answer or from the first notification. */
  callId?: string;
  /** The sentence the chat was given when Graph refused (English text in an intent older than sentences). */
  failure?: Words;
  /** Who asked to hang the call up while it was still being confirmed: it is hung up the moment it is known. */
  hangUpAskedBy?: Person;
}

/** 128 random bits, URL-safe: it travels in the callbackUri query string. */
export function newIntentId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The id of the intent an activity starts: the same on every delivery of it, so creating the intent if absent is
 * what makes a redelivery harmless. 128 bits of a hash, URL-safe: it travels in the callbackUri query string.
 */
export function intentIdOf(activityKey: string): string {
  return createHash('sha256').update(`intent:${activityKey}`).digest().subarray(0, 16).toString('base64url');
}

/** Moves `intent` to `step` if it is still at one of `from`; returns the very intent otherwise (the store skips it). */
export function stepped(intent: CallIntent | undefined, from: readonly IntentStep[], step: IntentStep, extra: Partial<CallIntent> = {}): CallIntent | undefined {
  if (intent === undefined || !from.includes(intent.step)) return intent;
  return { ...intent, ...extra, step };
}
