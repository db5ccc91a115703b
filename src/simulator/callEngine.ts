// The simulated calling service: creates calls, rings the scripted people (for as long as their script says), and
// tells the bot what happens through notifications, in the order and shapes of the seed documents.
import { randomUUID } from 'node:crypto';
import type { Directory, MeetingAttendee, TargetScript } from './directory.js';
import { GraphError, badRequest } from './graphError.js';
import type { CallState, JsonObject, ResultInfo } from './graphShapes.js';
import type { DeliveryStep, NotificationDelivery } from './notificationDelivery.js';
import { everyoneLeft, failureResult, hungUpByBot, hungUpByPeer, nobodyJoined, notFoundResult, picksUp, replacedByGroupCall, requestTerminated } from './outcomes.js';
import type { Refusal } from './outcomes.js';
import {
  callStateNotification,
  deltaRosterNotification,
  fullRosterNotification,
  inviteOperationResponse,
  operationNotification,
} from './payloads.js';
import type { CreateCallPlan, Invitee, InvitePlan, MeetingRef } from './requestChecks.js';
import { addToRoster, advance } from './simulatedCall.js';
import type { RosterEntry, SimulatedCall } from './simulatedCall.js';

export interface CallEngineOptions {
  appId: string;
  appDisplayName: string;
  /** Used when a create-call body names no tenant. */
  tenantId: string;
  deltaRoster: boolean;
  establishedBeforeEstablishing: boolean;
  autoAdmitFromLobby: boolean;
}

type RosterChange = { changed: RosterEntry[]; removed: RosterEntry[] };

type Operation = { id: string; clientContext: string | null; invitees: Invitee[] };

/** An invitation that rings: it settles once none of its people is ringing any more, by their ring's end or a cancel. */
interface Invitation {
  callId: string;
  operation: Operation;
  /** Each invitee's participant, in order: named in the invite's answer, theirs in the roster once they join. */
  participantIds: string[];
  scripts: TargetScript[];
  ringing: Set<string>;
  /** The participants the bot cancelled (`DELETE`) while they rang. */
  cancelled: Set<string>;
}

const identitySet = (kind: string, identity: JsonObject): JsonObject => ({
  '@odata.type': '#microsoft.graph.identitySet',
  [kind]: { '@odata.type': '#microsoft.graph.identity', ...identity },
});

const attendeeIdentity = (a: MeetingAttendee): JsonObject => identitySet('user', { displayName: a.displayName, id: a.id });

export class CallEngine {
  private readonly calls = new Map<string, SimulatedCall>();
  /** Guest joins waiting in the lobby, with the attendees they will see once admitted. */
  private readonly lobby = new Map<string, MeetingAttendee[]>();
  /** Phones still ringing, by call: each timer delivers what the phone does once it stops. */
  private readonly ringing = new Map<string, Set<NodeJS.Timeout>>();
  /** Invitations not settled yet, by the participant id of each of their invitees. */
  private readonly invitations = new Map<string, Invitation>();

  constructor(
    private readonly directory: Directory,
    private readonly delivery: NotificationDelivery,
    private readonly options: CallEngineOptions,
  ) {}

  /** A call that exists and was not deleted, or Graph's 404. */
  find(id: string): SimulatedCall {
    const call = this.calls.get(id);
    if (!call || call.deleted) throw new GraphError(404, 'itemNotFound', `The call ${id} does not exist or has ended.`);
    return call;
  }

  create(plan: CreateCallPlan, version: string): SimulatedCall {
    const body = plan.body;
    const meeting = plan.kind === 'meeting' ? this.resolveMeeting(plan.meeting, body) : undefined;
    const source = body.source as JsonObject | undefined;
    const call: SimulatedCall = {
      id: randomUUID(),
      version,
      kind: plan.kind,
      request: body,
      tenantId: typeof body.tenantId === 'string' ? body.tenantId : this.options.tenantId,
      callbackUri: body.callbackUri as string,
      callChainId: randomUUID(),
      myParticipantId: randomUUID(),
      botIdentity: source
        ? { '@odata.type': '#microsoft.graph.identitySet', ...(source.identity as JsonObject) }
        : identitySet('application', { displayName: this.options.appDisplayName, id: this.options.appId }),
      chatInfo: meeting?.chatInfo ?? null,
      meetingInfo: meeting ? (body.meetingInfo as JsonObject) : null,
      state: 'establishing',
      resultInfo: null,
      roster: [],
      rosterSequenceNumber: 0,
      nextSourceId: 1,
      deleted: false,
      serviceHostedMedia: (body.mediaConfig as JsonObject)['@odata.type'] === '#microsoft.graph.serviceHostedMediaConfig',
      tonesSubscribed: false,
      lastTone: null,
    };
    this.calls.set(call.id, call);
    if (plan.kind === 'meeting') this.delivery.enqueue(call.id, () => call, this.joinSteps(call, plan.guest, meeting?.attendees ?? []));
    else this.ring(call, plan.targets);
    return call;
  }

