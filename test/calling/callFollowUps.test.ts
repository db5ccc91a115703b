// The calling layer's durable jobs, run by a real JobPoller over a memory store with an injected clock: a call's
// follow-up tells its chat the news its record holds, exactly once, and keeps what could not be told; an intent's
// check adopts the call its notifications named, or tells the chat that Graph never confirmed it.
import type { BridgeMeeting } from '../../src/calling/bridges/bridgeMeeting.js';
import type { EscalationStep } from '../../src/calling/escalation/escalationStep.js';
import type { IntentProtocol } from '../../src/calling/intents/intentProtocol.js';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { CallFollowUps } from '../../src/calling/callFollowUps.js';
import type { CallDesk } from '../../src/calling/callDesk.js';
import type { ChatReports } from '../../src/calling/chatReports.js';
import type { CallIntent, IntentStep } from '../../src/calling/intents/callIntent.js';
import { CallJobs } from '../../src/calling/jobs/callJobs.js';
import { CallKeeper } from '../../src/calling/records/callKeeper.js';
import { JobPoller } from '../../src/calling/jobs/jobPoller.js';
import { JobScheduler } from '../../src/calling/jobs/jobScheduler.js';
import { dueOfKey } from '../../src/calling/jobs/jobs.js';
import type { JobRecord } from '../../src/calling/jobs/jobs.js';
import { callOf } from '../../src/calling/records/callDocument.js';
import type { CallDocument, CallNews, StoredCall } from '../../src/calling/records/callDocument.js';
import { newCallRecord } from '../../src/calling/records/callRecord.js';
import type { CallKind } from '../../src/calling/records/callRecord.js';
import type { RecordStore } from '../../src/calling/records/recordStore.js';
import type { PageRecord } from '../../src/calling/paging/pageRecord.js';
import type { UserTarget } from '../../src/calling/targets/people.js';
import { createLogger } from '../../src/log/logger.js';
import { StoreUnavailableError } from '../../src/storage/storageErrors.js';
import { CallingApiError } from '../../src/calling/errors.js';
import { AT, REQUESTER, TENANT_ID, buildCallDesk, intentAt } from '../support/callDeskFixture.js';
import { MemoryRecordStore } from '../support/memoryRecordStore.js';
import { sentence } from '../../src/i18n/sentence.js';
import type { Words } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';
import type { RequestLanguage } from '../../src/i18n/translator.js';
import { english } from '../support/english.js';

const CALL_ID = 'c0ffee00-0000-4000-8000-0000000000a1';
const INTENT_ID = 'aW50ZW50LWZvbGxvdy11cHM';
const REPORT_LEASE_MS = 8000;
const SENDING_TIMEOUT_MS = 30_000;
const adele: UserTarget = { kind: 'user', id: 'a1b2c3d4-0000-4000-8000-00000000ade1', displayName: 'Adele Vance' };
const silent = createLogger('silent');

const BRIDGE_MEETING: BridgeMeeting = {
  subject: 'Bridge',
  joinWebUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_b1%40thread.v2/0',
  threadId: '19:meeting_b1@thread.v2',
  messageId: '0',
  organizerId: REQUESTER.id,
  tenantId: TENANT_ID,
  joinMeetingId: '123456789012',
  passcode: 'Ab12Cd',
};

const established: CallNews = { kind: 'stateChanged', from: 'establishing', to: 'established' };
const contentSharing: CallNews = { kind: 'contentSharingChanged', active: true };

/** A chat that notes what it was told; `reportCall` can be made to fail once, or to wait until the test lets it go. */
class NotedChat implements ChatReports {
  /** Every attempt to report a call, told or not. */
  readonly attempts: { callId: string; news: CallNews[]; needsCard: boolean }[] = [];
  /** The reports the chat got. */
  readonly reported: { callId: string; news: CallNews[]; needsCard: boolean }[] = [];
  /** Each line as an English reader sees it, with the words and the language it was told in. */
  readonly told: { chatKey: string; line: string; words: Words; language: RequestLanguage }[] = [];
  readonly pages: string[] = [];
  private failure: Error | undefined;
  private gate: Promise<void> | undefined;
  /** With `holdEach`: the function that lets each held attempt go, by attempt number. */
  private readonly releases: (() => void)[] = [];
  private holdingEach = false;

