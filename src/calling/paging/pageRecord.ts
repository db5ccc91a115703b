// A page rings people one at a time until one of them accepts. Its record is the one truth about where the ladder
// stands: every step change is a compare-and-swap guarded by the step number (`current`), so an answer and a timeout
// that race settle one way, whichever instance sees them. The functions here are pure; they return the very record
// they were given when the change no longer applies, which lets the store skip the write.
import type { Language } from '../../i18n/languages.js';
import type { Words } from '../../i18n/sentence.js';
import type { CallTarget, Person } from '../targets/people.js';

/**
 * Where one step stands. `ringing` and `answered` are open (the step's call may still be accepted); the others are
 * settled: `noAnswer` (the wait ran out while it rang), `noConfirm` (answered, but no 1 within the wait), `hungUp`
 * (answered, then hung up without pressing 1), `refused` (the calling policy), `failed` (Graph could not ring them).
 */
export type PageStepStatus =
  | 'waiting'
  | 'ringing'
  | 'answered'
  | 'accepted'
  | 'declined'
  | 'noAnswer'
  | 'noConfirm'
  | 'hungUp'
  | 'failed'
  | 'refused'
  | 'skipped'
  | 'stopped';

export interface PageStep {
  target: CallTarget;
  status: PageStepStatus;
  /**
   * The language the step's prompt speaks (see promptLanguage.ts), chosen when the page starts: every prompt of the
   * step, on any instance and after any retry, is the same recording.
   */
  language?: Language;
  /** One plain sentence for a decline, a failure, a refusal or a skip (English text in a record older than sentences). */
  reason?: Words;
  /** Declined from the keypad (2 after the prompt) rather than by declining the call. */
  viaKeypad?: true;
  /** The one-to-one call that rings this step, once Graph named it, and its handle in the chat. */
  callId?: string;
  handle?: string;
  /** When the step's wait runs out (ISO 8601), set when it starts ringing. */
  deadline?: string;
  /** Rally must end the step's call (it was passed by); cleared once Graph has been asked. */
  hangUpPending?: true;
  /** A run is asking Graph to end it, until then (ISO 8601): others leave it alone; a run that died is taken over after. */
  hangingUpUntil?: string;
}

/** `exhausted`: every step was tried and nobody accepted. */
export type PageState = 'paging' | 'accepted' | 'exhausted' | 'stopped';

/** Where the accepted person is moved: into a group call or meeting, with replacesCallId of their one-to-one call. */
export interface PageMove {
  callId: string;
  handle?: string;
  /** `pending` until Graph was asked (the invite is recorded under a clientContext keyed by the page first). */
  status: 'pending' | 'sent' | 'failed';
  failure?: Words;
}

export interface PageRecord {
  id: string;
  /** The chat message that asked, so a redelivery finds this page instead of starting another. */
  activityKey: string;
  chatKey: string;
  tenantId: string;
  requestedBy: Person;
  steps: PageStep[];
  /** The requester's language and time zone, for every later word about this request. */
  locale?: string;
  timeZone?: string;
  /** The step being rung (or next to ring); equal to `steps.length` once every step was tried. */
  current: number;
  /** How long each step rings before the next (ms). */
  waitMs: number;
  /** The call named with `into`, if one was. */
  into?: { callId: string; handle?: string };
  state: PageState;
  move?: PageMove;
  /** Who pressed Stop. */
  stoppedBy?: Person;
  /** ISO 8601. */
  createdAt: string;
  /** When the page stopped ringing anyone (ISO 8601), for retention. */
  endedAt?: string;
  /** Counts every change the card shows; the chat has seen the page as of `shownRevision`. */
  revision: number;
  shownRevision: number;
  /** The outcome line (accepted, nobody accepted, a move that failed) is still to be told, as of `outcomeRevision`. */
  outcomeUntold?: true;
  outcomeRevision?: number;
  /** Who is telling the chat now, until when (ISO 8601): one reporter per page at a time, across instances. */
  reporting?: { owner: string; until: string };
}

/** At most this many steps: a page is for a short ladder, not a phone tree. */
export const MAX_PAGE_STEPS = 5;

const OPEN: readonly PageStepStatus[] = ['waiting', 'ringing', 'answered'];

export function isOpen(step: PageStep): boolean {
  return OPEN.includes(step.status);
}

/** The step being rung now, while the page is paging. */
export function currentStep(page: PageRecord): PageStep | undefined {
  return page.state === 'paging' ? page.steps[page.current] : undefined;
}

function changed(page: PageRecord, next: Omit<PageRecord, 'revision'>): PageRecord {
  return { ...next, revision: page.revision + 1 };
}

/** A change that the chat must also be told in a line (see `shown`). */
function toTell(page: PageRecord, next: Omit<PageRecord, 'revision' | 'outcomeUntold' | 'outcomeRevision'>): PageRecord {
  return { ...changed(page, next), outcomeUntold: true, outcomeRevision: page.revision + 1 };
}

function withStep(page: PageRecord, index: number, step: PageStep): PageStep[] {
  return page.steps.map((s, i) => (i === index ? step : s));
}

/** Whether `index` is the open step being rung: every step change is guarded by this. */
function isCurrent(page: PageRecord | undefined, index: number): page is PageRecord {
  return page !== undefined && page.state === 'paging' && page.current === index && page.steps[index] !== undefined && isOpen(page.steps[index]);
}

/** Step `index` starts ringing, with its wait running out at `deadline`. */
export function ringing(page: PageRecord | undefined, index: number, deadline: string): PageRecord | undefined {
  if (!isCurrent(page, index) || page.steps[index]!.status !== 'waiting') return page;
  return changed(page, { ...page, steps: withStep(page, index, { ...page.steps[index]!, status: 'ringing', deadline }) });
}

