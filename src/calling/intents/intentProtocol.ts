// The intent protocol: a command that creates a call is written down before Graph is asked, each step recorded before
// the next (see callIntent.ts), and never sent twice for one activity. A redelivered activity resumes its intent
// where it stopped; a call whose answer was lost is recorded when it is found.
import { randomUUID } from 'node:crypto';
import { RallyError } from '../../errors/rallyError.js';
import { sentence } from '../../i18n/sentence.js';
import type { Sentence, Words } from '../../i18n/sentence.js';
import { languageFields } from '../../i18n/translator.js';
import { joinLine, meetingToJoin } from '../bridges/bridgeMeeting.js';
import type { BridgeAsk, BridgeMeeting } from '../bridges/bridgeMeeting.js';
import { AlreadyUnderWayError, CallingApiError, CallUnconfirmedError, InvalidRequestError } from '../errors.js';
import { admit } from '../policy/admission.js';
import type { CallPolicy } from '../policy/callPolicy.js';
import { handleText, withConfirming, withHandle } from '../records/callHandles.js';
import type { ChatCalls } from '../records/callHandles.js';
import type { StoredCall } from '../records/callDocument.js';
import type { CallKeeper } from '../records/callKeeper.js';
import { newCallRecord } from '../records/callRecord.js';
import type { CallRecord } from '../records/callRecord.js';
import type { RecordStore } from '../records/recordStore.js';
import type { CallingService } from '../requests/callingService.js';
import type { Call } from '../requests/graphTypes.js';
import type { ChatRequest, DeskJobs } from '../vocabulary.js';
import { intentIdOf, newIntentId, stepped } from './callIntent.js';
import type { CallIntent } from './callIntent.js';

export interface IntentProtocolOptions {
  service: CallingService;
  /** Admits each request that rings someone, before its intent is recorded. */
  policy: CallPolicy;
  calls: CallKeeper;
  chats: RecordStore<ChatCalls>;
  /** By intent id. */
  intents: RecordStore<CallIntent>;
  jobs: DeskJobs;
  /** How long an intent whose answer is unknown waits for its call's first notification. Default 2 minutes. */
  confirmWithinMs?: number;
  /** See Deadlines.adoptSendingAfterMs: when a bridge whose run died before joining is taken over. Default 30 s. */
  adoptSendingAfterMs?: number;
  /** How long Graph's answer to a create may take before the intent's deadline is recorded while it is awaited. Default 1 s. */
  deadlineAfterMs?: number;
  now?: () => Date;
  newIntentId?: () => string;
}

/** What an intent asks Graph for, in Rally's terms. */
export type IntentAsk = Pick<CallIntent, 'kind' | 'targets' | 'escalationOf' | 'thenInvite' | 'page' | 'bridge'>;

/** Sends an intent's create-call request; a bridge's is given the meeting made for it first. */
type SendCall = (service: CallingService, meeting: BridgeMeeting | undefined) => Promise<Call>;

/** How Rally joins the bridge it made: as any meeting, by its organizer and chat. */
const joinBridge: SendCall = (service, meeting) => service.joinMeeting(meeting!.tenantId, meetingToJoin(meeting!));

/** What Graph answered for an intent: the call, and a bridge's meeting. */
interface Placed {
  call: Call;
  meeting?: BridgeMeeting;
}

export class IntentProtocol {
  private readonly now: () => Date;
  private readonly newIntentId: () => string;
  private readonly confirmWithinMs: number;
  private readonly deadlineAfterMs: number;
  private readonly adoptSendingAfterMs: number;

  constructor(private readonly options: IntentProtocolOptions) {
    // Graph answers a create in well under a second.
    this.deadlineAfterMs = options.deadlineAfterMs ?? 1_000;
    this.adoptSendingAfterMs = options.adoptSendingAfterMs ?? 30_000;
    this.now = options.now ?? (() => new Date());
    this.newIntentId = options.newIntentId ?? newIntentId;
    this.confirmWithinMs = options.confirmWithinMs ?? 120_000;
  }