  failNext(error = new Error('Bot Framework is down')): void {
    this.failure = error;
  }

  /** Holds every report until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Holds each report until the test lets that one go with `release(attempt)`. */
  holdEach(): void {
    this.holdingEach = true;
  }

  release(attempt: number): void {
    this.releases[attempt]?.();
  }

  releaseAll(): void {
    this.holdingEach = false;
    this.releases.forEach((release) => release());
  }

  async reportCall(call: StoredCall, news: readonly CallNews[]): Promise<void> {
    const report = { callId: call.callId, news: [...news], needsCard: call.needsCard === true };
    const attempt = this.attempts.push(report) - 1;
    if (this.holdingEach) await new Promise<void>((resolve) => (this.releases[attempt] = resolve));
    await this.gate;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    this.reported.push(report);
  }

  async reportPage(page: PageRecord): Promise<void> {
    this.pages.push(page.id);
  }

  async tell(chatKey: string, words: Words, language: RequestLanguage): Promise<void> {
    this.told.push({ chatKey, line: english(words), words, language });
  }
}

type Steps = Pick<CallDesk, 'continueHangUp'> & Pick<EscalationStep, 'continue'> & Pick<IntentProtocol, 'record' | 'meetingOf' | 'continueBridge'>;

/** What the follow-ups ask of the desk, the escalation step and the intent protocol, noting what it was asked. */
class NotedDesk implements Steps {
  readonly recorded: { intentId: string; callId: string; state: string | undefined; options: { needsCard?: boolean } }[] = [];
  readonly escalations: string[] = [];
  readonly hangUps: string[] = [];
  readonly meetingsAskedFor: string[] = [];
  readonly bridgesContinued: string[] = [];
  bridgeError: Error | undefined;
  meetingError: Error | undefined;
  escalationError: Error | undefined;
  onEscalation: (() => Promise<void>) | undefined;

  async record(intent: CallIntent, callId: string, state: StoredCall['state'] | undefined, options: { needsCard?: boolean } = {}): Promise<StoredCall> {
    this.recorded.push({ intentId: intent.id, callId, state, options });
    return newCallRecord({ callId, tenantId: intent.tenantId, kind: intent.kind, chatKey: intent.chatKey, placedBy: intent.requestedBy, at: AT });
  }

  /** A bridge's meeting as Graph's createOrGet answers it, asked for again by the intent's id. */
  async meetingOf(intent: CallIntent): Promise<BridgeMeeting> {
    this.meetingsAskedFor.push(intent.id);
    if (this.meetingError) throw this.meetingError;
    return intent.bridge?.meeting ?? { ...BRIDGE_MEETING, subject: intent.bridge?.subject ?? 'Bridge' };
  }

  async continueBridge(intent: CallIntent): Promise<void> {
    this.bridgesContinued.push(intent.id);
    if (this.bridgeError) throw this.bridgeError;
  }

  async continue(groupCall: StoredCall): Promise<undefined> {
    this.escalations.push(groupCall.callId);
    await this.onEscalation?.();
    if (this.escalationError) throw this.escalationError;
    return undefined;
  }

  async continueHangUp(call: StoredCall): Promise<void> {
    this.hangUps.push(call.callId);
  }
}

