import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { CallingApi } from '../calling/requests/callingApi.js';
import type {
  Call,
  CreateCallRequest,
  CreateOrGetOnlineMeetingRequest,
  GraphUser,
  InviteParticipantsOperation,
  InviteParticipantsRequest,
  MediaOperation,
  OnlineMeeting,
  MuteParticipantOperation,
  MuteParticipantRequest,
  PlayPromptRequest,
  SubscribeToToneRequest,
} from '../calling/requests/graphTypes.js';
import { requiredPermission } from '../calling/requests/permissions.js';
import { currentRequestId, newRequestId } from '../log/requestContext.js';
import { GraphCallContext } from './callContext.js';
import { errorFromFailure, errorFromResponse, errorFromUnreadableBody } from './errorMapping.js';
import type { GraphOperation, RequestSubject } from './errorMapping.js';
import { createGraphClient } from './graphClient.js';
import type { GraphClientOptions } from './graphClient.js';

interface GraphRequestSpec {
  tenantId: string;
  path: string;
  body?: unknown;
  /** False when the answer is 204 No Content (DELETE). */
  expectsBody: boolean;
  headers?: Record<string, string>;
  operation: Pick<GraphOperation, 'method' | 'target' | 'subject' | 'permission'>;
}

/** CallingApi over HTTP with the Microsoft Graph client. Every failure rejects with a CallingApiError. */
export class GraphCallingApi implements CallingApi {
  private readonly client: Client;

  constructor(private readonly options: GraphClientOptions) {
    this.client = createGraphClient(options);
  }

  async createCall(tenantId: string, body: CreateCallRequest): Promise<Call> {
    const permission = requiredPermission({ kind: 'createCall', body });
    return this.send<Call>({
      tenantId,
      path: '/communications/calls',
      body,
      expectsBody: true,
      operation: { method: 'POST', target: 'newCall', subject: subjectOfCall(body), permission },
    });
  }

  async inviteParticipants(tenantId: string, callId: string, body: InviteParticipantsRequest): Promise<InviteParticipantsOperation> {
    return this.send<InviteParticipantsOperation>({
      tenantId,
      path: `${callPath(callId)}/participants/invite`,
      body,
      expectsBody: true,
      operation: {
        method: 'POST',
        target: 'call',
        subject: { kind: 'participants', phones: body.participants.some((p) => p.identity.phone != null) },
        permission: requiredPermission({ kind: 'inviteParticipants' }),
      },
    });
  }

  async playPrompt(tenantId: string, callId: string, body: PlayPromptRequest): Promise<MediaOperation> {
    return this.mediaAction(tenantId, callId, 'playPrompt', body);
  }

  async subscribeToTone(tenantId: string, callId: string, body: SubscribeToToneRequest): Promise<MediaOperation> {
    return this.mediaAction(tenantId, callId, 'subscribeToTone', body);
  }

  /** `POST /communications/calls/{id}/<action>` for the service-hosted media actions, each with its own permission. */
  private async mediaAction(tenantId: string, callId: string, action: 'playPrompt' | 'subscribeToTone', body: unknown): Promise<MediaOperation> {
    return this.send<MediaOperation>({
      tenantId,
      path: `${callPath(callId)}/${action}`,
      body,
      expectsBody: true,
      operation: { method: 'POST', target: 'call', permission: requiredPermission({ kind: action }) },
    });
  }

  async getCall(tenantId: string, callId: string): Promise<Call> {
    return this.send<Call>({ tenantId, path: callPath(callId), expectsBody: true, operation: { method: 'GET', target: 'call', permission: requiredPermission({ kind: 'getCall' }) } });
  }

  async hangUp(tenantId: string, callId: string): Promise<void> {
    await this.send<undefined>({ tenantId, path: callPath(callId), expectsBody: false, operation: { method: 'DELETE', target: 'call', permission: requiredPermission({ kind: 'hangUp' }) } });
  }

  async createOrGetMeeting(tenantId: string, organizerId: string, body: CreateOrGetOnlineMeetingRequest, language?: string): Promise<OnlineMeeting> {
    return this.send<OnlineMeeting>({
      tenantId,
      path: `${userPath(organizerId)}/onlineMeetings/createOrGet`,
      body,
      expectsBody: true,
      ...(language === undefined ? {} : { headers: { 'Accept-Language': language } }),
      operation: { method: 'POST', target: 'newMeeting', permission: requiredPermission({ kind: 'createMeeting' }) },
    });
  }