  /**
   * Places a call through its intent: one conditional write before Graph is asked, the intent created if absent under
   * the activity's own id, at "sending". Whoever creates it sends; a redelivered (or concurrently delivered) activity
   * finds it and resumes where it stands, so nothing is ever sent twice for one activity. The intent's deadline is
   * recorded while the request is on its way, and dropped once Graph has answered.
   */
  async place(request: ChatRequest, what: Omit<IntentAsk, 'bridge'>, send: SendCall): Promise<CallRecord> {
    const intent = await this.newIntent(request, what);
    return intent.mine ? this.carryOut(intent.intent, send) : this.resume(intent.intent);
  }

  /**
   * A bridge: its meeting made for the organizer (under the intent's id, so asking again never makes a second one),
   * recorded, then joined. A run that dies before the meeting is recorded has sent no join: its check takes it over
   * (continueBridge); one that dies after leaves the meeting's link for the chat at the deadline.
   */
  async placeBridge(request: ChatRequest, bridge: BridgeAsk): Promise<CallRecord> {
    const intent = await this.newIntent(request, { kind: 'meeting', targets: [], bridge });
    return intent.mine ? this.carryOut(intent.intent, joinBridge) : this.resume(intent.intent);
  }

  /**
   * Takes over a bridge whose run died before its meeting was recorded (so before its join was sent), by compare-and-
   * swap on the run that was sending it, and carries it out: the meeting (the same one), then the join, and its card.
   * Throws with the chat's sentence when Graph refuses or does not answer.
   */
  async continueBridge(intent: CallIntent): Promise<void> {
    const sendingBy = randomUUID();
    const taken = await this.options.intents.update(intent.id, (current) =>
      current?.step === 'sending' && current.bridge && !current.bridge.meeting && current.sendingBy === intent.sendingBy
        ? { ...current, sendingBy, sendingAt: this.now().toISOString() }
        : current,
    );
    if (taken?.sendingBy !== sendingBy) return;
    await this.carryOut(taken, joinBridge, { needsCard: true });
  }

  /** Creates the intent at "sending" if absent (the one write before Graph is asked); `mine` when this run did. */
  private async newIntent(request: ChatRequest, what: IntentAsk): Promise<{ intent: CallIntent; mine: boolean }> {
    const activityKey = request.activityKey ?? `request/${this.newIntentId()}`;
    await admit(this.options.policy, { ...request, activityKey }, what.targets, this.newIntentId);
    const now = this.now();
    const sending: CallIntent = {
      id: intentIdOf(activityKey),
      activityKey,
      chatKey: request.chatKey,
      tenantId: request.tenantId,
      requestedBy: request.requestedBy,
      ...languageFields(request),
      ...what,
      targets: [...what.targets],
      step: 'sending',
      createdAt: now.toISOString(),
      sendingAt: now.toISOString(),
      // Whose "sending" it is: two deliveries at once (two instances) must not both take it for theirs.
      sendingBy: randomUUID(),
      deadline: new Date(now.getTime() + this.confirmWithinMs).toISOString(),
    };
    const intent = (await this.options.intents.update(sending.id, (current) => current ?? sending, { likelyAbsent: true })) ?? sending;
    return { intent, mine: intent.sendingBy === sending.sendingBy };
  }

