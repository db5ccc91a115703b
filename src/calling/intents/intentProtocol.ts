// The intent protocol: a command that creates a call is written down before Graph is asked, each step recorded before
// the next (see callIntent.ts), and never sent twice for one activity. A redelivered activity resumes its intent
// where it stopped; a call whose answer was lost is recorded when it is found.
import { randomUUID } from 'node:crypto';
import { RallyError } from '../../errors/rallyError.js';
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
import { newIntentId, stepped } from './callIntent.js';
import type { CallIntent } from './callIntent.js';

export interface IntentProtocolOptions {
  service: CallingService;
  /** Admits each request that rings someone, before its intent is recorded. */
  policy: CallPolicy;
  calls: CallKeeper;
  chats: RecordStore<ChatCalls>;
  /** By intent id. */
  intents: RecordStore<CallIntent>;
  /** By activity key: the intent that activity started, and since when (for retention). */
  intentsByActivity: RecordStore<{ intentId: string; at?: string }>;
  jobs: DeskJobs;
  /** How long an intent whose answer is unknown waits for its call's first notification. Default 2 minutes. */
  confirmWithinMs?: number;
  now?: () => Date;
  newIntentId?: () => string;
}

/** What an intent asks Graph for, in Rally's terms. */
export type IntentAsk = Pick<CallIntent, 'kind' | 'targets' | 'escalationOf' | 'thenInvite' | 'page'>;

export class IntentProtocol {
  private readonly now: () => Date;
  private readonly newIntentId: () => string;
  private readonly confirmWithinMs: number;

  constructor(private readonly options: IntentProtocolOptions) {
    this.now = options.now ?? (() => new Date());
    this.newIntentId = options.newIntentId ?? newIntentId;
    this.confirmWithinMs = options.confirmWithinMs ?? 120_000;
  }

  /**
   * Places a call through its intent: recorded before Graph is asked, each step recorded before the next, and never
   * sent twice for one activity. A redelivered activity resumes its intent where it stopped.
   */
  async place(
    request: ChatRequest,
    what: IntentAsk,
    send: (service: CallingService) => Promise<Call>,
  ): Promise<CallRecord> {
    let intent = await this.openIntent(request, what);
    if (intent.step !== 'received') return this.resume(intent);
    const sendingAt = this.now().toISOString();
    // Whose "sending" it is: two deliveries in the same millisecond (two instances) must not both take it for theirs.
    const sendingBy = randomUUID();
    const deadlineJob = intent.deadlineJob === undefined ? {} : { deadlineJob: intent.deadlineJob };
    const claimed = await this.options.intents.update(intent.id, (current) => stepped(current, ['received'], 'sending', { sendingAt, sendingBy, ...deadlineJob }));
    if (claimed?.step !== 'sending' || claimed.sendingBy !== sendingBy) return this.resume(claimed ?? intent);
    intent = claimed;
    let call: Call;
    try {
      call = await send(this.options.service.withCallbackId(intent.id));
    } catch (error) {
      if (error instanceof CallingApiError && error.uncertain) {
        const unconfirmed = await this.options.intents.update(intent.id, (current) => stepped(current, ['sending'], 'unconfirmed'));
        // A page's step is the page's to hang up; any other call may be asked to hang up before it has a handle.
        if (intent.page === undefined) await this.options.chats.update(intent.chatKey, (chat) => withConfirming(chat, intent.id, this.now().toISOString()));
        // Its notifications may have named the call already: then it is adopted now, not at the deadline.
        if (unconfirmed?.callId !== undefined) await this.options.jobs.checkIntent(intent.id, this.now());
        throw new CallUnconfirmedError(unconfirmedSentence(error, Date.parse(intent.deadline) - this.now().getTime()), { cause: error, detail: error.message });
      }
      const failure = error instanceof RallyError ? error.userMessage : undefined;
      await this.options.intents.update(intent.id, (current) => stepped(current, ['sending'], 'failed', failure === undefined ? {} : { failure }));
      await this.cancelDeadline(intent);
      throw error;
    }
    await this.options.intents.update(intent.id, (current) => stepped(current, ['sending', 'unconfirmed', 'expired'], 'sent', { callId: call.id }));
    await this.cancelDeadline(intent);
    return this.record(intent, call.id, call.state);
  }