  /** Stops every phone still ringing; what they would have done never happens. */
  close(): void {
    for (const callId of [...this.ringing.keys()]) this.stopRinging(callId);
  }

  /** `DELETE`: the bot hangs up; Graph answers 204, then reports terminating and terminated. */
  hangUp(id: string): void {
    const call = this.find(id);
    if (call.state === 'terminating' || call.state === 'terminated') return;
    this.stopRinging(call.id);
    advance(call, 'terminating');
    this.delivery.enqueue(call.id, () => call, [{ build: () => [callStateNotification(call, 'terminating')] }, this.terminate(call, hungUpByBot())]);
  }

  /** The other side ends the call (test control): the peer hangs up, or everyone else leaves. */
  end(id: string, resultInfo?: ResultInfo): void {
    const call = this.find(id);
    if (call.state === 'terminating') return;
    this.stopRinging(call.id);
    const result = resultInfo ?? (call.kind === 'peerToPeer' || call.kind === 'pstn' ? hungUpByPeer() : everyoneLeft());
    this.delivery.enqueue(call.id, () => call, [this.terminate(call, result)]);
  }

  /** A meeting organizer lets the waiting guest bot in (test control, or automatic). */
  admitFromLobby(id: string): void {
    const call = this.find(id);
    const attendees = this.lobby.get(id);
    if (!attendees) throw new Error(`Call ${id} has no bot waiting in the lobby.`);
    this.lobby.delete(id);
    this.delivery.enqueue(call.id, () => call, [this.admitStep(call, attendees)]);
  }

  invite(callId: string, plan: InvitePlan): JsonObject {
    const call = this.find(callId);
    if (call.state !== 'established') throw badRequest(`The call ${callId} is not established.`);
    if (plan.invitees.length > 1 && (call.kind === 'peerToPeer' || call.kind === 'pstn')) {
      throw badRequest('Inviting several participants in one request is only supported for group calls.');
    }
    const operation: Operation = { id: randomUUID(), clientContext: plan.clientContext, invitees: plan.invitees };
    const participantIds = plan.invitees.map(() => randomUUID());
    const first = plan.invitees[0];
    if (first?.replacesCallId !== undefined) this.moveIn(call, operation, first, participantIds[0]!);
    else {
      const scripts = plan.invitees.map((i) => this.scriptOf(i));
      const invitation: Invitation = { callId: call.id, operation, participantIds, scripts, ringing: new Set(participantIds), cancelled: new Set() };
      participantIds.forEach((id) => this.invitations.set(id, invitation));
      participantIds.forEach((id, n) => this.whenRung(call, scripts[n]!.ringsForMs, () => this.stoppedRinging(call, invitation, id)));
    }
    return inviteOperationResponse(operation.id, operation.clientContext, plan.invitees, participantIds);
  }

  /** A move takes someone already in a call: nothing rings. */
  private moveIn(call: SimulatedCall, operation: Operation, invitee: Invitee, participantId: string): void {
    const { failure, follow } = this.moveInto(call, invitee);
    this.delivery.enqueue(call.id, () => call, [
      { build: () => [operationNotification(call, operation, failure)] },
      ...(failure ? [] : [this.rosterStep(call, () => ({ changed: [this.addInvitee(call, invitee, participantId)], removed: [] }))]),
    ]);
    follow?.();
  }

  /**
   * One of an invitation's people stopped ringing (their ring ended, or the bot cancelled it). Once none rings, it
   * settles: its operation completes when everyone not cancelled answered, else fails with the first refusal (or as
   * cancelled), and whoever picked up joins the roster.
   */
  private stoppedRinging(call: SimulatedCall, invitation: Invitation, participantId: string): void {
    if (!invitation.ringing.delete(participantId) || invitation.ringing.size > 0) return;
    invitation.participantIds.forEach((id) => this.invitations.delete(id));
    const rang = invitation.operation.invitees.flatMap((invitee, n) => {
      const id = invitation.participantIds[n]!;
      return invitation.cancelled.has(id) ? [] : [{ invitee, id, script: invitation.scripts[n]! }];
    });
    const failure = this.firstRefusal(rang.map((r) => r.script), false) ?? (invitation.cancelled.size > 0 ? requestTerminated() : null);
    const joined = rang.filter((r) => picksUp(r.script.outcome, false));
    this.delivery.enqueue(call.id, () => call, [
      { build: () => [operationNotification(call, invitation.operation, failure)] },
      ...(joined.length > 0 ? [this.rosterStep(call, () => ({ changed: joined.map((r) => this.addInvitee(call, r.invitee, r.id)), removed: [] }))] : []),
    ]);
  }

