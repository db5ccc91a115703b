// The chat-level calling use cases: what a person asked for, carried out through the calling service and recorded
// with the chat it came from, so that notifications can later be reported there.
import { createHash } from 'node:crypto';
import { audited } from './policy/auditTrail.js';
import type { AuditTrail } from './policy/auditTrail.js';
import { callIdForHandle, handleText, withConfirming, withHandle } from './records/callHandles.js';
import type { CallRef, ChatCalls } from './records/callHandles.js';
import { newIntentId, stepped } from './intents/callIntent.js';
import type { CallIntent } from './intents/callIntent.js';
import { GONE_AT_GRAPH } from './records/callKeeper.js';
import type { CallKeeper } from './records/callKeeper.js';
import type { CallNews, StoredCall } from './records/callDocument.js';
import { newCallRecord } from './records/callRecord.js';
import type { CallKind, CallRecord, PageLink, PendingEscalation } from './records/callRecord.js';
import type { CallingService } from './requests/callingService.js';
import type { CallPolicy } from './policy/callPolicy.js';
import { randomClientContext } from './requests/clientContext.js';
import type { NewClientContext } from './requests/clientContext.js';
import { CallingApiError, InvalidRequestError } from './errors.js';
import { RallyError } from '../errors/rallyError.js';
import type { Call } from './requests/graphTypes.js';
import type { MeetingToJoin } from './targets/meetingLink.js';
import { newOperationRecord } from './records/operationRecord.js';
import type { OperationKind, OperationRecord } from './records/operationRecord.js';
import { distinctTargets } from './targets/people.js';
import type { CallTarget, Person, UserTarget } from './targets/people.js';
import type { RecordStore } from './records/recordStore.js';

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
  /** What the rate limit counts this request as, when not its activity: a page's steps count once, as the page. */
  countsAs?: string;
}

export interface CallDeskStores {
  operations: RecordStore<OperationRecord>;
  chats: RecordStore<ChatCalls>;
  /** By intent id. */
  intents: RecordStore<CallIntent>;
  /** By activity key: the intent that activity started, and since when (for retention). */
  intentsByActivity: RecordStore<{ intentId: string; at?: string }>;
}

/** The durable jobs the desk starts (see CallFollowUps and intentJob). */
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

export interface CallDeskOptions extends CallDeskStores {
  /** The keeper of call records. */
  calls: CallKeeper;
  service: CallingService;
  /** Admits each request that rings someone, before it is sent. */
  policy: CallPolicy;
  jobs: DeskJobs;
  /** How long an intent whose answer is unknown waits for its call's first notification. Default 2 minutes. */
  confirmWithinMs?: number;
  /**
   * How long a run's claim on an escalation's second step holds; past it, the run is taken to have died (its Graph
   * requests have timed out by then) and another takes the step over. Default 35 seconds (two default Graph timeouts
   * and 5 seconds).
   */
  escalationClaimMs?: number;
  now?: () => Date;
  newClientContext?: NewClientContext;
  newIntentId?: () => string;
  /** Gets one record per call placed, invitation sent and hang-up, whatever its outcome. */
  audit?: AuditTrail;
}

export class CallNotFoundError extends InvalidRequestError {
  constructor(userMessage: string) {
    super('callNotInChat', userMessage);
  }
}

/** Rally asked Graph for a call but does not know whether Graph placed it; the chat hears either way. */
export class CallUnconfirmedError extends RallyError {
  readonly code = 'callUnconfirmed';
}

/** The same request is already being carried out (a redelivery, or a second instance got it too). */
export class AlreadyUnderWayError extends RallyError {
  readonly code = 'alreadyUnderWay';
}

/** What `hangup` did: asked Graph to hang the call up, or recorded the wish for a call Graph has not confirmed yet. */
export type HangUpOutcome = { kind: 'hangingUp'; call: CallRecord } | { kind: 'whenConfirmed' };

/** What `invite` did: an invitation into the call, or, for a one-to-one call, its escalation into a new group call. */
export type InviteOutcome = { kind: 'invited'; call: CallRecord; operation: OperationRecord } | { kind: 'escalated'; groupCall: CallRecord };

/** Graph moves the party of a Teams one-to-one call into a group call, but not the other end of a phone call. */
function phoneCallCannotGrow(call: CallRecord): InvalidRequestError {
  return new InvalidRequestError(
    'phoneCallCannotGrow',
    `${call.handle ?? 'That call'} is a phone call, and Microsoft Graph cannot turn a phone call into a group call. Start a group call with "call" and the people, then invite the number into it.`,
  );
}