  /** Sends the intent's request(s) and records what Graph answered; `intent` is this run's, at "sending". */
  private async carryOut(intent: CallIntent, send: SendCall, options: { needsCard?: boolean } = {}): Promise<StoredCall> {
    // A bridge makes a meeting before its call: its check is recorded before either request, for when this run's
    // answer can no longer come, so that a process that dies between them leaves neither a meeting the chat never
    // hears of nor a bridge nobody finishes.
    const bridgeCheck = intent.bridge ? await this.options.jobs.checkIntent(intent.id, new Date(Date.parse(intent.sendingAt ?? intent.createdAt) + this.adoptSendingAfterMs)) : undefined;
    const graphRequest = this.send(intent, send);
    const [sent, deadlineJob] = bridgeCheck === undefined ? await this.withDeadlineWhileSlow(intent, graphRequest) : [await settle(graphRequest), bridgeCheck];
    if (sent.status === 'rejected') return this.refused(intent, sent.reason, deadlineJob);
    const { call: placed, meeting } = sent.value;
    const bridge = intent.bridge && meeting ? { bridge: { ...intent.bridge, meeting } } : {};
    const sentIntent = await this.options.intents.update(intent.id, (current) => stepped(current, ['sending', 'unconfirmed', 'expired'], 'sent', { callId: placed.id, ...bridge }));
    const call = await this.record(sentIntent ?? { ...intent, ...bridge }, placed.id, placed.state, options);
    if (deadlineJob !== undefined) await this.options.jobs.cancel(deadlineJob);
    return call;
  }

  /**
   * A bridge's meeting, recorded on the intent before the join is sent (so that a run that dies before it is known to
   * have sent nothing), then the call; a failure of the join carries the meeting, so that the chat still gets its link.
   */
  private async send(intent: CallIntent, send: SendCall): Promise<Placed> {
    const service = this.options.service.withCallbackId(intent.id);
    if (!intent.bridge) return { call: await send(service, undefined) };
    const meeting = await this.meetingOf(intent);
    if (!intent.bridge.meeting) {
      const recorded = await this.options.intents.update(intent.id, (current) =>
        current?.step === 'sending' && current.sendingBy === intent.sendingBy && current.bridge ? { ...current, bridge: { ...current.bridge, meeting } } : current,
      );
      // Another run took the bridge over while this one waited for Graph: the join is that run's to send.
      if (recorded?.sendingBy !== intent.sendingBy) throw new AlreadyUnderWayError(sentence('calling.intent.openingBridge'));
    }
    try {
      return { call: await send(service, meeting), meeting };
    } catch (error) {
      throw new BridgeNotJoinedError(meeting, error);
    }
  }

  /**
   * A bridge intent's meeting: the one recorded, or Graph's for the intent's id (made now if it never was). Asking
   * again is safe where sending a call twice is not: Graph answers one meeting per organizer and externalId.
   */
  async meetingOf(intent: CallIntent): Promise<BridgeMeeting> {
    if (!intent.bridge) throw new Error(`intent ${intent.id} is not a bridge`);
    return intent.bridge.meeting ?? this.options.service.createOrGetMeeting(intent.tenantId, intent.bridge, intent.id);
  }