  /** The intent of this activity: the one recorded before (a redelivery), or a new one once the policy admits it. */
  private async openIntent(request: ChatRequest, what: IntentAsk): Promise<CallIntent> {
    const activityKey = request.activityKey ?? `request/${this.newIntentId()}`;
    const known = await this.options.intentsByActivity.get(activityKey);
    const knownIntent = known && (await this.options.intents.get(known.intentId));
    if (knownIntent) return knownIntent;
    await admit(this.options.policy, { ...request, activityKey }, what.targets, this.newIntentId);
    const now = this.now();
    const id = this.newIntentId();
    const deadline = new Date(now.getTime() + this.confirmWithinMs);
    const received: CallIntent = {
      id,
      activityKey,
      chatKey: request.chatKey,
      tenantId: request.tenantId,
      requestedBy: request.requestedBy,
      ...what,
      targets: [...what.targets],
      step: 'received',
      createdAt: now.toISOString(),
      deadline: deadline.toISOString(),
    };
    // The deadline job and the intent together, both before the index: nothing finds the intent until its index is
    // written, so a crash before then leaves an intent nobody reaches (retention removes it) and perhaps a job that
    // finds no intent, or one still "received", which it tells the chat was never placed. The job's key, known only
    // once it is written, goes into the intent with the "sending" step, before anything would cancel the job (another
    // delivery that claims this intent does not learn it: the job then finds the intent sent and does nothing).
    const [deadlineJob] = await Promise.all([this.options.jobs.checkIntent(id, deadline), this.options.intents.update(id, (current) => current ?? received)]);
    const intent: CallIntent = { ...received, deadlineJob };
    // The intent first, then its index: whoever reads the index finds the intent it names (a second delivery of the
    // activity must find the winner's intent, or it would send too).
    const index = await this.options.intentsByActivity.update(activityKey, (current) => current ?? { intentId: intent.id, at: intent.createdAt });
    if (index?.intentId !== intent.id) {
      const winner = index && (await this.options.intents.get(index.intentId));
      if (winner) {
        // Another delivery of this activity got there first: this intent was never meant, and its deadline says nothing.
        await this.options.intents.update(intent.id, (current) => stepped(current, ['received'], 'failed'));
        await this.cancelDeadline(intent);
        return winner;
      }
    }
    return intent;
  }

  /** Graph answered: the intent's deadline has nothing left to check. */
  private async cancelDeadline(intent: CallIntent): Promise<void> {
    if (intent.deadlineJob !== undefined) await this.options.jobs.cancel(intent.deadlineJob);
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
        throw new InvalidRequestError('intentFailed', intent.failure ?? 'Microsoft Graph refused that call; nothing was placed.');
      case 'received':
      case 'sending':
        throw new AlreadyUnderWayError('I am already placing that call; its card appears here once Microsoft Graph confirms it.');
      case 'unconfirmed':
      case 'expired':
        throw new CallUnconfirmedError('I asked Microsoft Graph for that call, but it has not confirmed it yet; I will post its card here once it does.');
    }
  }

  /**
   * Records the call an intent placed, adopting (by compare-and-swap) the placeholder its early notifications made,
   * and starts its follow-up: reporting what those notifications changed, and an escalation's invite when the group
   * call is already established.
   */
  async record(intent: CallIntent, callId: string, state: Call['state'] | undefined, options: { needsCard?: boolean } = {}): Promise<StoredCall> {
    const chat = await this.options.chats.update(intent.chatKey, (current) => withHandle(current, callId, this.now().toISOString(), intent.id));
    const fresh: StoredCall = {
      ...newCallRecord({
        callId,
        tenantId: intent.tenantId,
        kind: intent.kind,
        chatKey: intent.chatKey,
        ...(chat ? { handle: handleText(chat, callId) } : {}),
        placedBy: intent.requestedBy,
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
function unconfirmedSentence(error: CallingApiError, leftMs: number): string {
  const why = error.userMessage.split(/[;:]/)[0]!.trim();
  const minutes = Math.max(1, Math.ceil(leftMs / 60_000));
  return `${why}; Rally did not send the request again, and the call may be ringing. I will post its card here as soon as Graph confirms it, or tell you within ${minutes === 1 ? 'a minute' : `${minutes} minutes`} if it never does.`;
}