  async muteParticipant(tenantId: string, callId: string, participantId: string, body: MuteParticipantRequest): Promise<MuteParticipantOperation> {
    return this.send<MuteParticipantOperation>({
      tenantId,
      path: `${participantPath(callId, participantId)}/mute`,
      body,
      expectsBody: true,
      operation: { method: 'POST', target: 'participant', permission: requiredPermission({ kind: 'muteParticipant' }) },
    });
  }

  async removeParticipant(tenantId: string, callId: string, participantId: string): Promise<void> {
    await this.send<undefined>({
      tenantId,
      path: participantPath(callId, participantId),
      expectsBody: false,
      operation: { method: 'DELETE', target: 'participant', permission: requiredPermission({ kind: 'removeParticipant' }) },
    });
  }

  async getUser(tenantId: string, idOrUserPrincipalName: string): Promise<GraphUser> {
    return this.send<GraphUser>({
      tenantId,
      path: `${userPath(idOrUserPrincipalName)}?$select=${USER_PROPERTIES}`,
      expectsBody: true,
      operation: { method: 'GET', target: 'user', permission: requiredPermission({ kind: 'getUser' }) },
    });
  }

  private async send<T>(spec: GraphRequestSpec): Promise<T> {
    const context = new GraphCallContext(spec.tenantId);
    // The inbound request's id, so Graph's logs and Rally's name the same request; a fresh one outside any request.
    const clientRequestId = currentRequestId() ?? newRequestId();
    const operation: GraphOperation = { ...spec.operation, clientRequestId, timeoutMs: this.options.timeoutMs };
    const request = this.client
      .api(spec.path)
      .header('client-request-id', operation.clientRequestId)
      .headers(spec.headers ?? {})
      .middlewareOptions([context])
      .responseType(ResponseType.RAW);

    let response: Response;
    try {
      response = await (operation.method === 'POST' ? request.post(spec.body) : operation.method === 'DELETE' ? request.delete() : request.get());
    } catch (error) {
      throw errorFromFailure(context.failure ?? error, operation);
    }
    if (!response.ok) throw await errorFromResponse(response, operation);
    if (!spec.expectsBody) {
      await response.body?.cancel();
      return undefined as T;
    }
    try {
      const parsed: unknown = JSON.parse(await response.text());
      if (typeof parsed !== 'object' || parsed === null) throw new Error('The answer is not a JSON object.');
      return parsed as T;
    } catch (error) {
      throw errorFromUnreadableBody(response.status, error, operation);
    }
  }
}

/** What a create-call body asks for, so that a refusal can say which meeting, or that phone numbers were involved. */
function subjectOfCall(body: CreateCallRequest): RequestSubject {
  const meeting = body.meetingInfo;
  if (meeting && 'joinMeetingId' in meeting) {
    return { kind: 'meeting', joinMeetingId: meeting.joinMeetingId, passcodeSent: typeof meeting.passcode === 'string' && meeting.passcode !== '' };
  }
  if (meeting || body.chatInfo) return { kind: 'meeting', passcodeSent: false };
  return { kind: 'participants', phones: (body.targets ?? []).some((t) => t.identity.phone != null) };
}

function callPath(callId: string): string {
  return `/communications/calls/${encodeURIComponent(callId)}`;
}

function participantPath(callId: string, participantId: string): string {
  return `${callPath(callId)}/participants/${encodeURIComponent(participantId)}`;
}

/** What Rally reads of a user (GraphUser): preferredLanguage is what the page prompt speaks to them in. */
const USER_PROPERTIES = 'id,displayName,userPrincipalName,mail,preferredLanguage';

/** Graph reads a user principal name that starts with `$` only in the key form `/users('$name@contoso.com')`. */
function userPath(idOrUserPrincipalName: string): string {
  if (idOrUserPrincipalName.startsWith('$')) {
    return `/users('${encodeURIComponent(idOrUserPrincipalName.replaceAll("'", "''"))}')`;
  }
  return `/users/${encodeURIComponent(idOrUserPrincipalName)}`;
}