  /** `participant: mute`: a server mute, group calls and meetings only; every participant gets a roster update. */
  mute(callId: string, participantId: string): void {
    const call = this.find(callId);
    // Graph documents the refusal but not its words: these are the simulator's.
    if (call.kind === 'peerToPeer' || call.kind === 'pstn') throw badRequest('Muting a participant is only supported for group calls.');
    const entry = this.participant(call, participantId);
    entry.muted = true;
    this.delivery.enqueue(call.id, () => call, [this.rosterStep(call, () => ({ changed: [entry], removed: [] }))]);
  }

  /**
   * `DELETE …/participants/{id}`: someone still being invited has their invite cancelled (the invitation settles once
   * nobody else of it rings); someone in the call leaves it, as the roster shows. A one-to-one call has nobody else: it ends.
   */
  removeParticipant(callId: string, participantId: string): void {
    const call = this.find(callId);
    const invitation = this.invitations.get(participantId);
    if (invitation?.callId === call.id) {
      this.invitations.delete(participantId);
      invitation.cancelled.add(participantId);
      this.stoppedRinging(call, invitation, participantId);
      return;
    }
    const entry = this.participant(call, participantId);
    if (call.kind === 'peerToPeer' || call.kind === 'pstn') return this.end(call.id, everyoneLeft());
    call.roster = call.roster.filter((e) => e !== entry);
    this.delivery.enqueue(call.id, () => call, [this.rosterStep(call, () => ({ changed: [], removed: [entry] }))]);
  }

  /** Someone in the call's roster, or Graph's 404 (the wording is the simulator's). */
  private participant(call: SimulatedCall, participantId: string): RosterEntry {
    const entry = call.roster.find((e) => e.id === participantId);
    if (!entry) throw new GraphError(404, 'itemNotFound', `The participant ${participantId} is not in the call ${call.id}.`);
    return entry;
  }

  private scriptOf(invitee: Invitee): TargetScript {
    return invitee.kind === 'phone' ? this.directory.phoneScript(invitee.id) : this.directory.userScript(invitee.id);
  }

  /** Invitations fail with the first refusal's result; everyone who answered still joins. */
  private firstRefusal(scripts: TargetScript[], oneToOne: boolean): ResultInfo | null {
    const refusal = scripts.map((s) => s.outcome).find((o) => !picksUp(o, oneToOne));
    return refusal === undefined ? null : failureResult(refusal as Refusal);
  }

  /**
   * `replacesCallId`: escalate a peer-to-peer call (the replaced call is then terminated and deleted), or, with
   * `participantId`, move that participant out of another call this app created.
   */
  private moveInto(call: SimulatedCall, invitee: Invitee): { failure: ResultInfo | null; follow?: () => void } {
    const source = this.calls.get(invitee.replacesCallId ?? '');
    if (!source || source.deleted) return { failure: notFoundResult(`The call ${invitee.replacesCallId} to replace does not exist.`) };
    if (invitee.participantId === undefined) {
      return { failure: null, follow: () => this.delivery.enqueue(call.id, () => source, [this.terminate(source, replacedByGroupCall())]) };
    }
    const moving = source.roster.find((e) => e.id === invitee.participantId);
    if (!moving) return { failure: notFoundResult(`The participant ${invitee.participantId} is not in the call ${source.id}.`) };
    return {
      failure: null,
      follow: () =>
        this.delivery.enqueue(source.id, () => source, [
          this.rosterStep(source, () => {
            source.roster = source.roster.filter((e) => e !== moving);
            return { changed: [], removed: [moving] };
          }),
        ]),
    };
  }

