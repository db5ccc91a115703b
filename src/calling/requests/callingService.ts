import { randomUUID } from 'node:crypto';
import type { CallingApi } from './callingApi.js';
import { randomClientContext } from './clientContext.js';
import type { NewClientContext } from './clientContext.js';
import { groupCall, meetingJoin, peerToPeerCall, pstnCall } from './createCallRequests.js';
import { accessPolicySentence, bridgeMeetingOf } from '../bridges/bridgeMeeting.js';
import type { BridgeAsk, BridgeMeeting } from '../bridges/bridgeMeeting.js';
import { sentence } from '../../i18n/sentence.js';
import { CallingApiError, InvalidRequestError, NotConfiguredError } from '../errors.js';
import type { Call, IdentitySet, InviteParticipantsOperation, InviteParticipantsRequest } from './graphTypes.js';
import { escalationRequest, inviteRequest, moveParticipantRequest } from './inviteParticipants.js';
import { playPromptRequest, subscribeToToneRequest } from './mediaRequests.js';
import type { PromptMedia } from './mediaRequests.js';
import type { MeetingToJoin } from '../targets/meetingLink.js';
import { distinctTargets, targetKey } from '../targets/people.js';
import type { CallTarget, UserTarget } from '../targets/people.js';
import type { E164 } from '../targets/phoneNumber.js';

export interface CallingServiceOptions {
  api: CallingApi;
  /** `settings.callbackUri`. */
  callbackUri: string;
  /** The bot's application id (`settings.bot.appId`, or `LOCAL_APP_ID` in local mode): the source of group calls. */
  botAppId: string;
  botDisplayName: string;
  /** `settings.pstn`: phone numbers can be dialed only with an application instance. */
  pstn: { applicationInstanceId?: string; applicationInstanceName?: string };
  newClientContext?: NewClientContext;
  /** Ids for guest identities; a fresh one per join. */
  newGuestId?: () => string;
}

/** The query parameter of the callbackUri that names the intent a call was placed for. */
export const CALLBACK_ID_PARAMETER = 'rally';

/** An invite Graph accepted. The outcome arrives later as a notification carrying the same `clientContext`. */
export interface InviteSent {
  clientContext: string;
  operation: InviteParticipantsOperation;
  /** By targetKey: the participant id Graph's answer gave each person the invite rings, where it gave one. */
  participantIds: ReadonlyMap<string, string>;
}

/**
 * Lets the caller choose the invite's clientContext, so it can record what the operation belongs to *before* the
 * request leaves: the result notification may arrive before Graph's answer does.
 */
export interface InviteTracking {
  clientContext?: string;
}

/**
 * Builds each Graph calling request from resolved targets and sends it through the CallingApi; the use cases
 * (CallDesk) decide when. Every method names the
 * tenant whose token Graph needs; failures reject with a RallyError (`InvalidRequestError`, `NotConfiguredError`,
 * or the `CallingApiError` the Graph layer throws).
 */
export class CallingService {
  // Every method is async so that a refusal rejects the returned promise, as a Graph failure does.
  private readonly api: CallingApi;
  private readonly callbackUri: string;
  private readonly application: { id: string; displayName: string };
  private readonly pstn: CallingServiceOptions['pstn'];
  private readonly newClientContext: NewClientContext;
  private readonly newGuestId: () => string;

  constructor(private readonly options: CallingServiceOptions) {
    this.api = options.api;
    this.callbackUri = options.callbackUri;
    this.application = { id: options.botAppId, displayName: options.botDisplayName };
    this.pstn = options.pstn;
    this.newClientContext = options.newClientContext ?? randomClientContext;
    this.newGuestId = options.newGuestId ?? randomUUID;
  }

  /**
   * The same service, with Graph calling back at `callbackUri?rally=<callbackId>`: Graph posts every notification of
   * the call to exactly that URI, so the id finds the intent that placed it even if the create answer was lost.
   */
  withCallbackId(callbackId: string): CallingService {
    const url = new URL(this.options.callbackUri);
    url.searchParams.set(CALLBACK_ID_PARAMETER, callbackId);
    return new CallingService({ ...this.options, callbackUri: url.toString() });
  }

