// The chat-level calling use cases: what a person asked for, carried out through the calling service and recorded
// with the chat it came from, so that notifications can later be reported there.
import { audited } from './policy/auditTrail.js';
import type { AuditTrail } from './policy/auditTrail.js';
import { callIdForHandle, handleText, withHandle } from './records/callHandles.js';
import type { CallRef, ChatCalls } from './records/callHandles.js';
import { newCallRecord, withInvitees } from './records/callRecord.js';
import type { CallKind, CallRecord } from './records/callRecord.js';
import type { CallingService } from './requests/callingService.js';
import type { CallPolicy } from './policy/callPolicy.js';
import { randomClientContext } from './requests/clientContext.js';
import type { NewClientContext } from './requests/clientContext.js';
import { InvalidRequestError } from './errors.js';
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
}

export interface CallDeskStores {
  calls: RecordStore<CallRecord>;
  operations: RecordStore<OperationRecord>;
  chats: RecordStore<ChatCalls>;
}

export interface CallDeskOptions extends CallDeskStores {
  service: CallingService;
  /** Admits each request that rings someone, before it is sent. */
  policy: CallPolicy;
  now?: () => Date;
  newClientContext?: NewClientContext;
  /** Called with each new call record once stored, so events that arrived before it can be applied. */
  onCallRecorded?: (record: CallRecord) => Promise<CallRecord>;
  /** Gets one record per call placed, invitation sent and hang-up, whatever its outcome. */
  audit?: AuditTrail;
}

export class CallNotFoundError extends InvalidRequestError {
  constructor(userMessage: string) {
    super('callNotInChat', userMessage);
  }
}

const LIVE_STATES = new Set(['incoming', 'establishing', 'established', 'hold', 'transferring', 'transferAccepted', 'redirecting']);

export function isLive(record: CallRecord): boolean {
  return LIVE_STATES.has(record.state) && record.replacedBy === undefined;
}

export class CallDesk {
  private readonly now: () => Date;
  private readonly newClientContext: NewClientContext;

  constructor(private readonly options: CallDeskOptions) {
    this.now = options.now ?? (() => new Date());
    this.newClientContext = options.newClientContext ?? randomClientContext;
  }