  /**
   * Waits for Graph's answer; one that has not come within `deadlineAfterMs` gets the intent's deadline recorded while
   * it is awaited, so that the chat is told even if this process dies waiting. An answer that comes sooner needs none
   * (Graph answers a create in well under a second): a process that dies in that second leaves a call that, if Graph
   * placed it, is still found through its notifications, which schedule the intent's check themselves.
   */
  private async withDeadlineWhileSlow<T>(intent: CallIntent, sending: Promise<T>): Promise<[PromiseSettledResult<T>, string | undefined]> {
    const settled = settle(sending);
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), this.deadlineAfterMs)));
    const first = await Promise.race([settled, slow]);
    clearTimeout(timer);
    if (first !== 'slow') return [first, undefined];
    const [deadline, sent] = await Promise.allSettled([this.options.jobs.checkIntent(intent.id, new Date(intent.deadline)), settled]);
    return [sent.status === 'fulfilled' ? sent.value : { status: 'rejected', reason: sent.reason }, deadline.status === 'fulfilled' ? deadline.value : undefined];
  }

  /**
   * Graph did not place the call, or did not say: a refusal is recorded as "failed" with the chat's sentence, and its
   * deadline dropped; a lost answer leaves the intent "unconfirmed", for its notifications or its deadline to settle.
   */
  private async refused(intent: CallIntent, failure: unknown, deadlineJob: string | undefined): Promise<never> {
    // A bridge whose join failed has its meeting: it is kept on the intent, and every sentence gives its link.
    const meeting = failure instanceof BridgeNotJoinedError ? failure.meeting : undefined;
    const error = failure instanceof BridgeNotJoinedError ? failure.cause : failure;
    const withMeeting = intent.bridge && meeting ? { bridge: { ...intent.bridge, meeting } } : {};
    // Another run took this bridge over while this one waited: the intent is that run's now, and so is its check.
    if (error instanceof AlreadyUnderWayError) throw error;
    // Only this run's "sending" is this run's to settle.
    const ours = (current: CallIntent | undefined): CallIntent | undefined => (current?.sendingBy === intent.sendingBy ? current : undefined);
    if (error instanceof CallingApiError && error.uncertain) {
      const unconfirmed = await this.options.intents.update(intent.id, (current) => stepped(ours(current), ['sending'], 'unconfirmed', withMeeting) ?? current);
      // A page's step is the page's to hang up; any other call may be asked to hang up before it has a handle.
      if (intent.page === undefined) await this.options.chats.update(intent.chatKey, (chat) => withConfirming(chat, intent.id, this.now().toISOString()));
      // Its notifications may have named the call already: then it is adopted now, not at the deadline. Without the
      // deadline job (its write failed), the check is scheduled now for the deadline instead.
      if (unconfirmed?.callId !== undefined) await this.options.jobs.checkIntent(intent.id, this.now());
      else if (deadlineJob === undefined) await this.options.jobs.checkIntent(intent.id, new Date(intent.deadline));
      const leftMs = Date.parse(intent.deadline) - this.now().getTime();
      const sentence = intent.bridge ? bridgeUnconfirmedSentence(error, meeting, leftMs) : unconfirmedSentence(error, leftMs);
      throw new CallUnconfirmedError(sentence, { cause: error, detail: error.message });
    }
    const reason = error instanceof RallyError ? error.sentence : undefined;
    const told = meeting && reason !== undefined ? bridgeNotJoinedSentence(reason, meeting) : reason;
    await this.options.intents.update(intent.id, (current) => stepped(ours(current), ['sending'], 'failed', { ...withMeeting, ...(told === undefined ? {} : { failure: told }) }) ?? current);
    if (deadlineJob !== undefined) await this.options.jobs.cancel(deadlineJob);
    if (meeting && told !== undefined) throw new InvalidRequestError('bridgeNotJoined', told, { cause: error });
    throw error;
  }

  /** Where a redelivered (or concurrently delivered) activity's intent stands, as the chat should hear it. */
  private async resume(intent: CallIntent): Promise<CallRecord> {
    switch (intent.step) {
      case 'sent': {
        const call = intent.callId === undefined ? undefined : await this.options.calls.get(intent.callId);
        if (call) return call;
        return this.record(intent, intent.callId!, undefined);
      }
      case 'failed':
        throw new InvalidRequestError('intentFailed', intent.failure ?? sentence('calling.intent.refused'));
      case 'sending':
        throw new AlreadyUnderWayError(sentence('calling.intent.placing'));
      case 'unconfirmed':
      case 'expired':
        throw new CallUnconfirmedError(sentence('calling.intent.notConfirmedYet'));
    }
  }

  /**
   * Records the call an intent placed, adopting (by compare-and-swap) the placeholder its early notifications made,
   * and starts its follow-up: reporting what those notifications changed, and an escalation's invite when the group
   * call is already established.
   */
  async record(intent: CallIntent, callId: string, state: Call['state'] | undefined, options: { needsCard?: boolean } = {}): Promise<StoredCall> {
    // A bridge's call found through its notifications (its answer lost) may not have its meeting recorded yet.
    const bridge = intent.bridge ? await this.meetingOf(intent) : undefined;
    const chat = await this.options.chats.update(intent.chatKey, (current) => withHandle(current, callId, this.now().toISOString(), intent.id));
    const fresh: StoredCall = {
      ...newCallRecord({
        callId,
        tenantId: intent.tenantId,
        kind: intent.kind,
        chatKey: intent.chatKey,
        ...(chat ? { handle: handleText(chat, callId) } : {}),
        placedBy: intent.requestedBy,
        ...languageFields(intent),
        ...(bridge ? { bridge } : {}),
        targets: intent.targets,
        ...(state ? { state } : {}),
        at: this.now().toISOString(),
      }),
      intentId: intent.id,
      ...(intent.escalationOf === undefined
        ? {}
        : { pendingEscalation: { peerToPeerCallId: intent.escalationOf, ...(intent.thenInvite ? { thenInvite: intent.thenInvite } : {}) } }),
      // A page's call is shown on the page's card, and asks the person to press 1 once they pick up.
      ...(intent.page ? { page: intent.page, pendingKeyPrompt: true as const } : options.needsCard ? { needsCard: true } : {}),
      ...(intent.hangUpAskedBy ? { endedBy: intent.hangUpAskedBy, pendingHangUp: true as const } : {}),
    };
    const stored = await this.options.calls.recordCreate(fresh, this.now().toISOString());
    if (!stored) throw new Error(`call ${callId} could not be recorded`);
    const pendingStep = ((stored.pendingEscalation !== undefined || stored.pendingKeyPrompt) && stored.state === 'established') || stored.pendingHangUp;
    if ((stored.unreported?.length ?? 0) > 0 || stored.needsCard || pendingStep) {
      await this.options.jobs.followUp(callId);
    }
    return stored;
  }

  /** Records the wish to hang up on the chat's newest call still being confirmed; false when it has none. */
  async hangUpWhenConfirmed(request: ChatRequest): Promise<boolean> {
    const chat = await this.options.chats.get(request.chatKey);
    for (const intentId of [...(chat?.confirming ?? [])].reverse()) {
      const marked = await this.options.intents.update(intentId, (current) =>
        current?.step === 'unconfirmed' && current.hangUpAskedBy === undefined ? { ...current, hangUpAskedBy: request.requestedBy } : current,
      );
      if (marked?.step === 'unconfirmed' && marked.hangUpAskedBy !== undefined) return true;
    }
    return false;
  }
}

