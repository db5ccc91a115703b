// `page <person> [then <person> ...]`: rings people one at a time until one accepts by pressing 1, then brings them
// into the chat's call. Everything a page does is a durable job (recorded by the JobScheduler, run by the JobPoller),
// so any instance carries it on:
// - `page:<pageId>` drives the page: rings the current step, hangs up steps passed by, moves the accepted person,
//   and tells the chat; it looks at the records and does what they still need, so it may run any number of times;
// - `pageWait:<pageId>:<step>` is a step's wait running out.
// Every step change is a compare-and-swap on the page record guarded by the step number (see pageRecord.ts); what
// Graph is asked for is recorded first and keyed by the page and step, so nothing is sent twice.
import { createHash, randomBytes } from 'node:crypto';
import type { Language } from '../../i18n/languages.js';
import { languageFields } from '../../i18n/translator.js';
import type { Logger } from '../../log/logger.js';
import { RallyError, sentenceOf } from '../../errors/rallyError.js';
import { nameParams, sentence } from '../../i18n/sentence.js';
import type { Words } from '../../i18n/sentence.js';
import { callEnded } from '../callDesk.js';
import type { CallDesk } from '../callDesk.js';
import type { Invites } from '../invites/invites.js';
import type { ChatRequest, DeskJobs } from '../vocabulary.js';
import { isLive } from '../vocabulary.js';
import { AlreadyUnderWayError, CallUnconfirmedError } from '../errors.js';
import type { ChatReports } from '../chatReports.js';
import { CallingApiError, InvalidRequestError } from '../errors.js';
import { DONE } from '../jobs/jobs.js';
import type { JobHandler, JobOutcome } from '../jobs/jobs.js';
import type { JobScheduler } from '../jobs/jobScheduler.js';
import { reportUnderLease } from '../jobs/leasedReport.js';
import { PolicyRefusedError } from '../policy/callPolicy.js';
import type { StoredCall } from '../records/callDocument.js';
import { GONE_AT_GRAPH } from '../records/callKeeper.js';
import type { CallKeeper } from '../records/callKeeper.js';
import { handleParam } from '../records/callHandles.js';
import type { CallRef } from '../records/callHandles.js';
import type { CallRecord } from '../records/callRecord.js';
import type { RecordStore } from '../records/recordStore.js';
import type { CallingService } from '../requests/callingService.js';
import type { PromptMedia } from '../requests/mediaRequests.js';
import type { CallTarget } from '../targets/people.js';
import {
  MAX_PAGE_STEPS,
  accepted,
  answered,
  currentStep,
  hangingUp,
  hungUp,
  moved,
  ringing,
  settled,
  shown,
  stepToHangUp,
  stopped,
  withCall,
} from './pageRecord.js';
import type { PageMove, PageRecord, PageStep } from './pageRecord.js';
import { promptLanguage, stepLanguage } from './promptLanguage.js';

export interface PagerOptions {
  pages: RecordStore<PageRecord>;
  calls: CallKeeper;
  desk: Pick<CallDesk, 'placePageCall' | 'callInChat' | 'liveCalls' | 'call' | 'mayPlaceCalls'>;
  invites: Pick<Invites, 'moveInto'>;
  service: Pick<CallingService, 'hangUp' | 'askForKeyPress'>;
  reports: ChatReports;
  /** Records the page's jobs: its drive, and each step's wait. */
  jobs: Pick<JobScheduler, 'schedule' | 'runNow'>;
  /** Starts a call's follow-up (its card and news), for the call of an accepted person who stays on it. */
  callJobs: Pick<DeskJobs, 'followUp'>;
  /** The WAV Graph plays to a person who picks up, "press 1 to accept", in each language. */
  prompts: Readonly<Record<Language, PromptMedia>>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** See CallFollowUpsOptions.reportLeaseMs. */
  reportLeaseMs?: number;
  /**
   * How long a run holds a step's hang-up before another may take it over: longer than a Graph request can take (see
   * Deadlines.hangUpClaimMs). Default 30 s.
   */
  hangUpClaimMs?: number;
  now?: () => Date;
}

/** How long each step rings when the command says nothing, and the bounds a person may set. */
export const DEFAULT_PAGE_WAIT_MS = 30_000;
export const MIN_PAGE_WAIT_MS = 5_000;
export const MAX_PAGE_WAIT_MS = 5 * 60_000;

