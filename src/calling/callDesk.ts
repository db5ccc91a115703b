// The chat's requests: what a person asked for, checked against the chat's calls and the policy, and carried out
// through the intent protocol (calls) or the invites (people into a call), recorded with the chat it came from.
import type { BridgeAsk } from './bridges/bridgeMeeting.js';
import { nameParams, sentence } from '../i18n/sentence.js';
import type { Sentence } from '../i18n/sentence.js';
import { CallNotFoundError, CallingApiError, InvalidRequestError, WhichCallError } from './errors.js';
import type { CallNamingRequest } from './errors.js';
import { settlingGone } from './goneAtGraph.js';
import type { IntentProtocol } from './intents/intentProtocol.js';
import { newIntentId } from './intents/callIntent.js';
import type { Invites } from './invites/invites.js';
import { admit } from './policy/admission.js';
import { audited } from './policy/auditTrail.js';
import type { AuditAction, AuditTrail } from './policy/auditTrail.js';
import type { CallPolicy } from './policy/callPolicy.js';
import { callIdForHandle, handleParam } from './records/callHandles.js';
import type { CallRef, ChatCalls } from './records/callHandles.js';
import type { CallNews, StoredCall } from './records/callDocument.js';
import type { CallKeeper } from './records/callKeeper.js';
import type { CallKind, CallRecord, PageLink } from './records/callRecord.js';
import type { OperationRecord } from './records/operationRecord.js';
import { findParticipant, hasOthersToChange, targetName } from './records/participants.js';
import type { CallParticipant, ParticipantRef } from './records/participants.js';
import type { RecordStore } from './records/recordStore.js';
import type { CallingService } from './requests/callingService.js';
import type { MeetingToJoin } from './targets/meetingLink.js';
import { distinctTargets } from './targets/people.js';
import type { CallTarget, UserTarget } from './targets/people.js';
import { isLive } from './vocabulary.js';
import type { ChatRequest, DeskJobs } from './vocabulary.js';

export interface CallDeskOptions {
  /** The keeper of call records. */
  calls: CallKeeper;
  /** By chat key: the chat's call handles. */
  chats: RecordStore<ChatCalls>;
  /** Places calls through their intents. */
  intents: Pick<IntentProtocol, 'place' | 'placeBridge' | 'hangUpWhenConfirmed'>;
  invites: Pick<Invites, 'send'>;
  service: CallingService;
  /** Admits each request that rings someone, before it is sent. */
  policy: CallPolicy;
  jobs: Pick<DeskJobs, 'followUp'>;
  now?: () => Date;
  /** Gets one record per call placed, invitation sent and hang-up, whatever its outcome. */
  audit?: AuditTrail;
}

/** What `hangup` did: asked Graph to hang the call up, or recorded the wish for a call Graph has not confirmed yet. */
export type HangUpOutcome = { kind: 'hangingUp'; call: CallRecord } | { kind: 'whenConfirmed' };

/** What `invite` did: an invitation into the call, or, for a one-to-one call, its escalation into a new group call. */
export type InviteOutcome = { kind: 'invited'; call: CallRecord; operation: OperationRecord } | { kind: 'escalated'; groupCall: CallRecord };

/**
 * What `mute` or `remove` asked Graph to do, for whom (as the chat names them, when anything does: a ring is always to
 * someone named); the card shows it once Graph has.
 */
export type ParticipantChange =
  | { kind: 'muting' | 'removing'; call: CallRecord; name?: string }
  | { kind: 'cancellingInvite'; call: CallRecord; name: string };

