import type { CallingApi } from '../../../src/calling/requests/callingApi.js';
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
} from '../../../src/calling/requests/graphTypes.js';

export type RecordedRequest =
  | { method: 'createCall'; tenantId: string; body: CreateCallRequest }
  | { method: 'inviteParticipants'; tenantId: string; callId: string; body: InviteParticipantsRequest }
  | { method: 'playPrompt'; tenantId: string; callId: string; body: PlayPromptRequest }
  | { method: 'subscribeToTone'; tenantId: string; callId: string; body: SubscribeToToneRequest }
  | { method: 'getCall'; tenantId: string; callId: string }
  | { method: 'hangUp'; tenantId: string; callId: string }
  | { method: 'muteParticipant'; tenantId: string; callId: string; participantId: string; body: MuteParticipantRequest }
  | { method: 'removeParticipant'; tenantId: string; callId: string; participantId: string }
  | { method: 'getUser'; tenantId: string; idOrUserPrincipalName: string }
  | { method: 'createOrGetMeeting'; tenantId: string; organizerId: string; body: CreateOrGetOnlineMeetingRequest; language?: string };

/** A CallingApi that records what the domain asked Graph for and answers as Graph's documents do. */
export class RecordingCallingApi implements CallingApi {
  readonly requests: RecordedRequest[] = [];

  async createCall(tenantId: string, body: CreateCallRequest): Promise<Call> {
    this.requests.push({ method: 'createCall', tenantId, body });
    return { id: `call-${this.requests.length}`, state: 'establishing' };
  }

  async inviteParticipants(tenantId: string, callId: string, body: InviteParticipantsRequest): Promise<InviteParticipantsOperation> {
    this.requests.push({ method: 'inviteParticipants', tenantId, callId, body });
    return { id: `operation-${this.requests.length}`, status: 'Running', clientContext: body.clientContext };
  }

  async playPrompt(tenantId: string, callId: string, body: PlayPromptRequest): Promise<MediaOperation> {
    this.requests.push({ method: 'playPrompt', tenantId, callId, body });
    return { id: `operation-${this.requests.length}`, status: 'running', clientContext: body.clientContext };
  }

  async subscribeToTone(tenantId: string, callId: string, body: SubscribeToToneRequest): Promise<MediaOperation> {
    this.requests.push({ method: 'subscribeToTone', tenantId, callId, body });
    return { id: `operation-${this.requests.length}`, status: 'completed', clientContext: body.clientContext };
  }

  async getCall(tenantId: string, callId: string): Promise<Call> {
    this.requests.push({ method: 'getCall', tenantId, callId });
    return { id: callId, state: 'established' };
  }

  async hangUp(tenantId: string, callId: string): Promise<void> {
    this.requests.push({ method: 'hangUp', tenantId, callId });
  }

  async muteParticipant(tenantId: string, callId: string, participantId: string, body: MuteParticipantRequest): Promise<MuteParticipantOperation> {
    this.requests.push({ method: 'muteParticipant', tenantId, callId, participantId, body });
    return { id: `operation-${this.requests.length}`, status: 'completed', clientContext: body.clientContext };
  }

  async removeParticipant(tenantId: string, callId: string, participantId: string): Promise<void> {
    this.requests.push({ method: 'removeParticipant', tenantId, callId, participantId });
  }

  async getUser(tenantId: string, idOrUserPrincipalName: string): Promise<GraphUser> {
    this.requests.push({ method: 'getUser', tenantId, idOrUserPrincipalName });
    return { id: idOrUserPrincipalName };
  }

  /** One meeting per organizer and externalId, as Graph's createOrGet keeps them. */
  async createOrGetMeeting(tenantId: string, organizerId: string, body: CreateOrGetOnlineMeetingRequest, language?: string): Promise<OnlineMeeting> {
    this.requests.push({ method: 'createOrGetMeeting', tenantId, organizerId, body, ...(language === undefined ? {} : { language }) });
    const threadId = `19:meeting_${Buffer.from(`${organizerId}/${body.externalId}`).toString('hex').slice(0, 24)}@thread.v2`;
    return {
      id: `meeting-${body.externalId}`,
      joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(threadId)}/0?context=${encodeURIComponent(JSON.stringify({ Tid: tenantId, Oid: organizerId }))}`,
      subject: body.subject ?? null,
      externalId: body.externalId,
      chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId, messageId: '0' },
      joinMeetingIdSettings: { joinMeetingId: '123456789012', passcode: 'Ab12Cd', isPasscodeRequired: true },
      participants: { organizer: { identity: { user: { id: organizerId, tenantId } } } },
    };
  }

  /** The requests of one kind, in the order they were made. */
  all<M extends RecordedRequest['method']>(method: M): Extract<RecordedRequest, { method: M }>[] {
    return this.requests.filter((r): r is Extract<RecordedRequest, { method: M }> => r.method === method);
  }

  /** The one request made, which must be of the given kind. */
  only<M extends RecordedRequest['method']>(method: M): Extract<RecordedRequest, { method: M }> {
    if (this.requests.length !== 1 || this.requests[0]!.method !== method) {
      throw new Error(`expected exactly one ${method}, got ${JSON.stringify(this.requests.map((r) => r.method))}`);
    }
    return this.requests[0] as Extract<RecordedRequest, { method: M }>;
  }
}