  /**
   * `call <person> ...`: one user → peer-to-peer, one number → PSTN, 2 to 5 users → group call. Repeats are dropped.
   * Numbers cannot be part of a group call (001 groups are VoIP users only): invite them once it is up.
   */
  async placeCall(tenantId: string, targets: readonly CallTarget[], options: { subject?: string } = {}): Promise<Call> {
    const distinct = distinctTargets(targets);
    const [only] = distinct;
    if (only === undefined) throw new InvalidRequestError('callNobody', sentence('calling.request.callNobody'));
    if (distinct.length === 1) return only.kind === 'phone' ? this.callPhone(tenantId, only.number) : this.callUser(tenantId, only);
    const users = distinct.filter((t): t is UserTarget => t.kind === 'user');
    if (users.length !== distinct.length) {
      throw new InvalidRequestError('groupCallPhone', sentence('calling.request.groupCallPhone'));
    }
    return this.callGroup(tenantId, users, options.subject);
  }

  async callUser(tenantId: string, user: UserTarget): Promise<Call> {
    return this.api.createCall(tenantId, peerToPeerCall({ callbackUri: this.callbackUri, user }));
  }

  async callGroup(
    tenantId: string,
    users: readonly UserTarget[],
    subject = `${this.application.displayName} call`,
    options: { forEscalation?: boolean } = {},
  ): Promise<Call> {
    return this.api.createCall(
      tenantId,
      groupCall({ callbackUri: this.callbackUri, tenantId, subject, application: this.application, users, ...options }),
    );
  }

  async callPhone(tenantId: string, number: E164): Promise<Call> {
    const applicationInstance = this.requirePstn();
    return this.api.createCall(tenantId, pstnCall({ callbackUri: this.callbackUri, tenantId, applicationInstance, number }));
  }

  /** `join <link>` (from `parseMeetingLink`), `join <meeting id> [passcode <code>]` (from `meetingById`) or `join` in a meeting's chat (from `meetingOfItsChat`). */
  async joinMeeting(tenantId: string, meeting: MeetingToJoin): Promise<Call> {
    return this.api.createCall(tenantId, meetingJoin({ callbackUri: this.callbackUri, tenantId, meeting }));
  }

  /**
   * The bridge's meeting, made for its organizer under `externalId` (the intent's id): asking again with the same id
   * gets the same meeting back, never a second one. Without the tenant's access policy the chat is told what an admin
   * must run.
   */
  async createOrGetMeeting(tenantId: string, ask: BridgeAsk, externalId: string): Promise<BridgeMeeting> {
    try {
      const meeting = await this.api.createOrGetMeeting(tenantId, ask.organizerId, { externalId, subject: ask.subject }, ask.language);
      return bridgeMeetingOf(meeting, ask, tenantId);
    } catch (error) {
      if (error instanceof CallingApiError && error.code === 'meetingAccessPolicyMissing') {
        throw new CallingApiError(error.code, accessPolicySentence(this.application.id), error.details, { cause: error });
      }
      throw error;
    }
  }

  /** Joins as a guest shown under `displayName`; the meeting may hold it in the lobby until someone admits it. */
  async joinAsGuest(tenantId: string, meeting: MeetingToJoin, displayName: string): Promise<Call> {
    const name = displayName.trim();
    if (name === '') throw new InvalidRequestError('guestNameMissing', sentence('calling.request.guestNameMissing'));
    const guest = { id: this.newGuestId(), displayName: name };
    return this.api.createCall(tenantId, meetingJoin({ callbackUri: this.callbackUri, tenantId, meeting, guest }));
  }

  /** `invite <person> ... [to <call>]`: up to 5 users and/or numbers into a call Rally is in. */
  async invite(tenantId: string, callId: string, targets: readonly CallTarget[], tracking: InviteTracking = {}): Promise<InviteSent> {
    const distinct = distinctTargets(targets);
    if (distinct.some((t) => t.kind === 'phone')) this.requirePstn();
    return this.send(tenantId, callId, (clientContext) => inviteRequest({ targets: distinct, clientContext }), tracking);
  }

