// The simulated calling service: creates calls, rings the scripted people (for as long as their script says), and
// tells the bot what happens through notifications, in the order and shapes of the seed documents.
import { randomUUID } from 'node:crypto';
import type { Directory, MeetingAttendee, TargetScript } from './directory.js';
import { GraphError, badRequest } from './graphError.js';
import type { CallState, JsonObject, ResultInfo } from './graphShapes.js';
import type { DeliveryStep, NotificationDelivery } from './notificationDelivery.js';
import { everyoneLeft, failureResult, hungUpByBot, hungUpByPeer, nobodyJoined, notFoundResult, picksUp, replacedByGroupCall } from './outcomes.js';
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
    const operation = { id: randomUUID(), clientContext: plan.clientContext, invitees: plan.invitees };
    const first = plan.invitees[0];
    const replacing = first?.replacesCallId !== undefined;
    // A move takes someone already in a call: nothing rings. An invitation rings every invitee; it resolves once the
    // longest-ringing phone stopped.
    const scripts = replacing ? [] : plan.invitees.map((i) => this.scriptOf(i));
    const { failure, follow } = replacing ? this.moveInto(call, first) : { failure: this.firstRefusal(scripts, false), follow: undefined };
    const joined = replacing ? (failure ? [] : [first]) : plan.invitees.filter((_, n) => picksUp(scripts[n]!.outcome, false));
    this.afterRinging(call, longestRing(scripts), [
      { build: () => [operationNotification(call, operation, failure)] },
      ...(joined.length > 0 ? [this.rosterStep(call, () => ({ changed: joined.map((i) => this.addInvitee(call, i)), removed: [] }))] : []),
    ]);
    follow?.();
    return inviteOperationResponse(operation.id, operation.clientContext, plan.invitees);
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
    const joinRoster = (): RosterChange => ({
      changed: [addToRoster(call, call.myParticipantId, 'bot', call.botIdentity), ...answered.map((t) => addToRoster(call, randomUUID(), 'attendee', this.identityOf(t)))],
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
    if (ms === 0) return this.delivery.enqueue(call.id, () => call, steps);
    const timers = this.ringing.get(call.id) ?? new Set<NodeJS.Timeout>();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (timers.size === 0) this.ringing.delete(call.id);
      this.delivery.enqueue(call.id, () => call, steps);
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
    const inLobby = this.rosterStep(call, () => ({ changed: [addToRoster(call, call.myParticipantId, 'bot', call.botIdentity, true)], removed: [] }));
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

  private addInvitee(call: SimulatedCall, invitee: Invitee): RosterEntry {
    return addToRoster(call, randomUUID(), 'invitee', this.identityOf(invitee));
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