/** The keys that accept and decline a page, as Graph's toneInfo names them. */
const ACCEPT_TONE = 'tone1';
const DECLINE_TONE = 'tone2';

/** The first key that decides the step (1 or 2), in the order Graph numbered the presses. */
function decidingKey(call: StoredCall): 'accept' | 'decline' | undefined {
  const key = call.keyPresses?.find((k) => k.tone === ACCEPT_TONE || k.tone === DECLINE_TONE);
  return key === undefined ? undefined : key.tone === ACCEPT_TONE ? 'accept' : 'decline';
}


/** Rounds of one drive run; each round moves the page by one step at most, so this bounds a run, not a page. */
const MAX_ROUNDS = 2 * MAX_PAGE_STEPS + 4;

const CALL_KINDS_TO_JOIN = new Set(['group', 'meeting', 'guestMeeting']);

export class Pager {
  private readonly now: () => Date;

  constructor(private readonly options: PagerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  readonly handlers: Record<string, JobHandler> = {
    page: async (pageId) => {
      await this.drive(pageId);
      return this.report(pageId);
    },
    pageWait: async (argument) => {
      const [pageId = '', step = ''] = argument.split(':');
      await this.waitRanOut(pageId, Number(step));
      return DONE;
    },
  };

  /**
   * Starts a page: checks what the person asked for, records the page and starts ringing its first step. A
   * redelivered message finds the page it started instead of starting another.
   */
  async start(request: ChatRequest, targets: readonly CallTarget[], options: { into?: CallRef; waitMs?: number } = {}): Promise<PageRecord> {
    const waitMs = options.waitMs ?? DEFAULT_PAGE_WAIT_MS;
    checkLadder(targets, waitMs);
    const id = pageIdOf(request.activityKey);
    const known = await this.options.pages.get(id);
    if (known) return known;
    // The right to place calls at all is checked now; each step is admitted again when it rings (dialers, countries).
    await this.options.desk.mayPlaceCalls(request);
    const into = options.into === undefined ? undefined : await this.callToJoin(request, options.into);
    const now = this.now().toISOString();
    const page: PageRecord = {
      id,
      activityKey: request.activityKey ?? `request/${id}`,
      chatKey: request.chatKey,
      tenantId: request.tenantId,
      requestedBy: request.requestedBy,
      ...languageFields(request),
      steps: targets.map((target) => ({ target, status: 'waiting', language: promptLanguage(target, request) })),
      current: 0,
      waitMs,
      ...(into ? { into: { callId: into.callId, ...(into.handle === undefined ? {} : { handle: into.handle }) } } : {}),
      state: 'paging',
      createdAt: now,
      revision: 0,
      shownRevision: 0,
    };
    // The job first: a crash before the page is written leaves a job that finds nothing; after, one that rings.
    const job = await this.options.jobs.schedule(`page:${id}`, this.now(), { claim: true });
    const stored = await this.options.pages.update(id, (current) => current ?? page);
    this.options.jobs.runNow(job);
    return stored ?? page;
  }

  /** Skip: the step shown on the card is passed by (its call hung up) and the next one rings. */
  async skip(request: ChatRequest, pageId: string, step: number): Promise<PageRecord> {
    await this.options.desk.mayPlaceCalls(request);
    const page = await this.pageInChat(request, pageId);
    await this.options.pages.update(page.id, (current) => settled(current, step, 'skipped', this.now().toISOString(), { reason: sentence('calling.page.skippedBy', nameParams(request.requestedBy.name)) }));
    return this.driveNow(page.id);
  }

  /** Stop: nobody more is rung, and the call ringing now is hung up. */
  async stop(request: ChatRequest, pageId: string): Promise<PageRecord> {
    await this.options.desk.mayPlaceCalls(request);
    const page = await this.pageInChat(request, pageId);
    await this.options.pages.update(page.id, (current) => stopped(current, this.now().toISOString(), request.requestedBy));
    return this.driveNow(page.id);
  }

  /** A page of this chat; a page of another chat is not found, as calls are not. */
  async pageInChat(request: Pick<ChatRequest, 'chatKey'>, pageId: string): Promise<PageRecord> {
    const page = await this.options.pages.get(pageId);
    if (!page || page.chatKey !== request.chatKey) throw new InvalidRequestError('pageNotInChat', sentence('calling.page.noSuchPage'));
    return page;
  }

  /**
   * A call of a page changed (its notifications were applied): asks the person to press 1 once they pick up, lets
   * the page see the change, and drops the call's news, which the page card shows instead of a call card.
   */
  async callChanged(call: StoredCall): Promise<void> {
    if (call.page === undefined) return;
    const { pageId, step } = call.page;
    const page = await this.options.pages.update(pageId, (current) => withCall(current, step, call));
    // A call found only after its step was passed by (its create answer was lost) is hung up, not prompted.
    const ringing = page?.state === 'paging' && page.current === step;
    if (ringing && call.pendingKeyPrompt && call.state === 'established') await this.askForKeyPress(call, stepLanguage(page, step));
    await this.options.calls.shownByPage(call.callId);
    // A page removed by retention has nothing left to drive.
    if (page) await this.driveNow(pageId);
  }

  private async driveNow(pageId: string): Promise<PageRecord> {
    await this.drive(pageId);
    await this.report(pageId);
    const page = await this.options.pages.get(pageId);
    if (!page) throw new InvalidRequestError('pageNotInChat', sentence('calling.page.noLongerKept'));
    return page;
  }

  /** Brings the world in line with the page record, one change at a time, until nothing is left to do now. */
  private async drive(pageId: string): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const page = await this.options.pages.get(pageId);
      if (!page || !(await this.advance(page))) return;
    }
  }

  /** Does the next thing the page needs; resolves to whether it changed anything (then look again). */
  private async advance(page: PageRecord): Promise<boolean> {
    const passedBy = stepToHangUp(page, this.now().toISOString());
    if (passedBy >= 0) return this.hangUpStep(page, passedBy);
    if (page.move?.status === 'pending') return this.moveAccepted(page, page.move);
    if (page.state === 'accepted' && page.move?.status !== 'sent' && (await this.releaseAccepted(page))) return true;
    const step = currentStep(page);
    if (step === undefined) return false;
    if (step.status === 'waiting') return this.ring(page);
    if (step.callId === undefined) return this.place(page);
    return this.follow(page, step, step.callId);
  }

  /** The current step starts ringing: its wait is a job, recorded before anything rings. */
  private async ring(page: PageRecord): Promise<boolean> {
    const index = page.current;
    const deadline = new Date(this.now().getTime() + page.waitMs);
    await this.options.jobs.schedule(`pageWait:${page.id}:${index}`, deadline);
    const rung = await this.options.pages.update(page.id, (current) => ringing(current, index, deadline.toISOString()));
    if (rung?.steps[index]?.deadline !== deadline.toISOString()) return true;
    return this.place(rung);
  }

  /**
   * Places the current step's call through its intent (keyed by page and step, so a run that repeats this finds the
   * intent and never rings the person twice). A refusal by the policy or Graph settles the step and the ladder goes on.
   */
  private async place(page: PageRecord): Promise<boolean> {
    const index = page.current;
    const step = page.steps[index]!;
    try {
      const call = await this.options.desk.placePageCall(this.requestOf(page, `step/${index}`), step.target, { pageId: page.id, step: index });
      await this.options.pages.update(page.id, (current) => withCall(current, index, call));
      return true;
    } catch (error) {
      // Being placed by another run, or placed without Graph's answer: its notifications name the call, or its wait settles it.
      if (error instanceof AlreadyUnderWayError || error instanceof CallUnconfirmedError) return false;
      if (!(error instanceof RallyError)) this.options.log.error({ err: error, pageId: page.id, step: index }, 'could not ring a step of a page');
      const status = error instanceof PolicyRefusedError ? 'refused' : 'failed';
      const reason = sentenceOf(error, sentence('calling.page.couldNotPlace'));
      await this.options.pages.update(page.id, (current) => settled(current, index, status, this.now().toISOString(), { reason, callEnded: true }));
      return true;
    }
  }

  /** What the step's call says: accepted (1 was pressed), declined (2 was), answered, or over. */
  private async follow(page: PageRecord, step: PageStep, callId: string): Promise<boolean> {
    const index = page.current;
    const call = await this.options.desk.call(callId);
    if (!call) return false;
    const now = this.now().toISOString();
    let next: PageRecord | undefined;
    const key = call.state === 'terminated' ? undefined : decidingKey(call);
    if (key === 'accept') {
      // Graph moves the party of a Teams one-to-one call, not the other end of a phone call: a number stays on its call.
      const move = step.target.kind === 'phone' ? undefined : await this.moveTarget(page);
      next = await this.options.pages.update(page.id, (current) => accepted(current, index, now, move));
    } else if (key === 'decline') {
      // The ladder moves on at once; the call is hung up as any passed-by step's is.
      next = await this.options.pages.update(page.id, (current) => settled(current, index, 'declined', now, { viaKeypad: true }));
    } else if (call.state === 'terminated') {
      const { status, reason } = stepEnd(call);
      next = await this.options.pages.update(page.id, (current) => settled(current, index, status, now, { callEnded: true, ...(reason ? { reason } : {}) }));
    } else if (step.status === 'ringing' && call.state === 'established') {
      next = await this.options.pages.update(page.id, (current) => answered(current, index));
    }
    return next !== undefined && next.revision !== page.revision;
  }

  /** The step's wait ran out: it is passed by, as not answered, or as answered without a 1. */
  private async waitRanOut(pageId: string, index: number): Promise<void> {
    const page = await this.options.pages.update(pageId, (current) =>
      settled(current, index, current?.steps[index]?.status === 'answered' ? 'noConfirm' : 'noAnswer', this.now().toISOString()),
    );
    if (page) await this.driveNow(pageId);
  }

  /**
   * Ends a passed-by step's call, once: the run that takes it holds it for a while (the call's own notifications
   * start other runs meanwhile). Graph's 404 means it had ended already.
   */
  private async hangUpStep(page: PageRecord, index: number): Promise<boolean> {
    const callId = page.steps[index]!.callId!;
    const now = this.now();
    const until = new Date(now.getTime() + (this.options.hangUpClaimMs ?? 30_000)).toISOString();
    const claimed = await this.options.pages.update(page.id, (current) => hangingUp(current, index, now.toISOString(), until));
    if (claimed?.steps[index]?.hangingUpUntil !== until) return true;
    try {
      await this.options.service.hangUp(page.tenantId, callId);
    } catch (error) {
      if (!(error instanceof CallingApiError && error.code === 'callNotFound')) throw error;
      await this.options.calls.recordEnded(callId, GONE_AT_GRAPH, this.now().toISOString());
    }
    await this.options.pages.update(page.id, (current) => hungUp(current, index));
    return true;
  }

  /**
   * Moves the accepted person from their one-to-one call into the call the page named, or the chat's one group call
   * or meeting. The invite is keyed by the page, so a run that repeats this sends nothing more.
   */
  private async moveAccepted(page: PageRecord, move: PageMove): Promise<boolean> {
    const oneToOne = page.steps.find((s) => s.status === 'accepted')?.callId;
    const [from, into] = await Promise.all([oneToOne === undefined ? undefined : this.options.desk.call(oneToOne), this.options.desk.call(move.callId)]);
    let failure: Words | undefined;
    if (!from || !into || !isLive(into)) {
      failure = callEnded(move);
    } else {
      try {
        await this.options.invites.moveInto(this.requestOf(page, 'move'), into, from);
      } catch (error) {
        if (!(error instanceof RallyError)) this.options.log.error({ err: error, pageId: page.id }, 'could not move the accepted person');
        failure = sentenceOf(error, sentence('calling.page.couldNotMove'));
      }
    }
    await this.options.pages.update(page.id, (current) => moved(current, failure));
    return true;
  }

  /**
   * The accepted person stays on their call with Rally (nowhere to move them, or the move failed): from now on it is
   * an ordinary call of the chat, with a card of its own to hang up or escalate it. Once: the link to the page goes.
   */
  private async releaseAccepted(page: PageRecord): Promise<boolean> {
    const callId = page.steps.find((s) => s.status === 'accepted')?.callId;
    if (callId === undefined) return false;
    const released = await this.options.calls.releaseFromPage(callId);
    if (released) await this.options.callJobs.followUp(callId);
    return released;
  }

  /** Where an accepted person goes: the call named with `into` while it lives, or else the chat's one group call or meeting. */
  private async moveTarget(page: PageRecord): Promise<Pick<PageMove, 'callId' | 'handle'> | undefined> {
    const named = page.into === undefined ? undefined : await this.options.desk.call(page.into.callId);
    const candidates = page.into === undefined ? (await this.options.desk.liveCalls(this.requestOf(page))).filter((c) => CALL_KINDS_TO_JOIN.has(c.kind)) : [named];
    const [only] = candidates;
    if (candidates.length !== 1 || only === undefined || !isLive(only)) return undefined;
    return { callId: only.callId, ...(only.handle === undefined ? {} : { handle: only.handle }) };
  }

  /** Once per call, claimed before it is sent: the person hears the prompt, in the step's language, and Rally hears their key. */
  private async askForKeyPress(call: StoredCall, language: Language): Promise<void> {
    if (!(await this.options.calls.claimKeyPrompt(call.callId)) || call.page === undefined) return;
    try {
      await this.options.service.askForKeyPress(call.tenantId, call.callId, this.options.prompts[language], `page-${call.page.pageId}-${call.page.step}`);
    } catch (error) {
      // Without the prompt the person cannot accept: the step is over, with the reason on the card.
      this.options.log.warn({ err: error, callId: call.callId, pageId: call.page.pageId }, 'could not ask a paged person to press 1');
      const reason = sentenceOf(error, sentence('calling.page.couldNotAskForKey'));
      await this.options.pages.update(call.page.pageId, (page) => settled(page, call.page!.step, 'failed', this.now().toISOString(), { reason }));
    }
  }

  private async report(pageId: string): Promise<JobOutcome> {
    return reportUnderLease({
      store: this.options.pages,
      key: pageId,
      read: (page) => page,
      hasNews: (page) => page.revision > page.shownRevision || page.outcomeUntold === true,
      tell: (page) => this.options.reports.reportPage(page, { outcome: page.outcomeUntold === true }),
      told: (current, told) => shown(current, told.revision, told.outcomeUntold === true),
      leaseMs: this.options.reportLeaseMs ?? 8_000,
      now: this.now,
    });
  }

  private async callToJoin(request: ChatRequest, ref: CallRef): Promise<CallRecord> {
    const call = await this.options.desk.callInChat(request, ref);
    if (!isLive(call)) throw new InvalidRequestError('pageIntoEnded', sentence('calling.page.intoEnded', { call: handleParam(call) }));
    if (!CALL_KINDS_TO_JOIN.has(call.kind)) throw new InvalidRequestError('pageIntoOneToOne', sentence('calling.page.intoOneToOne', { call: handleParam(call) }));
    return call;
  }


  /** The page's own request for `part` (a step, the move): its activity key names it, and the rate limit counts the page once. */
  private requestOf(page: PageRecord, part?: string): ChatRequest {
    return {
      chatKey: page.chatKey,
      tenantId: page.tenantId,
      requestedBy: page.requestedBy,
      ...languageFields(page),
      ...(part === undefined ? {} : { activityKey: `page/${page.id}/${part}` }),
      countsAs: `page/${page.id}`,
    };
  }
}