/** Graph moves the party of a Teams one-to-one call into a group call, but not the other end of a phone call. */
function phoneCallCannotGrow(call: CallRecord): InvalidRequestError {
  return new InvalidRequestError('phoneCallCannotGrow', sentence('calling.desk.phoneCallCannotGrow', { call: handleParam(call) }));
}

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CallDesk {
  private readonly now: () => Date;

  constructor(private readonly options: CallDeskOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** `call <person> ...`: peer-to-peer, PSTN or group call, by who was named. */
  async placeCall(request: ChatRequest, targets: readonly CallTarget[]): Promise<CallRecord> {
    const distinct = distinctTargets(targets);
    const kind = kindOf(distinct);
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: distinct, kind }, async (subject) => {
      const record = await this.options.intents.place(request, { kind, targets: distinct }, (service) => service.placeCall(request.tenantId, distinct));
      subject.callId = record.callId;
      return record;
    });
  }

  /** `join <link | meeting id> [as guest <name>]`. */
  async joinMeeting(request: ChatRequest, meeting: MeetingToJoin, guestName?: string): Promise<CallRecord> {
    const kind = guestName === undefined ? 'meeting' : 'guestMeeting';
    return audited(this.options.audit, { audit: 'callPlaced', request, meeting, kind }, async (subject) => {
      const record = await this.options.intents.place(request, { kind, targets: [] }, (tracked) =>
        guestName === undefined ? tracked.joinMeeting(request.tenantId, meeting) : tracked.joinAsGuest(request.tenantId, meeting, guestName),
      );
      subject.callId = record.callId;
      return record;
    });
  }

  /**
   * `bridge [title]`: a Teams meeting made for the person who asked, joined by Rally at once, and shown as the chat's
   * call with its join link. Made and joined through one intent (see IntentProtocol.placeBridge): a crash between the
   * two leaves neither a second meeting nor one the chat never hears of.
   */
  async openBridge(request: ChatRequest, subject: string): Promise<CallRecord> {
    return audited(this.options.audit, { audit: 'callPlaced', request, kind: 'meeting' }, async (audit) => {
      if (!ENTRA_OBJECT_ID.test(request.requestedBy.id)) {
        throw new InvalidRequestError('bridgeNeedsOrganizer', sentence('calling.desk.bridgeNeedsOrganizer'));
      }
      const bridge: BridgeAsk = { subject, organizerId: request.requestedBy.id, ...(request.locale === undefined ? {} : { language: request.locale }) };
      const record = await this.options.intents.placeBridge(request, bridge);
      audit.callId = record.callId;
      return record;
    });
  }

  /**
   * `invite <person> ... [to <call>]`: into the named call, or this chat's live call. Graph cannot add people to a
   * one-to-one call, so inviting into one escalates it: a new group call rings the people, and the one-to-one party
   * moves in (as `escalate` does).
   */
  async invite(request: ChatRequest, ref: CallRef | undefined, targets: readonly CallTarget[]): Promise<InviteOutcome> {
    const call = await this.liveCall(request, ref, 'invite');
    if (call.kind === 'peerToPeer') return { kind: 'escalated', groupCall: await this.escalate(request, { kind: 'callId', id: call.callId }, targets) };
    return audited(this.options.audit, { audit: 'inviteSent', request, targets, via: 'invite' }, async (subject) => {
      subject.callId = call.callId;
      if (call.kind === 'pstn') throw phoneCallCannotGrow(call);
      await admit(this.options.policy, request, targets, newIntentId);
      const { operation, call: invited } = await this.options.invites.send(request, call, 'invite', targets, (clientContext) =>
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
    const call = await this.liveCall(request, ref, 'escalate', (c) => c.kind === 'peerToPeer');
    // A bridge is already the meeting everyone comes to: escalating into it is inviting into it.
    if (call.bridge) {
      const invited = await this.invite(request, { kind: 'callId', id: call.callId }, newPeople);
      return invited.kind === 'invited' ? invited.call : invited.groupCall;
    }
    return audited(this.options.audit, { audit: 'callPlaced', request, targets: newPeople, kind: 'group', via: 'escalate' }, async (subject) => {
      const peerToPeer = call;
      if (peerToPeer.kind === 'pstn') throw phoneCallCannotGrow(peerToPeer);
      if (peerToPeer.kind !== 'peerToPeer') {
        throw new InvalidRequestError('escalateNotPeerToPeer', sentence('calling.desk.alreadyGroupCall', { call: handleParam(peerToPeer) }));
      }
      const users = newPeople.filter((t): t is UserTarget => t.kind === 'user');
      const phones = newPeople.filter((t) => t.kind === 'phone');
      if (users.length === 0) {
        throw new InvalidRequestError('escalatePhoneOnly', sentence('calling.desk.escalatePhoneOnly', { call: handleParam(peerToPeer) }));
      }
      const escalation = { kind: 'group' as const, targets: users, escalationOf: peerToPeer.callId, ...(phones.length > 0 ? { thenInvite: phones } : {}) };
      const record = await this.options.intents.place(request, escalation, (service) =>
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
      const record = await this.options.intents.place(request, { kind, targets: [target], page }, (service) => service.placeCall(request.tenantId, [target]));
      subject.callId = record.callId;
      return record;
    });
  }


  /** `move <person> from <call> to <call>`: both meetings Rally is in; the person must be in the first. */
  async move(request: ChatRequest, user: UserTarget, fromRef: CallRef, toRef: CallRef): Promise<{ call: CallRecord; operation: OperationRecord }> {
    return audited(this.options.audit, { audit: 'inviteSent', request, targets: [user], via: 'move' }, async (subject) => {
      const from = await this.namedLiveCall(request, fromRef);
      const to = await this.namedLiveCall(request, toRef);
      subject.callId = to.callId;
      if (from.callId === to.callId) throw new InvalidRequestError('moveSameCall', sentence('calling.desk.moveSameCall'));
      const participantId = from.roster.find(
        (p) => !p.removed && p.kind === 'user' && p.identityId?.toLowerCase() === user.id.toLowerCase(),
      )?.participantId;
      if (participantId === undefined) {
        throw new InvalidRequestError('moveNotInCall', notInCallSentence(user.displayName, from));
      }
      await admit(this.options.policy, request, [user], newIntentId);
      return this.options.invites.send(request, to, 'move', [user], (clientContext) =>
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
      await this.mayPlaceCalls(request);
      if (ref === undefined && (await this.liveCalls(request)).length === 0 && (await this.options.intents.hangUpWhenConfirmed(request))) return { kind: 'whenConfirmed' };
      const call = await this.liveCall(request, ref, 'hangup');
      subject.callId = call.callId;
      await this.options.calls.endingBy(call.callId, request.requestedBy);
      try {
        await settlingGone(this.options.calls, this.options.jobs, this.now(), call.callId, () => this.options.service.hangUp(request.tenantId, call.callId));
      } catch (error) {
        // The call goes on (unless Graph said it was already gone): nobody hung it up.
        if (!(error instanceof CallingApiError && error.code === 'callNotFound')) await this.options.calls.notEnding(call.callId);
        throw error;
      }
      return { kind: 'hangingUp', call };
    });
  }

  /**
   * `mute <person> [in <call>]`: a server mute, which they can undo themselves. Graph mutes people in group calls and
   * meetings only, so a one-to-one call is refused before anything is sent.
   */
  async mute(request: ChatRequest, ref: CallRef | undefined, who: ParticipantRef): Promise<ParticipantChange> {
    const oneToOne = (call: CallRecord) =>
      new InvalidRequestError('muteOneToOne', sentence(call.kind === 'pstn' ? 'calling.desk.mutePhoneCall' : 'calling.desk.muteOneToOne', { call: handleParam(call) }));
    return this.changeParticipant(request, ref, who, { audit: 'participantMuted', asked: 'mute', oneToOne }, async (call, found, name) => {
      if (found?.kind !== 'inCall') throw notInCall(name, call);
      if (found.muted) throw new InvalidRequestError('alreadyMuted', sentence('calling.desk.alreadyMuted', { ...nameParams(found.name), call: handleParam(call) }));
      await this.options.service.muteParticipant(request.tenantId, call.callId, found.participantId);
      return { kind: 'muting', call, name: found.name };
    });
  }

  /**
   * `remove <person> [from <call>]`: drops them from the call, or, while they are still ringing, cancels their invite
   * (only an invite Graph named a participant for can be). A one-to-one call has nobody else: it is refused, for
   * `hangup` to end it.
   */
  async remove(request: ChatRequest, ref: CallRef | undefined, who: ParticipantRef): Promise<ParticipantChange> {
    const oneToOne = (call: CallRecord) => new InvalidRequestError('removeOneToOne', sentence('calling.desk.removeOneToOne', { call: handleParam(call) }));
    return this.changeParticipant(request, ref, who, { audit: 'participantRemoved', asked: 'remove', oneToOne }, async (call, found, name) => {
      if (found === undefined) throw notInCall(name, call);
      if (found.participantId === undefined) {
        throw new InvalidRequestError('ringNotCancellable', sentence('calling.desk.ringNotCancellable', { name: found.name }));
      }
      await this.options.service.removeParticipant(request.tenantId, call.callId, found.participantId);
      return found.kind === 'inCall' ? { kind: 'removing', call, name: found.name } : { kind: 'cancellingInvite', call, name: found.name };
    });
  }

  /**
   * What `mute` and `remove` share: the right to change calls (as `hangup`), the live call they name (unnamed, the
   * chat's one group call or meeting), a call with others in it, and who of them is meant; `act` then asks Graph.
   * Nothing is recorded: Graph's roster update is what changes the call, and the card.
   */
  private async changeParticipant(
    request: ChatRequest,
    ref: CallRef | undefined,
    who: ParticipantRef,
    what: { audit: AuditAction; asked: CallNamingRequest; oneToOne: (call: CallRecord) => InvalidRequestError },
    act: (call: CallRecord, found: CallParticipant | undefined, name: string | undefined) => Promise<ParticipantChange>,
  ): Promise<ParticipantChange> {
    const targets = who.kind === 'person' ? [who.target] : [];
    return audited(this.options.audit, { audit: what.audit, request, targets }, async (subject) => {
      await this.options.policy.admit({ id: request.requestedBy.id, tenantId: request.tenantId }, [], undefined);
      const call = await this.liveCall(request, ref, what.asked, (c) => hasOthersToChange(c.kind));
      subject.callId = call.callId;
      if (!hasOthersToChange(call.kind)) throw what.oneToOne(call);
      return act(call, findParticipant(call, who), who.kind === 'person' ? targetName(who.target) : undefined);
    });
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
        if (error.code !== 'callNotFound') news = { kind: 'hangUpFailed', reason: error.sentence };
      }
    }
    await this.options.calls.hangUpTaken(call.callId, news);
  }

  /** `status [<call>]`: the named call (live or not), or the chat's most recent live call. */
  async status(request: ChatRequest, ref: CallRef | undefined): Promise<CallRecord> {
    return ref === undefined ? this.liveCall(request, undefined, 'status') : this.callInChat(request, ref);
  }

  /**
   * Throws PolicyRefusedError unless the person may place calls at all: the right that changing a call takes, and
   * changing whom a command rings (a chat's teams of people), and starting or changing a page. Counted nowhere: it
   * rings nobody (a page's steps are each admitted when they ring).
   */
  async mayPlaceCalls(request: ChatRequest): Promise<void> {
    await this.options.policy.admit({ id: request.requestedBy.id, tenantId: request.tenantId }, [], undefined);
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
      throw new CallNotFoundError(sentence('calling.desk.noSuchCall', { call: name }));
    }
    return record;
  }

  /**
   * The call a request names, or, when it names none, the chat's one live call (of the kind `only` accepts). When more
   * than one could be meant, the person is asked which (`asked` is the request, shown naming one): Rally never
   * guesses, least of all to hang up.
   */
  private async liveCall(request: ChatRequest, ref: CallRef | undefined, asked: CallNamingRequest, only?: (c: CallRecord) => boolean): Promise<CallRecord> {
    if (ref !== undefined) return this.namedLiveCall(request, ref);
    const live = await this.liveCalls(request);
    const candidates = only ? live.filter(only) : live;
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length > 1) throw new WhichCallError(asked, candidates);
    if (live[0] && only) return live[0];
    throw new CallNotFoundError(sentence('calling.desk.noCall'));
  }

  /** The live call of this chat a request names. */
  private async namedLiveCall(request: ChatRequest, ref: CallRef): Promise<CallRecord> {
    const record = await this.callInChat(request, ref);
    if (!isLive(record)) throw new CallNotFoundError(callEnded(record));
    return record;
  }

  /** The stored call record; a placeholder for a call not recorded yet is not a call. */
  async call(callId: string): Promise<StoredCall | undefined> {
    return this.options.calls.get(callId);
  }

}

function notInCall(name: string | undefined, call: CallRecord): InvalidRequestError {
  return new InvalidRequestError('notInCall', notInCallSentence(name, call));
}

/** "Lee Gu is not in #2 right now.", or, when Rally has no name for them, "That person...". */
function notInCallSentence(name: string | undefined, call: CallRecord): Sentence {
  const named = { call: handleParam(call) };
  return name === undefined ? sentence('calling.desk.someoneNotInCall', named) : sentence('calling.desk.notInCall', { name, ...named });
}

/** "#3 has ended.", for a call that a request names after its end. */
export function callEnded(call: Pick<CallRecord, 'handle'>): Sentence {
  return sentence('calling.desk.callEnded', { call: handleParam(call) });
}

function kindOf(targets: readonly CallTarget[]): CallKind {
  if (targets.length > 1) return 'group';
  return targets[0]?.kind === 'phone' ? 'pstn' : 'peerToPeer';
}