  /**
   * The call is establishing while the phones ring; once the longest ring is over it is established with everyone who
   * picked up, or ends with why nobody did. A group call resolves all its targets at that moment.
   */
  private ring(call: SimulatedCall, targets: Invitee[]): void {
    const oneToOne = call.kind !== 'group';
    const scripts = targets.map((t) => this.scriptOf(t));
    if (oneToOne) call.callee = scripts[0];
    const ringsForMs = longestRing(scripts);
    const answered = targets.filter((_, n) => picksUp(scripts[n]!.outcome, oneToOne));
    if (answered.length === 0) {
      const result = call.kind === 'group' ? nobodyJoined() : (this.firstRefusal(scripts, oneToOne) ?? nobodyJoined());
      this.ringThen(call, ringsForMs, [this.stateStep(call, 'establishing')], [this.terminate(call, result)]);
      return;
    }
    // Someone who answers a ring joins unmuted; a meeting's attendees were there before, muted as 001 shows them.
    const joinRoster = (): RosterChange => ({
      changed: [addToRoster(call, call.myParticipantId, 'bot', call.botIdentity), ...answered.map((t) => addToRoster(call, randomUUID(), 'attendee', this.identityOf(t), { muted: false }))],
      removed: [],
    });
    // 001: a peer-to-peer call only reports state changes; group calls and meetings also report the roster.
    const answer = oneToOne ? this.opening(call, () => joinRoster()) : [...this.opening(call), this.rosterStep(call, joinRoster)];
    // Delivered in swapped order, established and establishing both wait for the ring to end.
    if (this.options.establishedBeforeEstablishing) this.ringThen(call, ringsForMs, [], answer);
    else this.ringThen(call, ringsForMs, answer.slice(0, 1), answer.slice(1));
  }

  /** `now` at once, `later` when the phone stops ringing; without ringing, all in one go (one batch when batching). */
  private ringThen(call: SimulatedCall, ringsForMs: number, now: DeliveryStep[], later: DeliveryStep[]): void {
    if (ringsForMs === 0) return this.delivery.enqueue(call.id, () => call, [...now, ...later]);
    this.delivery.enqueue(call.id, () => call, now);
    this.afterRinging(call, ringsForMs, later);
  }

  /**
   * Queues `steps` once the phone has rung for `ms` (at once for 0). The timer is unref'd, so a person ringing for a
   * minute never keeps a process alive; `stopRinging` (a hang-up, the end of the call, closing) drops it.
   */
  private afterRinging(call: SimulatedCall, ms: number, steps: DeliveryStep[]): void {
    this.whenRung(call, ms, () => this.delivery.enqueue(call.id, () => call, steps));
  }