/** More than one call could be meant: the person is asked which, with the handles to name. */
export class WhichCallError extends RallyError {
  readonly code = 'whichCall';
  readonly handles: string[];

  constructor(verb: string, calls: readonly CallRecord[]) {
    const handles = calls.map((c) => c.handle ?? c.callId).reverse();
    const list = handles.length === 2 ? `${handles[0]} and ${handles[1]}` : `${handles.slice(0, -1).join(', ')} and ${handles.at(-1)}`;
    super(`This chat has ${calls.length} calls going on (${list}): which one? Say "${verb} ${handles[0]}", for example.`);
    this.handles = handles;
  }
}

const LIVE_STATES = new Set(['incoming', 'establishing', 'established', 'hold', 'transferring', 'transferAccepted', 'redirecting']);

export function isLive(record: CallRecord): boolean {
  return LIVE_STATES.has(record.state) && record.replacedBy === undefined;
}

export class CallDesk {
  private readonly now: () => Date;
  private readonly newClientContext: NewClientContext;
  private readonly newIntentId: () => string;
  private readonly confirmWithinMs: number;
  private readonly escalationClaimMs: number;

  constructor(private readonly options: CallDeskOptions) {
    this.now = options.now ?? (() => new Date());
    this.confirmWithinMs = options.confirmWithinMs ?? 120_000;
    this.escalationClaimMs = options.escalationClaimMs ?? 35_000;
    this.newClientContext = options.newClientContext ?? randomClientContext;
    this.newIntentId = options.newIntentId ?? newIntentId;
  }