  /**
   * Moves the other party of a peer-to-peer call into a group call, ending the peer-to-peer call (000 example 3:
   * an invite into the group call with `replacesCallId`).
   *
   * The chat's `escalate <person> ... [from <call>]` is two steps: `callGroup` with the new people, then, once that
   * call's notifications say it is `established` (an invite into a call still establishing fails), `escalate` with
   * the new group call and the peer-to-peer party. Waiting for `established` is the notification side's business,
   * so CallDesk composes the two rather than this class.
   */
  async escalate(
    tenantId: string,
    input: { groupCallId: string; peerToPeerCallId: string; party: CallTarget },
    tracking: InviteTracking = {},
  ): Promise<InviteSent> {
    return this.send(
      tenantId,
      input.groupCallId,
      (clientContext) => escalationRequest({ targets: [input.party], replacesCallId: input.peerToPeerCallId, clientContext }),
      tracking,
    );
  }

  /** `move <person> from <call> to <call>` (000 example 5): both meetings must have been joined by Rally's application. */
  async moveParticipant(
    tenantId: string,
    input: { fromCallId: string; toCallId: string; participantId: string; userId: string },
    tracking: InviteTracking = {},
  ): Promise<InviteSent> {
    return this.send(
      tenantId,
      input.toCallId,
      (clientContext) =>
        moveParticipantRequest({ userId: input.userId, participantId: input.participantId, replacesCallId: input.fromCallId, clientContext }),
      tracking,
    );
  }

  /**
   * Asks the other party of a call to press a key: subscribes to their key presses first (so a press during the
   * prompt is heard), then plays `prompt`. Each press then comes as a notification of the call.
   */
  async askForKeyPress(tenantId: string, callId: string, prompt: PromptMedia, clientContext: string): Promise<void> {
    await this.api.subscribeToTone(tenantId, callId, subscribeToToneRequest(`${clientContext}-tones`));
    await this.api.playPrompt(tenantId, callId, playPromptRequest({ ...prompt, clientContext: `${clientContext}-prompt` }));
  }

  /** A server mute: Graph drops their audio until they unmute themselves; the roster update shows them muted. */
  async muteParticipant(tenantId: string, callId: string, participantId: string): Promise<void> {
    await this.api.muteParticipant(tenantId, callId, participantId, { clientContext: this.newClientContext() });
  }

  /** Drops someone from the call; for someone still ringing, cancels their invite. */
  async removeParticipant(tenantId: string, callId: string, participantId: string): Promise<void> {
    return this.api.removeParticipant(tenantId, callId, participantId);
  }

  /** Ends Rally's leg of the call; in a group call or meeting, the others carry on. */
  async hangUp(tenantId: string, callId: string): Promise<void> {
    return this.api.hangUp(tenantId, callId);
  }

  async getCall(tenantId: string, callId: string): Promise<Call> {
    return this.api.getCall(tenantId, callId);
  }

  private async send(
    tenantId: string,
    callId: string,
    build: (clientContext: string) => InviteParticipantsRequest,
    tracking: InviteTracking,
  ): Promise<InviteSent> {
    const body = build(tracking.clientContext ?? this.newClientContext());
    const operation = await this.api.inviteParticipants(tenantId, callId, body);
    return { clientContext: body.clientContext, operation, participantIds: participantIdsOf(operation) };
  }

  private requirePstn(): { id: string; displayName: string } {
    const { applicationInstanceId, applicationInstanceName } = this.pstn;
    if (applicationInstanceId === undefined) {
      throw new NotConfiguredError(sentence('calling.request.pstnNotConfigured'));
    }
    return { id: applicationInstanceId, displayName: applicationInstanceName ?? this.application.displayName };
  }
}

function participantIdsOf(operation: InviteParticipantsOperation): Map<string, string> {
  const ids = new Map<string, string>();
  for (const participant of operation.participants ?? []) {
    const key = keyOf(participant.identity);
    if (key !== undefined && participant.id) ids.set(key, participant.id);
  }
  return ids;
}

/** The targetKey of the user or phone an identitySet names. */
function keyOf(identity: IdentitySet | null | undefined): string | undefined {
  if (identity?.user?.id) return targetKey({ kind: 'user', id: identity.user.id });
  if (identity?.phone?.id) return targetKey({ kind: 'phone', number: identity.phone.id as E164 });
  return undefined;
}