/** Graph named the call that rings step `index` (from its answer, or from the call's first notification). */
export function withCall(page: PageRecord | undefined, index: number, call: { callId: string; handle?: string }): PageRecord | undefined {
  if (page === undefined || page.steps[index] === undefined || page.steps[index].callId !== undefined) return page;
  // Recorded even on a settled step: a passed-by call must still be hung up once its id is known.
  const step = page.steps[index];
  const hangUp = !isCurrent(page, index) && step.status !== 'accepted' ? { hangUpPending: true as const } : {};
  const handle = call.handle === undefined ? {} : { handle: call.handle };
  return changed(page, { ...page, steps: withStep(page, index, { ...step, callId: call.callId, ...handle, ...hangUp }) });
}

/** The person picked up (the prompt to press 1 is on its way). */
export function answered(page: PageRecord | undefined, index: number): PageRecord | undefined {
  if (!isCurrent(page, index) || page.steps[index]!.status !== 'ringing') return page;
  return changed(page, { ...page, steps: withStep(page, index, { ...page.steps[index]!, status: 'answered' }) });
}

/**
 * Step `index` is settled without an acceptance and the ladder moves on (or, with `stopped`, ends). A call still up is
 * marked to be hung up: a step passed by must not leave a second person on the line.
 */
export function settled(
  page: PageRecord | undefined,
  index: number,
  status: Exclude<PageStepStatus, 'waiting' | 'ringing' | 'answered' | 'accepted'>,
  now: string,
  extra: { reason?: Words; callEnded?: boolean; stoppedBy?: Person; viaKeypad?: true } = {},
): PageRecord | undefined {
  if (!isCurrent(page, index)) return page;
  const step = page.steps[index]!;
  const hangUp = step.callId !== undefined && !extra.callEnded ? { hangUpPending: true as const } : {};
  const next: PageStep = { ...step, status, ...(extra.reason ? { reason: extra.reason } : {}), ...(extra.viaKeypad ? { viaKeypad: true as const } : {}), ...hangUp };
  const steps = withStep(page, index, next);
  if (status === 'stopped') {
    return changed(page, { ...page, steps, state: 'stopped', endedAt: now, ...(extra.stoppedBy ? { stoppedBy: extra.stoppedBy } : {}) });
  }
  const following = index + 1;
  if (following < page.steps.length) return changed(page, { ...page, steps, current: following });
  return toTell(page, { ...page, steps, current: following, state: 'exhausted', endedAt: now });
}

/** The person on step `index` pressed 1: the page is done, and they go to `move` when there is a call to move them into. */
export function accepted(page: PageRecord | undefined, index: number, now: string, move: Pick<PageMove, 'callId' | 'handle'> | undefined): PageRecord | undefined {
  if (!isCurrent(page, index)) return page;
  const step = page.steps[index]!;
  return toTell(page, {
    ...page,
    steps: withStep(page, index, { ...step, status: 'accepted' }),
    state: 'accepted',
    endedAt: now,
    ...(move ? { move: { ...move, status: 'pending' } } : {}),
  });
}

/** Stop, pressed while the page is ringing someone; or, before anyone rang, the page simply ends. */
export function stopped(page: PageRecord | undefined, now: string, by: Person): PageRecord | undefined {
  if (page === undefined || page.state !== 'paging') return page;
  return settled(page, page.current, 'stopped', now, { stoppedBy: by });
}

/** A step whose call must be hung up and that no live run is hanging up (as of `now`, ISO 8601). */
export function stepToHangUp(page: PageRecord, now: string): number {
  return page.steps.findIndex((s) => s.hangUpPending && s.callId !== undefined && (s.hangingUpUntil === undefined || s.hangingUpUntil <= now));
}

/** A run takes the hang-up of step `index` until `until`, if no live run has it. */
export function hangingUp(page: PageRecord | undefined, index: number, now: string, until: string): PageRecord | undefined {
  const step = page?.steps[index];
  if (page === undefined || step?.hangUpPending === undefined || (step.hangingUpUntil !== undefined && step.hangingUpUntil > now)) return page;
  return { ...page, steps: withStep(page, index, { ...step, hangingUpUntil: until }) };
}

/** The step's call was asked to end (or had ended): nothing is left to hang up. */
export function hungUp(page: PageRecord | undefined, index: number): PageRecord | undefined {
  const step = page?.steps[index];
  if (page === undefined || step?.hangUpPending === undefined) return page;
  const { hangUpPending: _done, hangingUpUntil: _released, ...rest } = step;
  return { ...page, steps: withStep(page, index, rest) };
}

/** The move into the call was sent, or failed (which the chat is told, as it was told of the acceptance). */
export function moved(page: PageRecord | undefined, failure?: Words): PageRecord | undefined {
  if (page?.move?.status !== 'pending') return page;
  if (failure === undefined) return changed(page, { ...page, move: { ...page.move, status: 'sent' } });
  return toTell(page, { ...page, move: { ...page.move, status: 'failed', failure } });
}

/**
 * The chat has seen the page as of `revision`, with its outcome line when `outcomeTold`. An outcome raised after that
 * revision (a move that failed while the acceptance was being told) stays to be told.
 */
export function shown(page: PageRecord, revision: number, outcomeTold: boolean): PageRecord {
  const { reporting: _released, outcomeUntold, outcomeRevision, ...rest } = page;
  const told = outcomeTold && (outcomeRevision ?? 0) <= revision;
  return { ...rest, shownRevision: Math.max(page.shownRevision, revision), ...(outcomeUntold && !told ? { outcomeUntold, ...(outcomeRevision === undefined ? {} : { outcomeRevision }) } : {}) };
}
