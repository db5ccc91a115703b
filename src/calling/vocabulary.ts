// The calling domain's shared vocabulary: who asked from where, when a call counts as live, and the durable jobs the
// calling services start. Every room of calling/ and the chat surface speak it.
import type { CallRecord } from './records/callRecord.js';
import type { Person } from './targets/people.js';

/** Who asked, from which chat, in which tenant. */
export interface ChatRequest {
  chatKey: string;
  tenantId: string;
  requestedBy: Person;
  /**
   * The chat message or button press, when there is one: a command that creates a call records its intent under it,
   * so that a redelivery resumes that intent instead of placing a second call.
   */
  activityKey?: string;
  /** The requester's language (a canonical BCP 47 tag) when their Teams client named one. */
  locale?: string;
  /** The requester's time zone (IANA) when their Teams client named one. */
  timeZone?: string;
  /** What the rate limit counts this request as, when not its activity: a page's steps count once, as the page. */
  countsAs?: string;
}

/** The durable jobs about calls and intents the calling services start (CallJobs records them, CallFollowUps runs them). */
export interface DeskJobs {
  /** Tells the chat what changed about the call and takes its pending next step (an escalation's invite). */
  followUp(callId: string): Promise<void>;
  /** The same, durably scheduled for `at`: to look again at a step that may have been cut short. */
  followUpAt(callId: string, at: Date): Promise<void>;
  /** Checks on an intent at `at`: adopts its call from notifications, or tells the chat Graph never confirmed it. */
  checkIntent(intentId: string, at: Date): Promise<string>;
  /** Drops a scheduled job that is no longer needed (an intent's deadline once Graph answered). */
  cancel(jobKey: string): Promise<void>;
}

const LIVE_STATES = new Set(['incoming', 'establishing', 'established', 'hold', 'transferring', 'transferAccepted', 'redirecting']);

export function isLive(record: CallRecord): boolean {
  return LIVE_STATES.has(record.state) && record.replacedBy === undefined;
}