/** Follow-ups wired as the composition root wires them, over memory stores, with a clock the test moves. */
function build(options: { calls?: RecordStore<CallDocument>; intents?: RecordStore<CallIntent>; desk?: Steps } = {}) {
  const noted = new NotedDesk();
  let now = Date.parse(AT);
  const calls = options.calls ?? new MemoryRecordStore<CallDocument>();
  const intents = options.intents ?? new MemoryRecordStore<CallIntent>();
  const jobStore = new MemoryRecordStore<JobRecord>();
  const chat = new NotedChat();
  const desk = options.desk ?? noted;
  const scheduler = new JobScheduler({ store: jobStore, now: () => now });
  const callJobs = new CallJobs(scheduler);
  const paged: string[] = [];
  const followUps = new CallFollowUps({
    calls: new CallKeeper(calls),
    intents,
    reports: chat,
    desk,
    escalation: desk,
    intentProtocol: desk,
    pages: { callChanged: async (call) => void paged.push(call.callId) },
    log: silent,
    reportLeaseMs: REPORT_LEASE_MS,
    adoptSendingAfterMs: SENDING_TIMEOUT_MS,
    now: () => new Date(now),
  });
  const runner = new JobPoller({ scheduler, handlers: followUps.handlers, log: silent });
  const clock = {
    now: () => now,
    set: (t: number) => void (now = t),
    advance: (ms: number) => void (now += ms),
  };
  /** One poll of the runner, and whatever it started run to the end. */
  const tick = async () => {
    await runner.tick();
    await runner.idle();
  };
  /** The jobs waiting in the store. */
  const jobs = async () => {
    const found: { key: string; job: JobRecord }[] = [];
    for await (const key of jobStore.keys()) {
      const job = await jobStore.get(key);
      if (job) found.push({ key, job });
    }
    return found.sort((a, b) => a.key.localeCompare(b.key));
  };
  return { calls, intents, chat, desk: noted, followUps, callJobs, runner, clock, tick, jobs, paged };
}

type Built = ReturnType<typeof build>;

async function seedCall(b: Pick<Built, 'calls'>, extra: Partial<StoredCall> = {}, kind: CallKind = 'group'): Promise<StoredCall> {
  const call: StoredCall = {
    ...newCallRecord({ callId: CALL_ID, tenantId: TENANT_ID, kind, chatKey: 'chat-1', handle: '#1', placedBy: REQUESTER, state: 'established', at: AT }),
    ...extra,
  };
  await b.calls.update(CALL_ID, () => call);
  return call;
}

async function storedCall(b: Pick<Built, 'calls'>): Promise<StoredCall> {
  const call = callOf(await b.calls.get(CALL_ID));
  assert.ok(call);
  return call;
}

function intent(step: IntentStep, overrides: Partial<CallIntent> = {}): CallIntent {
  return intentAt(INTENT_ID, step, { kind: 'peerToPeer', targets: [adele], ...overrides });
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await delay(2);
  }
}