  /** `call <person> ...`: peer-to-peer, PSTN or group call, by who was named. */
  async placeCall(request: ChatRequest, targets: readonly CallTarget[]): Promise<CallRecord> {
    const distinct = distinctTargets(targets);
    const kind = kindOf(distinct);
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: distinct, kind }, async (subject) => {
      this.admit(request, distinct);
      const call = await this.options.service.placeCall(request.tenantId, distinct);
      subject.callId = call.id;
      return this.record(request, call, kind, distinct);
    });
  }

  /** `join <link | meeting id> [as guest <name>]`. */
  async joinMeeting(request: ChatRequest, meeting: MeetingToJoin, guestName?: string): Promise<CallRecord> {
    const { service } = this.options;
    const kind = guestName === undefined ? 'meeting' : 'guestMeeting';
    return audited(this.options.audit, { audit: 'callPlaced', request, meeting, kind }, async (subject) => {
      this.admit(request, []);
      const call =
        guestName === undefined
          ? await service.joinMeeting(request.tenantId, meeting)
          : await service.joinAsGuest(request.tenantId, meeting, guestName);
      subject.callId = call.id;
      return this.record(request, call, kind, []);
    });
  }

  /** `invite <person> ... [to <call>]`: into the named call, or this chat's most recent live call. */
  async invite(request: ChatRequest, ref: CallRef | undefined, targets: readonly CallTarget[]): Promise<{ call: CallRecord; operation: OperationRecord }> {
    return audited(this.options.audit, { audit: 'inviteSent', request, targets, via: 'invite' }, async (subject) => {
      const call = await this.liveCall(request, ref);
      subject.callId = call.callId;
      if (call.kind === 'peerToPeer' || call.kind === 'pstn') {
        throw new InvalidRequestError(
          'inviteIntoPeerToPeer',
          `${call.handle ?? 'That call'} is a one-to-one call: use "escalate" to turn it into a group call with more people.`,
        );
      }
      this.admit(request, targets);
      return this.sendInvite(request, call, 'invite', targets, (clientContext) =>
        this.options.service.invite(request.tenantId, call.callId, targets, { clientContext }),
      );
    });
  }

  /**
   * `escalate <person> ... [from <call>]`: starts a group call ringing the new people; once it is established,
   * `continueEscalation` moves the peer-to-peer party in with replacesCallId (an invite into a call that is still
   * establishing fails).
   */
  async escalate(request: ChatRequest, ref: CallRef | undefined, newPeople: readonly CallTarget[]): Promise<CallRecord> {
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: newPeople, kind: 'group', via: 'escalate' }, async (subject) => {
      const peerToPeer = await this.liveCall(request, ref, (c) => c.kind === 'peerToPeer');
      if (peerToPeer.kind !== 'peerToPeer') {
        throw new InvalidRequestError('escalateNotPeerToPeer', `${peerToPeer.handle ?? 'That call'} is already a group call: use "invite" to add people.`);
      }
      const users = newPeople.filter((t): t is UserTarget => t.kind === 'user');
      if (users.length !== newPeople.length) {
        throw new InvalidRequestError('escalatePhone', 'Escalate with Teams users; invite phone numbers once the group call is up.');
      }
      this.admit(request, users);
      const call = await this.options.service.callGroup(request.tenantId, users, undefined, { forEscalation: true });
      subject.callId = call.id;
      return this.record(request, call, 'group', users, { pendingEscalation: { peerToPeerCallId: peerToPeer.callId } });
    });
  }

  /** Second step of an escalation, when the group call is established. Does nothing when none is pending. */
  async continueEscalation(groupCall: CallRecord): Promise<OperationRecord | undefined> {
    const pending = groupCall.pendingEscalation;
    if (pending === undefined || groupCall.state !== 'established') return undefined;
    // Claim the step first, so two notifications for the same call cannot both send the invite.
    let claimed = false;
    await this.options.calls.update(groupCall.callId, (current) => {
      claimed = current?.pendingEscalation !== undefined;
      if (!current || !claimed) return current;
      const { pendingEscalation: _done, ...rest } = current;
      return rest;
    });
    if (!claimed) return undefined;
    const peerToPeer = await this.options.calls.get(pending.peerToPeerCallId);
    const party = peerToPeer?.invitees[0]?.target;
    if (!peerToPeer || !party) return undefined;
    const request: ChatRequest = { chatKey: groupCall.chatKey, tenantId: groupCall.tenantId, requestedBy: groupCall.placedBy };
    const { operation } = await audited(this.options.audit, { audit: 'inviteSent', request, targets: [party], via: 'escalate' }, (subject) => {
      subject.callId = groupCall.callId;
      return this.sendInvite(request, groupCall, 'escalate', [party], (clientContext) =>
        this.options.service.escalate(groupCall.tenantId, { groupCallId: groupCall.callId, peerToPeerCallId: peerToPeer.callId, party }, { clientContext }),
        peerToPeer.callId,
      );
    });
    return operation;
  }

  /** `move <person> from <call> to <call>`: both meetings Rally is in; the person must be in the first. */
  async move(request: ChatRequest, user: UserTarget, fromRef: CallRef, toRef: CallRef): Promise<{ call: CallRecord; operation: OperationRecord }> {
    return audited(this.options.audit, { audit: 'inviteSent', request, targets: [user], via: 'move' }, async (subject) => {
      const from = await this.liveCall(request, fromRef);
      const to = await this.liveCall(request, toRef);
      subject.callId = to.callId;
      if (from.callId === to.callId) throw new InvalidRequestError('moveSameCall', 'Name two different calls to move someone between.');
      const participantId = from.roster.find(
        (p) => !p.removed && p.kind === 'user' && p.identityId?.toLowerCase() === user.id.toLowerCase(),
      )?.participantId;
      if (participantId === undefined) {
        throw new InvalidRequestError('moveNotInCall', `${user.displayName ?? 'That person'} is not in ${from.handle ?? 'that call'} right now.`);
      }
      this.admit(request, [user]);
      return this.sendInvite(request, to, 'move', [user], (clientContext) =>
        this.options.service.moveParticipant(request.tenantId, { fromCallId: from.callId, toCallId: to.callId, participantId, userId: user.id }, { clientContext }),
        from.callId,
      );
    });
  }

  /** `hangup [<call>]`. The card updates when Graph's `terminated` notification arrives. */
  async hangUp(request: ChatRequest, ref: CallRef | undefined): Promise<CallRecord> {
    return audited(this.options.audit, { audit: 'hangUp', request }, async (subject) => {
      const call = await this.liveCall(request, ref);
      subject.callId = call.callId;
      await this.options.service.hangUp(request.tenantId, call.callId);
      return call;
    });
  }

  /** `status [<call>]`: the named call (live or not), or the chat's most recent live call. */
  async status(request: ChatRequest, ref: CallRef | undefined): Promise<CallRecord> {
    return ref === undefined ? this.liveCall(request, undefined) : this.callInChat(request, ref);
  }

  /** `calls`: this chat's live calls, newest first. */
  async liveCalls(request: ChatRequest): Promise<CallRecord[]> {
    const chat = await this.options.chats.get(request.chatKey);
    const records = await Promise.all((chat?.calls ?? []).map((c) => this.options.calls.get(c.callId)));
    return records.filter((r): r is CallRecord => r !== undefined && isLive(r)).reverse();
  }

  /** A call of this chat by its handle or id; a call of another chat is not found, so chats can't touch each other's calls. */
  async callInChat(request: ChatRequest, ref: CallRef): Promise<CallRecord> {
    const chat = await this.options.chats.get(request.chatKey);
    const callId = ref.kind === 'handle' ? callIdForHandle(chat, ref.number) : ref.id;
    const record = callId === undefined ? undefined : await this.options.calls.get(callId);
    if (!record || record.chatKey !== request.chatKey) {
      const name = ref.kind === 'handle' ? `#${ref.number}` : ref.id;
      throw new CallNotFoundError(`This chat has no call ${name}. Say "calls" to see the live ones.`);
    }
    return record;
  }

  private admit(request: ChatRequest, targets: readonly CallTarget[]): void {
    this.options.policy.admit({ id: request.requestedBy.id, tenantId: request.tenantId }, targets);
  }

  private async liveCall(request: ChatRequest, ref: CallRef | undefined, prefer?: (c: CallRecord) => boolean): Promise<CallRecord> {
    if (ref !== undefined) {
      const record = await this.callInChat(request, ref);
      if (!isLive(record)) throw new CallNotFoundError(`${record.handle ?? 'That call'} has ended.`);
      return record;
    }
    const live = await this.liveCalls(request);
    const chosen = (prefer && live.find(prefer)) ?? live[0];
    if (!chosen) throw new CallNotFoundError('This chat has no call going on. Start one with "call" and a person.');
    return chosen;
  }

  private async record(
    request: ChatRequest,
    call: Call,
    kind: CallKind,
    targets: readonly CallTarget[],
    extra: Pick<CallRecord, 'pendingEscalation'> = {},
  ): Promise<CallRecord> {
    const chat = await this.options.chats.update(request.chatKey, (current) => withHandle(current, call.id));
    const record = newCallRecord({
      callId: call.id,
      tenantId: request.tenantId,
      kind,
      chatKey: request.chatKey,
      ...(chat ? { handle: handleText(chat, call.id) } : {}),
      placedBy: request.requestedBy,
      targets,
      ...(call.state ? { state: call.state } : {}),
      at: this.now().toISOString(),
    });
    const stored = (await this.options.calls.update(call.id, (current) => current ?? { ...record, ...extra })) ?? record;
    const current = this.options.onCallRecorded ? await this.options.onCallRecorded(stored) : stored;
    // The group call may already be established if its notifications beat the record.
    await this.continueEscalation(current);
    return current;
  }

  private async sendInvite(
    request: ChatRequest,
    call: CallRecord,
    kind: OperationKind,
    participants: readonly CallTarget[],
    send: (clientContext: string) => Promise<unknown>,
    replacesCallId?: string,
  ): Promise<{ call: CallRecord; operation: OperationRecord }> {
    // Recorded before the request leaves: Graph's result notification may arrive before its answer does.
    const clientContext = this.newClientContext();
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
    await this.options.operations.update(clientContext, () => operation);
    const updated = (await this.options.calls.update(call.callId, (current) => current && withInvitees(current, participants, clientContext))) ?? call;
    try {
      await send(clientContext);
    } catch (error) {
      await this.options.operations.delete(clientContext);
      await this.options.calls.update(call.callId, (current) =>
        current && { ...current, invitees: current.invitees.filter((i) => i.clientContext !== clientContext) },
      );
      throw error;
    }
    return { call: updated, operation };
  }
}

function kindOf(targets: readonly CallTarget[]): CallKind {
  if (targets.length > 1) return 'group';
  return targets[0]?.kind === 'phone' ? 'pstn' : 'peerToPeer';
}