  /** `call <person> ...`: peer-to-peer, PSTN or group call, by who was named. */
  async placeCall(request: ChatRequest, targets: readonly CallTarget[]): Promise<CallRecord> {
    const distinct = distinctTargets(targets);
    const kind = kindOf(distinct);
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: distinct, kind }, async (subject) => {
      const record = await this.placeWithIntent(request, { kind, targets: distinct }, (service) => service.placeCall(request.tenantId, distinct));
      subject.callId = record.callId;
      return record;
    });
  }

  /** `join <link | meeting id> [as guest <name>]`. */
  async joinMeeting(request: ChatRequest, meeting: MeetingToJoin, guestName?: string): Promise<CallRecord> {
    const kind = guestName === undefined ? 'meeting' : 'guestMeeting';
    return audited(this.options.audit, { audit: 'callPlaced', request, meeting, kind }, async (subject) => {
      const record = await this.placeWithIntent(request, { kind, targets: [] }, (tracked) =>
        guestName === undefined ? tracked.joinMeeting(request.tenantId, meeting) : tracked.joinAsGuest(request.tenantId, meeting, guestName),
      );
      subject.callId = record.callId;
      return record;
    });
  }

  /**
   * `invite <person> ... [to <call>]`: into the named call, or this chat's live call. Graph cannot add people to a
   * one-to-one call, so inviting into one escalates it: a new group call rings the people, and the one-to-one party
   * moves in (as `escalate` does).
   */
  async invite(request: ChatRequest, ref: CallRef | undefined, targets: readonly CallTarget[]): Promise<InviteOutcome> {
    const call = await this.liveCall(request, ref, 'invite … to');
    if (call.kind === 'peerToPeer') return { kind: 'escalated', groupCall: await this.escalate(request, { kind: 'callId', id: call.callId }, targets) };
    return audited(this.options.audit, { audit: 'inviteSent', request, targets, via: 'invite' }, async (subject) => {
      subject.callId = call.callId;
      if (call.kind === 'pstn') throw phoneCallCannotGrow(call);
      await this.admit(request, targets);
      const { operation, call: invited } = await this.sendInvite(request, call, 'invite', targets, (clientContext) =>
        this.options.service.invite(request.tenantId, call.callId, targets, { clientContext }),
      );
      return { kind: 'invited', call: invited, operation };
    });
  }

  /**
   * `escalate <person> ... [from <call>]`: starts a group call ringing the new Teams users; once it is established,
   * `continueEscalation` moves the peer-to-peer party in with replacesCallId (an invite into a call that is still
   * establishing fails), then invites the phone numbers named with them (a group call can only ring users).
   */
  async escalate(request: ChatRequest, ref: CallRef | undefined, newPeople: readonly CallTarget[]): Promise<CallRecord> {
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: newPeople, kind: 'group', via: 'escalate' }, async (subject) => {
      const peerToPeer = await this.liveCall(request, ref, 'escalate … from', (c) => c.kind === 'peerToPeer');
      if (peerToPeer.kind === 'pstn') throw phoneCallCannotGrow(peerToPeer);
      if (peerToPeer.kind !== 'peerToPeer') {
        throw new InvalidRequestError('escalateNotPeerToPeer', `${peerToPeer.handle ?? 'That call'} is already a group call: use "invite" to add people.`);
      }
      const users = newPeople.filter((t): t is UserTarget => t.kind === 'user');
      const phones = newPeople.filter((t) => t.kind === 'phone');
      if (users.length === 0) {
        throw new InvalidRequestError(
          'escalatePhoneOnly',
          `To add a phone number to ${peerToPeer.handle ?? 'a one-to-one call'}, Rally first makes it a group call, and a group call starts by ringing a Teams user: name one with the number.`,
        );
      }
      const escalation = { kind: 'group' as const, targets: users, escalationOf: peerToPeer.callId, ...(phones.length > 0 ? { thenInvite: phones } : {}) };
      const record = await this.placeWithIntent(request, escalation, (service) =>
        service.callGroup(request.tenantId, users, undefined, { forEscalation: true }),
      );
      subject.callId = record.callId;
      return record;
    });
  }

  /**
   * One step of a page: a one-to-one call ringing `target`, placed through its intent like any call (the request's
   * activity key names the step, so a step is never rung twice), shown by the page rather than by a card of its own.
   */
  async placePageCall(request: ChatRequest, target: CallTarget, page: PageLink): Promise<CallRecord> {
    const kind = kindOf([target]);
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: [target], kind }, async (subject) => {
      const record = await this.placeWithIntent(request, { kind, targets: [target], page }, (service) => service.placeCall(request.tenantId, [target]));
      subject.callId = record.callId;
      return record;
    });
  }

  /**
   * Moves the other party of a one-to-one call into `into`, a group call or meeting, ending the one-to-one call
   * (an invite with replacesCallId): an escalation's second step, and where an accepted page goes. The request's
   * activity key makes the invite's clientContext, so a step run again finds it recorded and sends nothing.
   */
  async moveInto(request: ChatRequest, into: CallRecord, oneToOne: CallRecord): Promise<OperationRecord> {
    const party = oneToOne.invitees[0]?.target;
    if (party === undefined) throw new Error(`call ${oneToOne.callId} has nobody to move`);
    const { operation } = await audited(this.options.audit, { audit: 'inviteSent', request, targets: [party], via: 'escalate' }, (subject) => {
      subject.callId = into.callId;
      return this.sendInvite(request, into, 'escalate', [party], (clientContext) =>
        this.options.service.escalate(into.tenantId, { groupCallId: into.callId, peerToPeerCallId: oneToOne.callId, party }, { clientContext }),
        oneToOne.callId,
      );
    });
    return operation;
  }

  /**
   * Second step of an escalation, when the group call is established. Does nothing when none is pending.
   * - One run at a time: a run claims the step by compare-and-swap on the group call ("sending") before it sends, so
   *   two notifications at once never send its invites twice.
   * - A run cut short (a crash, the store) leaves its claim; the follow-up scheduled with the claim takes the step
   *   over once the claim is older than `escalationClaimMs`.
   * - Each invite is recorded under a key of the group call before it leaves, so a takeover sends only what was never
   *   recorded, and never again what was (Graph has no idempotency key). When the move was recorded but Graph has said
   *   nothing of it, the chat hears that Rally cannot tell whether it happened.
   * - Graph's refusal ends the step too, and becomes news for the group call's chat in the same write.
   */
  async continueEscalation(groupCall: CallRecord): Promise<OperationRecord | undefined> {
    const pending = groupCall.pendingEscalation;
    if (pending === undefined || groupCall.state !== 'established') return undefined;
    const now = this.now();
    // A claim younger than escalationClaimMs is another run's, still at work.
    if (pending.sendingSince !== undefined && Date.parse(pending.sendingSince) + this.escalationClaimMs > now.getTime()) return undefined;
    // The look-again is recorded first: a crash right after the claim must not leave the step unseen.
    await this.options.jobs.followUpAt(groupCall.callId, new Date(now.getTime() + this.escalationClaimMs));
    if (!(await this.options.calls.claimEscalation(groupCall.callId, pending.sendingSince, now.toISOString()))) return undefined;
    return this.takeEscalationStep(groupCall, pending);
  }

  private async takeEscalationStep(groupCall: CallRecord, pending: PendingEscalation): Promise<OperationRecord | undefined> {
    const peerToPeer = await this.call(pending.peerToPeerCallId);
    if (!peerToPeer?.invitees[0]) {
      await this.options.calls.escalationTaken(groupCall.callId);
      return undefined;
    }
    const activityKey = `escalation/${groupCall.callId}`;
    const request: ChatRequest = { chatKey: groupCall.chatKey, tenantId: groupCall.tenantId, requestedBy: groupCall.placedBy, activityKey };
    try {
      const movedBefore = await this.options.operations.get(activityClientContext(activityKey, 'escalate'));
      const operation = await this.moveInto(request, groupCall, peerToPeer);
      const phones = pending.thenInvite ?? [];
      if (phones.length > 0) {
        await audited(this.options.audit, { audit: 'inviteSent', request, targets: phones, via: 'invite' }, (subject) => {
          subject.callId = groupCall.callId;
          return this.sendInvite(request, groupCall, 'invite', phones, (clientContext) =>
            this.options.service.invite(groupCall.tenantId, groupCall.callId, phones, { clientContext }),
          );
        });
      }
      const unknown = movedBefore !== undefined && operation.status === 'running';
      await this.options.calls.escalationTaken(groupCall.callId, unknown ? { kind: 'escalationUnknown' } : undefined);
      return operation;
    } catch (error) {
      // Anything but Graph's answer (the store failing) leaves the step claimed, for the look-again to take over.
      if (!(error instanceof CallingApiError)) throw error;
      await this.options.calls.escalationTaken(groupCall.callId, { kind: 'escalationFailed', reason: error.userMessage });
      return undefined;
    }
  }


  /** `move <person> from <call> to <call>`: both meetings Rally is in; the person must be in the first. */
  async move(request: ChatRequest, user: UserTarget, fromRef: CallRef, toRef: CallRef): Promise<{ call: CallRecord; operation: OperationRecord }> {
    return audited(this.options.audit, { audit: 'inviteSent', request, targets: [user], via: 'move' }, async (subject) => {
      const from = await this.liveCall(request, fromRef, 'move');
      const to = await this.liveCall(request, toRef, 'move');
      subject.callId = to.callId;
      if (from.callId === to.callId) throw new InvalidRequestError('moveSameCall', 'Name two different calls to move someone between.');
      const participantId = from.roster.find(
        (p) => !p.removed && p.kind === 'user' && p.identityId?.toLowerCase() === user.id.toLowerCase(),
      )?.participantId;
      if (participantId === undefined) {
        throw new InvalidRequestError('moveNotInCall', `${user.displayName ?? 'That person'} is not in ${from.handle ?? 'that call'} right now.`);
      }
      await this.admit(request, [user]);
      return this.sendInvite(request, to, 'move', [user], (clientContext) =>
        this.options.service.moveParticipant(request.tenantId, { fromCallId: from.callId, toCallId: to.callId, participantId, userId: user.id }, { clientContext }),
        from.callId,
      );
    });
  }

  /**
   * `hangup [<call>]`. The card updates when Graph's `terminated` notification arrives. With no live call but one whose
   * create answer was lost, the wish is recorded on its intent, and the call is hung up the moment it is known.
   */
  async hangUp(request: ChatRequest, ref: CallRef | undefined): Promise<HangUpOutcome> {
    return audited(this.options.audit, { audit: 'hangUp', request }, async (subject) => {
      // Changing a call takes the same right as placing one.
      await this.options.policy.admit({ id: request.requestedBy.id, tenantId: request.tenantId }, [], undefined);
      if (ref === undefined && (await this.liveCalls(request)).length === 0 && (await this.hangUpWhenConfirmed(request))) return { kind: 'whenConfirmed' };
      const call = await this.liveCall(request, ref, 'hangup');
      subject.callId = call.callId;
      await this.options.calls.endingBy(call.callId, request.requestedBy);
      try {
        await this.settlingGone(call.callId, () => this.options.service.hangUp(request.tenantId, call.callId));
      } catch (error) {
        // The call goes on (unless Graph said it was already gone): nobody hung it up.
        if (!(error instanceof CallingApiError && error.code === 'callNotFound')) await this.options.calls.notEnding(call.callId);
        throw error;
      }
      return { kind: 'hangingUp', call };
    });
  }

  /** Records the wish to hang up on the chat's newest call still being confirmed; false when it has none. */
  private async hangUpWhenConfirmed(request: ChatRequest): Promise<boolean> {
    const chat = await this.options.chats.get(request.chatKey);
    for (const intentId of [...(chat?.confirming ?? [])].reverse()) {
      const marked = await this.options.intents.update(intentId, (current) =>
        current?.step === 'unconfirmed' && current.hangUpAskedBy === undefined ? { ...current, hangUpAskedBy: request.requestedBy } : current,
      );
      if (marked?.step === 'unconfirmed' && marked.hangUpAskedBy !== undefined) return true;
    }
    return false;
  }

  /**
   * A call someone asked to hang up before Graph confirmed it: hung up now that it is known. Hanging up twice (a
   * run cut short before it cleared the step) only gets Graph's "not found". A refusal is news for the chat.
   */
  async continueHangUp(call: StoredCall): Promise<void> {
    if (!call.pendingHangUp) return;
    let news: CallNews | undefined;
    if (isLive(call)) {
      try {
        await this.options.service.hangUp(call.tenantId, call.callId);
      } catch (error) {
        if (!(error instanceof CallingApiError)) throw error;
        if (error.code !== 'callNotFound') news = { kind: 'hangUpFailed', reason: error.userMessage };
      }
    }
    await this.options.calls.hangUpTaken(call.callId, news);
  }

  /** `status [<call>]`: the named call (live or not), or the chat's most recent live call. */
  async status(request: ChatRequest, ref: CallRef | undefined): Promise<CallRecord> {
    return ref === undefined ? this.liveCall(request, undefined, 'status') : this.callInChat(request, ref);
  }

  /** Rally was removed from the chat: its handle counter goes (its calls end and age out on their own). */
  async forgetChat(chatKey: string): Promise<void> {
    await this.options.chats.delete(chatKey);
  }

  /** `calls`: this chat's live calls, newest first. */
  async liveCalls(request: ChatRequest): Promise<CallRecord[]> {
    const chat = await this.options.chats.get(request.chatKey);
    const records = await Promise.all((chat?.calls ?? []).map((c) => this.call(c.callId)));
    return records.filter((r): r is CallRecord => r !== undefined && isLive(r)).reverse();
  }

  /** A call of this chat by its handle or id; a call of another chat is not found, so chats can't touch each other's calls. */
  async callInChat(request: ChatRequest, ref: CallRef): Promise<CallRecord> {
    const chat = await this.options.chats.get(request.chatKey);
    const callId = ref.kind === 'handle' ? callIdForHandle(chat, ref.number) : ref.id;
    const record = callId === undefined ? undefined : await this.call(callId);
    if (!record || record.chatKey !== request.chatKey) {
      const name = ref.kind === 'handle' ? `#${ref.number}` : ref.id;
      throw new CallNotFoundError(`This chat has no call ${name}. Say "calls" to see the live ones.`);
    }
    return record;
  }

  /** The policy's word on this request; it counts once per activity, however often that is delivered. */
  private async admit(request: ChatRequest, targets: readonly CallTarget[]): Promise<void> {
    const actionId = request.countsAs ?? request.activityKey ?? this.newIntentId();
    await this.options.policy.admit({ id: request.requestedBy.id, tenantId: request.tenantId }, targets, actionId);
  }

  /**
   * The call a request names, or, when it names none, the chat's one live call (of the kind `only` accepts). When more
   * than one could be meant, the person is asked which: Rally never guesses, least of all to hang up.
   */
  private async liveCall(request: ChatRequest, ref: CallRef | undefined, verb: string, only?: (c: CallRecord) => boolean): Promise<CallRecord> {
    if (ref !== undefined) {
      const record = await this.callInChat(request, ref);
      if (!isLive(record)) throw new CallNotFoundError(`${record.handle ?? 'That call'} has ended.`);
      return record;
    }
    const live = await this.liveCalls(request);
    const candidates = only ? live.filter(only) : live;
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length > 1) throw new WhichCallError(verb, candidates);
    if (live[0] && only) return live[0];
    throw new CallNotFoundError('This chat has no call going on. Start one with "call" and a person.');
  }

  /**
   * Runs a request about a call; when Graph answers that the call no longer exists, the call is recorded as ended
   * (so `calls` stops listing it and its card shows the end) before the error goes on to the person, whose answer
   * is then the chat's one line about it.
   */
  private async settlingGone<T>(callId: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof CallingApiError && error.code === 'callNotFound' && (await this.options.calls.recordEnded(callId, GONE_AT_GRAPH, this.now().toISOString(), { answered: true }))) {
        await this.options.jobs.followUp(callId);
      }
      throw error;
    }
  }

  /** The stored call record; a placeholder for a call not recorded yet is not a call. */
  async call(callId: string): Promise<StoredCall | undefined> {
    return this.options.calls.get(callId);
  }

  /**
   * Places a call through its intent: recorded before Graph is asked, each step recorded before the next, and never
   * sent twice for one activity. A redelivered activity resumes its intent where it stopped.
   */
  private async placeWithIntent(
    request: ChatRequest,
    what: Pick<CallIntent, 'kind' | 'targets' | 'escalationOf' | 'thenInvite' | 'page'>,
    send: (service: CallingService) => Promise<Call>,
  ): Promise<CallRecord> {
    let intent = await this.openIntent(request, what);
    if (intent.step !== 'received') return this.resume(intent);
    const sendingAt = this.now().toISOString();
    const deadlineJob = intent.deadlineJob === undefined ? {} : { deadlineJob: intent.deadlineJob };
    const claimed = await this.options.intents.update(intent.id, (current) => stepped(current, ['received'], 'sending', { sendingAt, ...deadlineJob }));
    if (claimed?.step !== 'sending' || claimed.sendingAt !== sendingAt) return this.resume(claimed ?? intent);
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
  private async openIntent(request: ChatRequest, what: Pick<CallIntent, 'kind' | 'targets' | 'escalationOf' | 'thenInvite' | 'page'>): Promise<CallIntent> {
    const activityKey = request.activityKey ?? `request/${this.newIntentId()}`;
    const known = await this.options.intentsByActivity.get(activityKey);
    const knownIntent = known && (await this.options.intents.get(known.intentId));
    if (knownIntent) return knownIntent;
    await this.admit({ ...request, activityKey }, what.targets);
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
        const call = intent.callId === undefined ? undefined : await this.call(intent.callId);
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

  private async sendInvite(
    request: ChatRequest,
    call: CallRecord,
    kind: OperationKind,
    participants: readonly CallTarget[],
    send: (clientContext: string) => Promise<unknown>,
    replacesCallId?: string,
  ): Promise<{ call: CallRecord; operation: OperationRecord }> {
    // Recorded before the request leaves: Graph's result notification may arrive before its answer does. An activity's
    // invite has a clientContext of its own, so a redelivery (or a double click) finds it recorded and sends nothing.
    const clientContext = request.activityKey === undefined ? this.newClientContext() : activityClientContext(request.activityKey, kind);
    const operation = newOperationRecord({
      clientContext,
      callId: call.callId,
      tenantId: request.tenantId,
      chatKey: request.chatKey,
      kind,
      participants: [...participants],
      ...(replacesCallId === undefined ? {} : { replacesCallId }),
      requestedBy: request.requestedBy,
      at: this.now().toISOString(),
    });
    let first = false;
    const recorded = await this.options.operations.update(clientContext, (current) => {
      first = current === undefined;
      return current ?? operation;
    });
    if (!first && recorded) return { call, operation: recorded };
    const updated = (await this.options.calls.ringing(call.callId, participants, clientContext)) ?? call;
    try {
      await this.settlingGone(call.callId, () => send(clientContext));
    } catch (error) {
      // An invite that may have reached Graph keeps its record, so a redelivery of the activity never sends it again
      // (Graph has no idempotency key), and its result notification still finds the operation if Graph did send it.
      // The card drops those still shown ringing, which Rally no longer knows; a result that came first stays.
      const uncertain = error instanceof CallingApiError && error.uncertain;
      if (!uncertain) await this.options.operations.delete(clientContext);
      await this.options.calls.inviteLost(call.callId, clientContext, uncertain);
      throw error;
    }
    return { call: updated, operation };
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

/** The clientContext of the invite an activity sends: the same on every delivery of it. */
function activityClientContext(activityKey: string, kind: OperationKind): string {
  return createHash('sha256').update(`${kind}:${activityKey}`).digest('hex').slice(0, 32);
}

function kindOf(targets: readonly CallTarget[]): CallKind {
  if (targets.length > 1) return 'group';
  return targets[0]?.kind === 'phone' ? 'pstn' : 'peerToPeer';
}