/**
 * Graph's own first clause (what went wrong), then what Rally does about it: never "nothing was placed". `leftMs` is
 * how long until the intent's deadline, when the chat hears whether Graph ever confirmed the call.
 */
function unconfirmedSentence(error: CallingApiError, leftMs: number): Sentence {
  return sentence('calling.intent.unconfirmed', { what: error.clause, minutes: minutesLeft(leftMs) });
}

/** A bridge whose meeting or join Graph did not answer: the link now when Rally has it, or when the deadline comes. */
function bridgeUnconfirmedSentence(error: CallingApiError, meeting: BridgeMeeting | undefined, leftMs: number): Sentence {
  if (meeting === undefined) return sentence('calling.intent.bridgeMeetingUnconfirmed', { what: error.clause, minutes: minutesLeft(leftMs) });
  return sentence('calling.intent.bridgeJoinUnconfirmed', { what: error.clause, subject: meeting.subject, joinLine: joinLine(meeting) });
}

/** Graph refused Rally's join of a bridge it made: the meeting is there all the same, for everyone in the chat. */
function bridgeNotJoinedSentence(reason: Words, meeting: BridgeMeeting): Sentence {
  return sentence('calling.intent.bridgeNotJoined', { subject: meeting.subject, reason, joinLine: joinLine(meeting) });
}

/** Whole minutes until the deadline, at least one. */
function minutesLeft(leftMs: number): number {
  return Math.max(1, Math.ceil(leftMs / 60_000));
}

/** Settles a promise into its result, so that what comes after waits for it without a second catch. */
function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
  );
}

/** The join of a bridge failed after its meeting was made: the meeting goes with the failure. */
class BridgeNotJoinedError extends Error {
  constructor(
    readonly meeting: BridgeMeeting,
    override readonly cause: unknown,
  ) {
    super('the bridge was made but not joined', { cause });
  }
}