/** Checks the ladder before anything rings. */
function checkLadder(targets: readonly CallTarget[], waitMs: number): void {
  if (targets.length === 0) throw new InvalidRequestError('pageNobody', sentence('calling.page.nobody'));
  if (targets.length > MAX_PAGE_STEPS) throw new InvalidRequestError('pageTooLong', sentence('calling.page.tooLong', { max: MAX_PAGE_STEPS, count: targets.length }));
  if (!Number.isFinite(waitMs) || waitMs < MIN_PAGE_WAIT_MS || waitMs > MAX_PAGE_WAIT_MS) {
    throw new InvalidRequestError('pageWait', sentence('calling.page.wait', { seconds: MIN_PAGE_WAIT_MS / 1000, minutes: MAX_PAGE_WAIT_MS / 60_000 }));
  }
}

/** How a step's call ended without an acceptance, from what its record says. */
function stepEnd(call: CallRecord): { status: 'declined' | 'hungUp' | 'noAnswer' | 'failed'; reason?: Words } {
  const party = call.invitees[0];
  if (party?.outcome === 'declined') return { status: 'declined', ...(party.reason ? { reason: party.reason } : {}) };
  if (call.stateHistory.some((s) => s.state === 'established')) return { status: 'hungUp' };
  if (call.resultInfo?.code === 408) return { status: 'noAnswer' };
  const reason = party?.reason;
  return { status: 'failed', ...(reason ? { reason } : {}) };
}

/** One page per chat message, the same on every delivery of it. A button names it, and only within its own chat. */
function pageIdOf(activityKey: string | undefined): string {
  if (activityKey === undefined) return randomBytes(12).toString('base64url');
  return createHash('sha256').update(`page:${activityKey}`).digest('base64url').slice(0, 22);
}