describe('CallFollowUps', () => {
  describe('call: follow-up', () => {
    it("tells the chat the call's news once, then removes it", async () => {
      const b = build();
      await seedCall(b, { unreported: [established, contentSharing] });

      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      assert.deepEqual(b.chat.reported, [{ callId: CALL_ID, news: [established, contentSharing], needsCard: false }]);
      const call = await storedCall(b);
      assert.equal(call.unreported, undefined);
      assert.equal(call.reporting, undefined, 'the reporting lease is released');
      assert.deepEqual(await b.jobs(), []);

      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      assert.equal(b.chat.attempts.length, 1, 'nothing more to tell');
      assert.deepEqual(await b.jobs(), []);
    });

    it('posts the card of a call that has none, once', async () => {
      const b = build();
      await seedCall(b, { needsCard: true });
      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      assert.deepEqual(b.chat.reported, [{ callId: CALL_ID, news: [], needsCard: true }]);
      assert.equal((await storedCall(b)).needsCard, undefined);
    });

    it('a page\'s call is handed to its page, and the chat gets no report about the call itself', async () => {
      const b = build();
      await seedCall(b, { page: { pageId: 'page-1', step: 0 }, unreported: [established] }, 'peerToPeer');
      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      assert.deepEqual(b.paged, [CALL_ID]);
      assert.deepEqual(b.chat.attempts, [], 'no call card, no call lines');
      assert.deepEqual(await b.jobs(), []);
    });

    it('news that arrives while the chat is being told is told next, not dropped', async () => {
      const b = build();
      await seedCall(b, { unreported: [established] });
      const release = b.chat.hold();
      try {
        await b.callJobs.followUp(CALL_ID);
        await eventually(() => b.chat.attempts.length === 1, 'the first report to be under way');
        await b.calls.update(CALL_ID, (document) => {
          const call = callOf(document)!;
          return { ...call, unreported: [...(call.unreported ?? []), contentSharing] };
        });
      } finally {
        release();
      }
      await b.runner.idle();
      assert.deepEqual(
        b.chat.reported.map((r) => r.news),
        [[established], [contentSharing]],
      );
      assert.equal((await storedCall(b)).unreported, undefined);
    });

    it('a report the chat did not get leaves the news, and the job runs again later and tells it', async () => {
      const b = build();
      await seedCall(b, { unreported: [established] });
      b.chat.failNext();
      const failedAt = b.clock.now();

      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      assert.deepEqual(b.chat.reported, []);
      assert.deepEqual((await storedCall(b)).unreported, [established], 'the news is still there');
      const [retry, ...more] = await b.jobs();
      assert.deepEqual(more, []);
      assert.equal(retry?.job.name, `call:${CALL_ID}`);
      assert.equal(retry?.job.failures, 1);
      assert.ok(dueOfKey(retry!.key) > failedAt, 'rescheduled for later');

      // Run each job as it falls due, until none is left.
      for (let run = 0; run < 5 && (await b.jobs()).length > 0; run++) {
        b.clock.set(Math.max(b.clock.now(), dueOfKey((await b.jobs())[0]!.key)));
        await b.tick();
      }
      assert.deepEqual(await b.jobs(), []);
      assert.deepEqual(b.chat.reported, [{ callId: CALL_ID, news: [established], needsCard: false }]);
      assert.equal((await storedCall(b)).unreported, undefined);
      assert.ok(b.clock.now() - failedAt <= REPORT_LEASE_MS + 2000, `told ${b.clock.now() - failedAt} ms after the failure`);
    });

    it('two follow-ups of one call at once tell its news once (the reporting lease)', async () => {
      const b = build();
      await seedCall(b, { unreported: [established] });
      const release = b.chat.hold();
      try {
        await Promise.all([b.callJobs.followUp(CALL_ID), b.callJobs.followUp(CALL_ID)]);
        await eventually(() => b.chat.attempts.length === 1, 'one report to be under way');
        // The other run finds the lease held and asks to run again once it lapses.
        await eventually(async () => (await b.jobs()).some((j) => j.job.lease === undefined), 'the other run to be rescheduled');
      } finally {
        release();
      }
      await b.runner.idle();
      assert.equal(b.chat.attempts.length, 1);
      assert.deepEqual(b.chat.reported, [{ callId: CALL_ID, news: [established], needsCard: false }]);

      // The rescheduled run finds nothing left to tell.
      const [rescheduled, ...more] = await b.jobs();
      assert.deepEqual(more, []);
      b.clock.set(dueOfKey(rescheduled!.key));
      await b.tick();
      assert.equal(b.chat.attempts.length, 1);
      assert.deepEqual(await b.jobs(), []);
    });

    it('news that came after a slow report lost its lease is not dropped when that report finishes', async () => {
      const b = build();
      await seedCall(b, { unreported: [established] });
      b.chat.holdEach();
      try {
        // Run A tells the news, slowly: its reporting lease lapses before the chat answers.
        await b.callJobs.followUp(CALL_ID);
        await eventually(() => b.chat.attempts.length === 1, 'run A to be reporting');
        b.clock.advance(REPORT_LEASE_MS + 1);
        // Run B takes over, tells the same news again (a re-send is allowed), and removes it.
        await b.callJobs.followUp(CALL_ID);
        await eventually(() => b.chat.attempts.length === 2, 'run B to be reporting');
        b.chat.release(1);
        await eventually(async () => (await storedCall(b)).unreported === undefined, 'run B to finish');
        // A new notification's news joins the record; then run A's report finally goes through.
        await b.calls.update(CALL_ID, (document) => {
          const call = callOf(document)!;
          return { ...call, unreported: [...(call.unreported ?? []), contentSharing] };
        });
      } finally {
        b.chat.releaseAll();
      }
      await b.runner.idle();
      // The new news's own follow-up, and anything rescheduled.
      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      for (let run = 0; run < 5 && (await b.jobs()).length > 0; run++) {
        b.clock.set(Math.max(b.clock.now(), dueOfKey((await b.jobs())[0]!.key)));
        await b.tick();
      }

      const told = b.chat.reported.flatMap((r) => r.news);
      const waiting = (await storedCall(b)).unreported ?? [];
      assert.ok(
        told.some((n) => n.kind === 'contentSharingChanged') || waiting.some((n) => n.kind === 'contentSharingChanged'),
        `the later news was neither told nor kept: told ${JSON.stringify(told.map((n) => n.kind))}, waiting ${JSON.stringify(waiting)}`,
      );
    });

    it("takes an established group call's pending escalation step before it tells the chat the call's news", async () => {
      const desk = new NotedDesk();
      const b = build({ desk });
      await seedCall(b, { handle: '#2', pendingEscalation: { peerToPeerCallId: 'p2p-call' }, unreported: [established] });
      desk.onEscalation = async () => assert.deepEqual(b.chat.reported, [], 'the step comes first');

      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      assert.deepEqual(desk.escalations, [CALL_ID]);
      assert.equal(b.chat.reported.length, 1, 'the news is told');
    });

    it('followUpAt records the follow-up for later: it does not run before it is due, and runs then', async () => {
      const desk = new NotedDesk();
      const b = build({ desk });
      await seedCall(b, { handle: '#2', pendingEscalation: { peerToPeerCallId: 'p2p-call', sendingSince: AT } });
      await b.callJobs.followUpAt(CALL_ID, new Date(b.clock.now() + 120_000));

      b.clock.advance(119_000);
      await b.tick();
      assert.deepEqual(desk.escalations, []);
      b.clock.advance(1_000);
      await b.tick();
      assert.deepEqual(desk.escalations, [CALL_ID]);
      assert.deepEqual(await b.jobs(), []);
    });

    it('runs the job again when the store failed under the escalation step, which is then still pending, and tells the chat nothing of it', async () => {
      const desk = new NotedDesk();
      desk.escalationError = new StoreUnavailableError('put', 'calls/group-call', { cause: new Error('ECONNREFUSED') });
      const b = build({ desk });
      await seedCall(b, { handle: '#2', pendingEscalation: { peerToPeerCallId: 'p2p-call' }, unreported: [established] });

      await b.callJobs.followUp(CALL_ID);
      await b.runner.idle();
      const [retry, ...more] = await b.jobs();
      assert.deepEqual(more, []);
      assert.equal(retry?.job.failures, 1, 'the job failed and waits to run again');

      desk.escalationError = undefined;
      b.clock.set(dueOfKey(retry!.key));
      await b.tick();
      assert.deepEqual(desk.escalations, [CALL_ID, CALL_ID]);
      assert.deepEqual(b.chat.told, []);
      assert.equal(b.chat.reported.length, 1, 'the news is told once the step was taken');
    });
  });

  describe('intent: check', () => {
    for (const [step, sentence] of [
      ['sending', /^Rally could not confirm the call to the person you named: Microsoft Graph never said whether it placed it\./],
      ['unconfirmed', /^Rally could not confirm the call to the person you named: Microsoft Graph never said whether it placed it\. If a phone rang, the person can hang up there/],
    ] as const) {
      it(`an intent still at "${step}" at its deadline tells the chat one line and expires`, async () => {
        const b = build();
        const deadline = new Date(Date.parse(AT) + 120_000);
        await b.intents.update(INTENT_ID, () => intent(step, { deadline: deadline.toISOString() }));
        await b.callJobs.checkIntent(INTENT_ID, deadline);
        // Checked early too (as when Graph's answer was uncertain): it waits for its deadline.
        await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
        await b.runner.idle();
        await b.tick();
        assert.equal(b.chat.told.length, 0, 'not before the deadline');
        assert.equal((await b.intents.get(INTENT_ID))?.step, step);
        assert.deepEqual(
          (await b.jobs()).map((j) => [j.job.name, dueOfKey(j.key)]),
          [
            [`intent:${INTENT_ID}`, deadline.getTime()],
            [`intent:${INTENT_ID}`, deadline.getTime()],
          ],
        );

        b.clock.set(deadline.getTime());
        await b.tick();
        assert.equal(b.chat.told.length, 1);
        assert.equal(b.chat.told[0]!.chatKey, 'chat-1');
        assert.match(b.chat.told[0]!.line, sentence);
        assert.equal((await b.intents.get(INTENT_ID))?.step, 'expired');
        assert.deepEqual(await b.jobs(), []);

        // Checked again (a redelivered job): it has expired, and nothing more is said.
        await b.callJobs.checkIntent(INTENT_ID, deadline);
        await b.runner.idle();
        assert.equal(b.chat.told.length, 1);
      });
    }

    it("tells the chat in the requester's language and time zone, which the intent keeps", async () => {
      const b = build();
      const deadline = new Date(Date.parse(AT) + 120_000);
      await b.intents.update(INTENT_ID, () => intent('unconfirmed', { deadline: deadline.toISOString(), locale: 'fr-FR', timeZone: 'Europe/Paris' }));
      b.clock.set(deadline.getTime());
      await b.callJobs.checkIntent(INTENT_ID, deadline);
      await b.runner.idle();
      assert.equal(b.chat.told.length, 1);
      const [told] = b.chat.told;
      assert.deepEqual(told!.language, { locale: 'fr-FR', timeZone: 'Europe/Paris' });
      assert.match(new Translator(told!.language).say(told!.words), /^Rally n’a pas pu confirmer l’appel vers la personne que vous avez indiquée : Microsoft Graph/);
    });

    it("a bridge whose run stopped before recording its meeting is taken over once that run's answer can no longer come", async () => {
      const b = build();
      await b.intents.update(INTENT_ID, () => intent('sending', { kind: 'meeting', targets: [], sendingAt: AT, bridge: { subject: 'Sev1', organizerId: REQUESTER.id } }));
      await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
      await b.runner.idle();
      assert.deepEqual(b.desk.bridgesContinued, [], 'not while its own run may still be waiting for Graph');
      b.clock.set(Date.parse(AT) + SENDING_TIMEOUT_MS);
      await b.tick();
      assert.deepEqual(b.desk.bridgesContinued, [INTENT_ID]);
      assert.deepEqual(b.chat.told, []);
    });

    it("a bridge taken over that Graph refuses tells the chat Graph's sentence, once", async () => {
      const b = build();
      b.desk.bridgeError = new CallingApiError('meetingAccessPolicyMissing', sentence('graph.meetingAccessPolicyMissing'), { status: 403 });
      await b.intents.update(INTENT_ID, () => intent('sending', { kind: 'meeting', targets: [], sendingAt: AT, bridge: { subject: 'Sev1', organizerId: REQUESTER.id } }));
      b.clock.set(Date.parse(AT) + SENDING_TIMEOUT_MS);
      await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
      await b.runner.idle();
      assert.deepEqual(b.chat.told.map((t) => t.line), [english(sentence('graph.meetingAccessPolicyMissing'))]);
      assert.deepEqual(await b.jobs(), []);
    });

    it("a bridge's intent at its deadline gives the chat the meeting's link, asking Graph again for the meeting it never recorded", async () => {
      const b = build();
      const deadline = new Date(Date.parse(AT) + 120_000);
      await b.intents.update(INTENT_ID, () => intent('unconfirmed', { kind: 'meeting', targets: [], deadline: deadline.toISOString(), bridge: { subject: 'Sev1: checkout down', organizerId: REQUESTER.id } }));
      b.clock.set(deadline.getTime());
      await b.callJobs.checkIntent(INTENT_ID, deadline);
      await b.runner.idle();
      assert.deepEqual(b.desk.meetingsAskedFor, [INTENT_ID]);
      assert.equal(b.chat.told.length, 1);
      assert.equal(
        b.chat.told[0]!.line,
        'I made the bridge “Sev1: checkout down”, but Microsoft Graph never confirmed that I joined it. Everyone can join it here: ' +
          `[Join the bridge](${BRIDGE_MEETING.joinWebUrl}) (meeting ID 123 456 789 012, passcode Ab12Cd).`,
      );
      assert.equal((await b.intents.get(INTENT_ID))?.step, 'expired');
    });

    it("a bridge's intent whose meeting Graph now refuses still tells the chat the plain line, once", async () => {
      const b = build();
      b.desk.meetingError = new CallingApiError('meetingAccessPolicyMissing', sentence('graph.meetingAccessPolicyMissing'), { status: 403 });
      const deadline = new Date(Date.parse(AT) + 120_000);
      await b.intents.update(INTENT_ID, () => intent('unconfirmed', { kind: 'meeting', targets: [], deadline: deadline.toISOString(), bridge: { subject: 'Bridge', organizerId: REQUESTER.id } }));
      b.clock.set(deadline.getTime());
      await b.callJobs.checkIntent(INTENT_ID, deadline);
      await b.runner.idle();
      assert.equal(b.chat.told.length, 1);
      assert.match(b.chat.told[0]!.line, /^Rally could not confirm the call: Microsoft Graph never said whether it placed it\./);
      assert.equal((await b.intents.get(INTENT_ID))?.step, 'expired');
    });

    it('an intent of a page step expires at its deadline without a line: the page card says what became of the step', async () => {
      const b = build();
      const deadline = new Date(Date.parse(AT) + 120_000);
      await b.intents.update(INTENT_ID, () => intent('unconfirmed', { deadline: deadline.toISOString(), page: { pageId: 'page-1', step: 0 } }));
      b.clock.set(deadline.getTime());
      await b.callJobs.checkIntent(INTENT_ID, deadline);
      await b.runner.idle();
      assert.equal((await b.intents.get(INTENT_ID))?.step, 'expired');
      assert.deepEqual(b.chat.told, []);
    });

    it('an intent whose call was named by its notifications is adopted: recorded with a card to post', async () => {
      const b = build();
      await b.intents.update(INTENT_ID, () => intent('unconfirmed', { callId: CALL_ID }));
      await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
      await b.runner.idle();

      const desk = b.desk;
      assert.deepEqual(desk.recorded, [{ intentId: INTENT_ID, callId: CALL_ID, state: undefined, options: { needsCard: true } }]);
      const adopted = await b.intents.get(INTENT_ID);
      assert.equal(adopted?.step, 'sent');
      assert.equal(adopted?.callId, CALL_ID);
      assert.deepEqual(b.chat.told, []);
    });

    it('adopted through the real desk, the call is stored with its card to post and its follow-up started', async () => {
      const f = buildCallDesk();
      const b = build({ calls: f.calls, intents: f.intents, desk: { continueHangUp: (c) => f.desk.continueHangUp(c), continue: (c) => f.escalation.continue(c), record: (...a) => f.protocol.record(...a), meetingOf: (i) => f.protocol.meetingOf(i), continueBridge: (i) => f.protocol.continueBridge(i) } });
      await f.intents.update(INTENT_ID, () => intent('unconfirmed', { callId: CALL_ID }));
      await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
      await b.runner.idle();

      const call = callOf(await f.calls.get(CALL_ID));
      assert.equal(call?.needsCard, true);
      assert.equal(call?.intentId, INTENT_ID);
      assert.equal(call?.handle, '#1');
      assert.deepEqual(f.jobs.followUps, [CALL_ID]);
      assert.equal((await f.intents.get(INTENT_ID))?.step, 'sent');
    });

    it('a "sending" intent whose call notified is adopted only once its answer can no longer come', async () => {
      const b = build();
      await b.intents.update(INTENT_ID, () => intent('sending', { callId: CALL_ID }));
      await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
      await b.runner.idle();
      const desk = b.desk;
      assert.equal(desk.recorded.length, 0, 'the instance that sent it may still get the answer');

      b.clock.set(Date.parse(AT) + SENDING_TIMEOUT_MS);
      await b.tick();
      assert.deepEqual(desk.recorded.map((r) => [r.callId, r.options]), [[CALL_ID, { needsCard: true }]]);
      assert.equal((await b.intents.get(INTENT_ID))?.step, 'sent');
    });

    it('an intent that was sent is left alone', async () => {
      const b = build();
      await b.intents.update(INTENT_ID, () => intent('sent', { callId: CALL_ID }));
      b.clock.set(Date.parse(AT) + 600_000);
      await b.callJobs.checkIntent(INTENT_ID, new Date(b.clock.now()));
      await b.runner.idle();
      assert.deepEqual(b.desk.recorded, []);
      assert.deepEqual(b.chat.told, []);
      assert.equal((await b.intents.get(INTENT_ID))?.step, 'sent');
    });
  });
});