  /** Runs `rung` once the phone has rung for `ms` (at once for 0), on a ring timer as `afterRinging` describes. */
  private whenRung(call: SimulatedCall, ms: number, rung: () => void): void {
    if (ms === 0) return rung();
    const timers = this.ringing.get(call.id) ?? new Set<NodeJS.Timeout>();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (timers.size === 0) this.ringing.delete(call.id);
      rung();
    }, ms);
    timer.unref();
    timers.add(timer);
    this.ringing.set(call.id, timers);
  }

  private stopRinging(callId: string): void {
    this.ringing.get(callId)?.forEach((timer) => clearTimeout(timer));
    this.ringing.delete(callId);
  }

  private joinSteps(call: SimulatedCall, guest: boolean, attendees: MeetingAttendee[]): DeliveryStep[] {
    if (!guest) {
      return [
        ...this.opening(call),
        this.rosterStep(call, () => ({
          changed: [...attendees.map((a) => addToRoster(call, randomUUID(), 'attendee', attendeeIdentity(a))), addToRoster(call, call.myParticipantId, 'bot', call.botIdentity)],
          removed: [],
        })),
      ];
    }
    // 001: a guest waits in the lobby and sees only itself until admitted.
    const inLobby = this.rosterStep(call, () => ({ changed: [addToRoster(call, call.myParticipantId, 'bot', call.botIdentity, { inLobby: true })], removed: [] }));
    if (this.options.autoAdmitFromLobby) return [...this.opening(call), inLobby, this.admitStep(call, attendees)];
    this.lobby.set(call.id, attendees);
    return [...this.opening(call), inLobby];
  }

  private admitStep(call: SimulatedCall, attendees: MeetingAttendee[]): DeliveryStep {
    return this.rosterStep(call, () => {
      const bot = call.roster.find((e) => e.id === call.myParticipantId);
      if (bot) bot.inLobby = false;
      const present = attendees.map((a) => addToRoster(call, randomUUID(), 'attendee', attendeeIdentity(a)));
      return { changed: [...present, ...(bot ? [bot] : [])], removed: [] };
    });
  }

  /** Establishing then established (or the other way round, when that switch is on). */
  private opening(call: SimulatedCall, onEstablished?: () => void): DeliveryStep[] {
    const establishing = this.stateStep(call, 'establishing');
    const established = this.stateStep(call, 'established', onEstablished);
    return this.options.establishedBeforeEstablishing ? [established, establishing] : [establishing, established];
  }

  private stateStep(call: SimulatedCall, state: CallState, onApply?: () => void): DeliveryStep {
    return {
      apply: () => {
        advance(call, state);
        onApply?.();
      },
      build: () => [callStateNotification(call, state)],
    };
  }

  private terminate(call: SimulatedCall, resultInfo: ResultInfo): DeliveryStep {
    return {
      apply: () => {
        advance(call, 'terminated');
        call.resultInfo = resultInfo;
        call.deleted = true;
        this.lobby.delete(call.id);
      },
      build: () => [callStateNotification(call, 'terminated', resultInfo)],
    };
  }

  private rosterStep(call: SimulatedCall, change: () => RosterChange): DeliveryStep {
    let applied: RosterChange = { changed: [], removed: [] };
    return {
      apply: () => {
        applied = change();
      },
      build: () => [this.options.deltaRoster ? deltaRosterNotification(call, applied.changed, applied.removed) : fullRosterNotification(call)],
    };
  }

  private addInvitee(call: SimulatedCall, invitee: Invitee, participantId: string): RosterEntry {
    return addToRoster(call, participantId, 'invitee', this.identityOf(invitee));
  }

  /** The identitySet a roster shows for someone the bot called: as sent, with the directory's display name. */
  private identityOf(invitee: Invitee): JsonObject {
    const sent = ((invitee.sent.identity as JsonObject)[invitee.kind] ?? {}) as JsonObject;
    const person = invitee.kind === 'user' ? this.directory.findPerson(invitee.id) : undefined;
    return identitySet(invitee.kind, { ...(person && sent.displayName === undefined ? { displayName: person.displayName } : {}), ...sent });
  }

  private resolveMeeting(ref: MeetingRef, body: JsonObject): { chatInfo: JsonObject; attendees: MeetingAttendee[] } {
    if ('threadId' in ref) {
      const organizer = ((body.meetingInfo as JsonObject).organizer as JsonObject).user as JsonObject;
      const meeting = this.directory.meetingByThread(ref.threadId, { id: String(organizer.id), displayName: String(organizer.displayName ?? 'Organizer') });
      if (!meeting) throw meetingNotFound(`chat thread ${ref.threadId}`);
      // A meeting is its organizer's: the same chat named with someone else as organizer is no meeting at all.
      if (meeting.organizerId !== undefined && meeting.organizerId.toLowerCase() !== String(organizer.id).toLowerCase()) {
        throw meetingNotFound(`chat thread ${ref.threadId} organized by ${String(organizer.id)}`);
      }
      return { chatInfo: { ...(body.chatInfo as JsonObject), replyChainMessageId: null }, attendees: meeting.attendees };
    }
    const meeting = this.directory.meetingById(ref.joinMeetingId);
    if (!meeting) throw meetingNotFound(`joinMeetingId ${ref.joinMeetingId}`);
    // Graph documents no error for a wrong or missing passcode; it refuses the join with 403 and a message about the
    // passcode (as Rally's logs of a wrong one show). The wording is the simulator's, the error never holds the passcode.
    if (meeting.passcode !== undefined && ref.passcode === undefined) {
      throw new GraphError(403, 'Forbidden', 'The meeting requires a passcode and the request has none.');
    }
    if (meeting.passcode !== undefined && meeting.passcode !== ref.passcode) {
      throw new GraphError(403, 'Forbidden', 'The passcode does not match the meeting.');
    }
    // Graph finds the meeting's chat from its id and reports it as chatInfo (001, joinMeetingId examples).
    meeting.threadId ??= `19:meeting_${randomUUID().replaceAll('-', '')}@thread.v2`;
    return { chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId: meeting.threadId, messageId: '0', replyChainMessageId: null }, attendees: meeting.attendees };
  }
}

/**
 * A join of a meeting that does not exist (with `unknownMeetings: 'notFound'`). Graph documents neither the code nor the
 * wording: the simulator answers 404 NotFound with a sentence of its own naming what it looked for.
 */
function meetingNotFound(what: string): GraphError {
  return new GraphError(404, 'NotFound', `No meeting was found for ${what}.`);
}

/** Phones ring side by side: a request that rang several resolves when the last one stopped. */
function longestRing(scripts: TargetScript[]): number {
  return Math.max(0, ...scripts.map((s) => s.ringsForMs));
}
