import type {
  Call,
  CreateCallRequest,
  GraphUser,
  InviteParticipantsOperation,
  CreateOrGetOnlineMeetingRequest,
  InviteParticipantsRequest,
  MediaOperation,
  OnlineMeeting,
  MuteParticipantOperation,
  MuteParticipantRequest,
  PlayPromptRequest,
  SubscribeToToneRequest,
} from './graphTypes.js';

/**
 * What the calling domain needs from Microsoft Graph. `graph/` implements it over HTTP; tests pass their own.
 * Every method is app-only and names the tenant whose token it needs. Failures reject with `CallingApiError`.
 */
export interface CallingApi {
  /** `POST /communications/calls` → 201 with the call (`state: establishing`). */
  createCall(tenantId: string, body: CreateCallRequest): Promise<Call>;
  /** `POST /communications/calls/{id}/participants/invite` → 200 with a running operation. */
  inviteParticipants(tenantId: string, callId: string, body: InviteParticipantsRequest): Promise<InviteParticipantsOperation>;
  /** `POST /communications/calls/{id}/playPrompt` → 200 with a running operation; a notification says when it is done. */
  playPrompt(tenantId: string, callId: string, body: PlayPromptRequest): Promise<MediaOperation>;
  /** `POST /communications/calls/{id}/subscribeToTone` → 200; each key press then comes as a call notification. */
  subscribeToTone(tenantId: string, callId: string, body: SubscribeToToneRequest): Promise<MediaOperation>;
  /** `GET /communications/calls/{id}`. */
  getCall(tenantId: string, callId: string): Promise<Call>;
  /** `DELETE /communications/calls/{id}`. */
  hangUp(tenantId: string, callId: string): Promise<void>;
  /**
   * `POST /users/{organizerId}/onlineMeetings/createOrGet` → 201 (made) or 200 (the one with that externalId).
   * `language` (a BCP 47 tag) is sent as Accept-Language: Graph writes the meeting's join information in it.
   */
  createOrGetMeeting(tenantId: string, organizerId: string, body: CreateOrGetOnlineMeetingRequest, language?: string): Promise<OnlineMeeting>;
  /** `POST /communications/calls/{id}/participants/{participantId}/mute` → 200; group calls and meetings only. */
  muteParticipant(tenantId: string, callId: string, participantId: string, body: MuteParticipantRequest): Promise<MuteParticipantOperation>;
  /** `DELETE /communications/calls/{id}/participants/{participantId}` → 204; for someone still ringing, cancels the invite. */
  removeParticipant(tenantId: string, callId: string, participantId: string): Promise<void>;
  /** `GET /users/{id | userPrincipalName}`. */
  getUser(tenantId: string, idOrUserPrincipalName: string): Promise<GraphUser>;
}
