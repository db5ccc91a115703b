import { sentence } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';
import type { CreateCallRequest, IdentitySet, ParticipantInfo, ServiceHostedMediaConfig } from './graphTypes.js';
import type { MeetingToJoin } from '../targets/meetingLink.js';
import { identitySetFor, invitationFor } from '../targets/people.js';
import type { AppIdentity, UserTarget } from '../targets/people.js';
import type { E164 } from '../targets/phoneNumber.js';

// Bodies for POST /communications/calls, one builder per situation the create-call document (001) shows, each
// field for field as its example. Media is always service-hosted: Rally never handles audio itself.

/** 001: "This supports up to 5 VoIP users." */
export const MAX_GROUP_CALL_USERS = 5;

export interface GuestIdentity {
  /** Any id that tells this guest apart (001: "the id can be a unique id identifying the guest identity"). */
  id: string;
  /** The name the meeting shows for the guest. */
  displayName: string;
}

/** 001 "peer-to-peer call, service-hosted media": the bot rings one Teams user. */
export function peerToPeerCall(input: { callbackUri: string; user: UserTarget }): CreateCallRequest {
  return {
    ...commonFields(input.callbackUri),
    targets: [invitationFor(input.user)],
    callOptions: { '@odata.type': '#microsoft.graph.outgoingCallOptions', isContentSharingNotificationEnabled: true },
  };
}

/**
 * 001 "group call, service-hosted media": the bot's application calls 2 to 5 Teams users at once. An escalation
 * starts one with a single new person (`forEscalation`): the peer-to-peer party joins it later by replacesCallId.
 */
export function groupCall(input: {
  callbackUri: string;
  tenantId: string;
  subject: string;
  application: AppIdentity;
  users: readonly UserTarget[];
  forEscalation?: boolean;
}): CreateCallRequest {
  const { users } = input;
  if (users.length < (input.forEscalation ? 1 : 2)) {
    throw new InvalidRequestError('groupCallTooFew', sentence('calling.request.groupCallTooFew'));
  }
  if (users.length > MAX_GROUP_CALL_USERS) {
    throw new InvalidRequestError('groupCallTooMany', sentence('calling.request.groupCallTooMany', { max: MAX_GROUP_CALL_USERS }));
  }
  return {
    ...commonFields(input.callbackUri, { removeFromDefaultAudioGroup: false }),
    direction: 'outgoing',
    subject: input.subject,
    source: participant(appIdentitySet('application', input.application)),
    targets: users.map(invitationFor),
    tenantId: input.tenantId,
  };
}

/**
 * 001 "join scheduled meeting", "join channel meeting", "join with joinMeetingId (with / without passcode)" and,
 * with `guest`, "join as guest". The body names the tenant Rally acts for on every join (the scheduled-meeting
 * example does; the channel and guest examples omit it, which Rally does not copy: it is the same request shape).
 */
export function meetingJoin(input: {
  callbackUri: string;
  tenantId: string;
  meeting: MeetingToJoin;
  guest?: GuestIdentity;
}): CreateCallRequest {
  const { meeting, guest } = input;
  return {
    ...commonFields(input.callbackUri),
    ...(guest === undefined ? {} : { source: participant(appIdentitySet('guest', guest)) }),
    ...(meeting.kind === 'organizer'
      ? {
          chatInfo: {
            '@odata.type': '#microsoft.graph.chatInfo',
            threadId: meeting.threadId,
            messageId: meeting.messageId,
            ...(meeting.replyChainMessageId === undefined ? {} : { replyChainMessageId: meeting.replyChainMessageId }),
          },
          meetingInfo: {
            '@odata.type': '#microsoft.graph.organizerMeetingInfo',
            organizer: identitySetFor({ kind: 'user', id: meeting.organizer.id, tenantId: meeting.organizer.tenantId }),
            allowConversationWithoutHost: true,
          },
        }
      : {
          meetingInfo: {
            '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo',
            joinMeetingId: meeting.meetingId,
            // Left out, not null, when the meeting has none: Rally never sends a property it has no value for.
            ...(meeting.passcode === undefined ? {} : { passcode: meeting.passcode }),
          },
        }),
    tenantId: input.tenantId,
  };
}

/** 001 "PSTN call": the application instance that owns Rally's phone number dials one number. */
export function pstnCall(input: {
  callbackUri: string;
  tenantId: string;
  applicationInstance: AppIdentity;
  number: E164;
}): CreateCallRequest {
  return {
    ...commonFields(input.callbackUri),
    source: participant(appIdentitySet('applicationInstance', input.applicationInstance)),
    targets: [invitationFor({ kind: 'phone', number: input.number })],
    tenantId: input.tenantId,
  };
}

function commonFields(callbackUri: string, media: Omit<ServiceHostedMediaConfig, '@odata.type'> = {}) {
  return {
    '@odata.type': '#microsoft.graph.call',
    callbackUri,
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig', ...media },
  } satisfies Partial<CreateCallRequest>;
}

function appIdentitySet(role: 'application' | 'applicationInstance' | 'guest', who: AppIdentity): IdentitySet {
  return {
    '@odata.type': '#microsoft.graph.identitySet',
    [role]: {
      '@odata.type': '#microsoft.graph.identity',
      id: who.id,
      ...(who.displayName === undefined ? {} : { displayName: who.displayName }),
    },
  };
}

function participant(identity: IdentitySet): ParticipantInfo {
  return { '@odata.type': '#microsoft.graph.participantInfo', identity };
}
