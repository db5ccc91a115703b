import type { CreateCallRequest, InvitationParticipantInfo, InviteParticipantsRequest } from '../../src/calling/requests/graphTypes.js';
import { GraphCallingApi } from '../../src/graph/graphCallingApi.js';
import type { GraphClientOptions } from '../../src/graph/graphClient.js';
import { StaticTokenProvider } from '../../src/graph/tokenProvider.js';
import type { LoopbackServer } from '../support/loopbackServer.js';

function user(id: string, displayName: string): InvitationParticipantInfo {
  return { '@odata.type': '#microsoft.graph.invitationParticipantInfo', identity: { user: { id, displayName } } };
}

/** Peer-to-peer, service-hosted media (001). */
export const peerToPeerCall: CreateCallRequest = {
  '@odata.type': '#microsoft.graph.call',
  callbackUri: 'https://bot.contoso.com/api/calling',
  requestedModalities: ['audio'],
  mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
  targets: [user('8b081ef6-4792-4def-b2c9-c363a1bf41d5', 'Bob')],
};

/** Group call with two users (001). */
export const groupCall: CreateCallRequest = {
  ...peerToPeerCall,
  direction: 'outgoing',
  subject: 'Incident bridge',
  targets: [user('8b081ef6-4792-4def-b2c9-c363a1bf41d5', 'Bob'), user('98da8a1a-1b87-452c-a713-65d3f10b5555', 'Alice')],
  tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a',
};

/** Join by meeting id, with a passcode when given (001 "joinMeetingId with / without passcode"). */
export function joinById(joinMeetingId: string, passcode?: string): CreateCallRequest {
  return {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: 'https://bot.contoso.com/api/calling',
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    meetingInfo: { '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo', joinMeetingId, ...(passcode === undefined ? {} : { passcode }) },
    tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a',
  };
}

/** Join a scheduled meeting from its link: organizer and chat thread, no meeting id (001). */
export const joinByLink: CreateCallRequest = {
  '@odata.type': '#microsoft.graph.call',
  callbackUri: 'https://bot.contoso.com/api/calling',
  requestedModalities: ['audio'],
  mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
  chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId: '19:meeting_abc@thread.v2', messageId: '0' },
  meetingInfo: {
    '@odata.type': '#microsoft.graph.organizerMeetingInfo',
    organizer: { user: { id: '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96', tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a' } },
  },
  tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a',
};

/** PSTN call from the application instance that owns Rally's number (001). */
export const pstnCall: CreateCallRequest = {
  ...peerToPeerCall,
  source: { identity: { applicationInstance: { id: '3d913abb-aec0-4964-8fa6-3c6850c4f278', displayName: 'Rally' } } },
  targets: [{ '@odata.type': '#microsoft.graph.invitationParticipantInfo', identity: { phone: { id: '+14255550100' } } }],
  tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a',
};

export const inviteOne: InviteParticipantsRequest = {
  participants: [user('278405a3-f568-4b3e-b684-009193463064', 'Carol')],
  clientContext: 'f2fa86af-3c51-4bc2-8fc0-475452d9764f',
};

export const callCreated = {
  '@odata.type': '#microsoft.graph.call',
  id: '2e1a0b00-2db4-4022-9570-243709c565ab',
  state: 'establishing',
  myParticipantId: '499ff390-7a72-40e8-83a0-8fac6295ae7e',
};

/** A GraphCallingApi against a loopback server, with a fixed token and short limits so failures show fast. */
export function apiFor(server: LoopbackServer, options: Partial<GraphClientOptions> = {}): GraphCallingApi {
  return new GraphCallingApi({
    baseUrl: `${server.url}/v1.0`,
    tokenProvider: new StaticTokenProvider('test-token'),
    timeoutMs: 2_000,
    maxRetries: 3,
    ...options,
  });
}

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}
