// Types for every Microsoft Graph cloud-communications payload Rally sends or reads.
// Names and shapes follow the Graph v1.0 metadata (Microsoft Graph's create-call and participant-invite documents, v1.0 and beta).

export interface Identity {
  '@odata.type'?: '#microsoft.graph.identity';
  id?: string;
  displayName?: string;
  tenantId?: string;
  /** Beta and the move example send `AAD`. */
  identityProvider?: 'AAD';
}

export interface IdentitySet {
  '@odata.type'?: '#microsoft.graph.identitySet';
  user?: Identity | null;
  application?: Identity | null;
  applicationInstance?: Identity | null;
  phone?: Identity | null;
  guest?: Identity | null;
  device?: Identity | null;
}

export interface InvitationParticipantInfo {
  '@odata.type': '#microsoft.graph.invitationParticipantInfo';
  identity: IdentitySet;
  replacesCallId?: string | null;
  participantId?: string | null;
  hidden?: boolean;
  endpointType?: string | null;
}

export interface ParticipantInfo {
  '@odata.type'?: '#microsoft.graph.participantInfo';
  identity: IdentitySet;
  endpointType?: string | null;
  languageId?: string | null;
  region?: string | null;
  participantId?: string | null;
}

export interface ServiceHostedMediaConfig {
  '@odata.type': '#microsoft.graph.serviceHostedMediaConfig';
  /** Declared only in beta metadata although v1.0 examples send it (spec: known slips). */
  removeFromDefaultAudioGroup?: boolean;
  preFetchMedia?: { uri: string; resourceId: string }[];
}

export interface ChatInfo {
  '@odata.type': '#microsoft.graph.chatInfo';
  threadId: string;
  messageId: string;
  replyChainMessageId?: string | null;
}

export interface OrganizerMeetingInfo {
  '@odata.type': '#microsoft.graph.organizerMeetingInfo';
  organizer: IdentitySet;
  allowConversationWithoutHost?: boolean;
}

export interface JoinMeetingIdMeetingInfo {
  '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo';
  joinMeetingId: string;
  passcode?: string | null;
}

export type MeetingInfo = OrganizerMeetingInfo | JoinMeetingIdMeetingInfo;

export interface OutgoingCallOptions {
  '@odata.type': '#microsoft.graph.outgoingCallOptions';
  isContentSharingNotificationEnabled?: boolean;
}

export type Modality = 'audio' | 'video' | 'videoBasedScreenSharing' | 'data';

export type CallState =
  | 'incoming'
  | 'establishing'
  | 'established'
  | 'hold'
  | 'transferring'
  | 'transferAccepted'
  | 'redirecting'
  | 'terminating'
  | 'terminated';

export interface ResultInfo {
  '@odata.type'?: '#microsoft.graph.resultInfo';
  /** Integers in real traffic, strings in some documents (spec: known slips). */
  code?: number | string | null;
  subcode?: number | string | null;
  message?: string | null;
}

/** Body of `POST /communications/calls`. */
export interface CreateCallRequest {
  '@odata.type': '#microsoft.graph.call';
  callbackUri: string;
  requestedModalities: Modality[];
  mediaConfig: ServiceHostedMediaConfig;
  direction?: 'outgoing';
  subject?: string;
  source?: ParticipantInfo;
  targets?: InvitationParticipantInfo[];
  chatInfo?: ChatInfo;
  meetingInfo?: MeetingInfo;
  callOptions?: OutgoingCallOptions;
  tenantId?: string;
}

/** The call object Graph answers with (201 on create, 200 on get) and sends in notifications. */
export interface Call {
  '@odata.type'?: '#microsoft.graph.call';
  id: string;
  state?: CallState;
  direction?: 'incoming' | 'outgoing';
  callbackUri?: string;
  subject?: string | null;
  source?: ParticipantInfo | null;
  targets?: InvitationParticipantInfo[] | null;
  requestedModalities?: Modality[];
  mediaConfig?: ServiceHostedMediaConfig | null;
  chatInfo?: ChatInfo | null;
  meetingInfo?: MeetingInfo | null;
  tenantId?: string | null;
  myParticipantId?: string | null;
  resultInfo?: ResultInfo | null;
  toneInfo?: ToneInfo | null;
}

/** A key the other party pressed, as a tone notification carries it (`subscribeToTone`). */
export interface ToneInfo {
  '@odata.type'?: '#microsoft.graph.toneInfo';
  /** Counts up per call, so a repeated notification can be recognised. */
  sequenceId: number;
  /** `tone0`…`tone9`, `star`, `pound`, `a`…`d`, `flash`. */
  tone: string;
}

/** One audio file service-hosted media plays: Graph downloads it from `uri`. */
export interface MediaPrompt {
  '@odata.type': '#microsoft.graph.mediaPrompt';
  mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo'; uri: string; resourceId?: string };
}

/** Body of `POST /communications/calls/{id}/playPrompt`. */
export interface PlayPromptRequest {
  /** At most 20. */
  prompts: MediaPrompt[];
  clientContext: string;
}

/** Body of `POST /communications/calls/{id}/subscribeToTone`. */
export interface SubscribeToToneRequest {
  clientContext: string;
}

/** What `playPrompt` and `subscribeToTone` answer: the operation, `running` or already `completed`. */
export interface MediaOperation {
  '@odata.type'?: '#microsoft.graph.playPromptOperation' | '#microsoft.graph.subscribeToToneOperation';
  id: string | null;
  status: string;
  clientContext?: string | null;
  resultInfo?: ResultInfo | null;
}

/** Body of `POST /communications/calls/{id}/participants/invite`. */
export interface InviteParticipantsRequest {
  participants: InvitationParticipantInfo[];
  /** Unique, at most 256 characters: how Rally finds the chat and request an operation result belongs to. */
  clientContext: string;
}

export type OperationStatus = 'notStarted' | 'running' | 'completed' | 'failed';

export interface InviteParticipantsOperation {
  '@odata.type'?: '#microsoft.graph.inviteParticipantsOperation';
  /** `null` in some documented notifications: correlate by clientContext. */
  id: string | null;
  /** `Running` in responses, `completed`/`failed` in notifications: compare case-insensitively. */
  status: string;
  clientContext?: string | null;
  resultInfo?: ResultInfo | null;
  participants?: InvitedParticipant[] | null;
}

/**
 * A participant as an invite's answer lists it: the invitation as sent, and `id`, the participant Graph made for them,
 * by which a ring still going is cancelled (`DELETE …/participants/{id}`). The documents print it `null`, as they
 * print every participant id in their examples.
 */
export interface InvitedParticipant {
  id?: string | null;
  identity?: IdentitySet | null;
  replacesCallId?: string | null;
  participantId?: string | null;
  endpointType?: string | null;
}

/** Body of `POST /communications/calls/{id}/participants/{participantId}/mute`. */
export interface MuteParticipantRequest {
  clientContext: string;
}

/** What `participant: mute` answers; the roster update that follows shows the person muted. */
export interface MuteParticipantOperation {
  '@odata.type'?: '#microsoft.graph.muteParticipantOperation';
  id: string | null;
  status: string;
  clientContext?: string | null;
  resultInfo?: ResultInfo | null;
}

export interface MediaStream {
  mediaType?: string;
  label?: string | null;
  sourceId?: string;
  direction?: string;
  serverMuted?: boolean;
}

export interface Participant {
  '@odata.type'?: '#microsoft.graph.participant';
  id: string;
  info: ParticipantInfo;
  mediaStreams?: MediaStream[];
  isMuted?: boolean;
  isInLobby?: boolean;
  rosterSequenceNumber?: number;
  removedState?: { reason?: string | null } | null;
}

export interface DeltaParticipants {
  '@odata.type': '#microsoft.graph.deltaParticipants';
  sequenceNumber: number;
  participants: Participant[];
}

export interface CommsNotification {
  '@odata.type'?: '#microsoft.graph.commsNotification';
  changeType: 'created' | 'updated' | 'deleted';
  /** Deprecated `/app/...` path. */
  resource?: string;
  resourceUrl: string;
  callbackUri?: string;
  resourceData: unknown;
}

export interface CommsNotifications {
  '@odata.type'?: '#microsoft.graph.commsNotifications';
  value: CommsNotification[];
}

/** What Rally reads of `GET /users/{id | userPrincipalName}`. */
export interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  /** The user's preferred language and region, e.g. `en-US`, when their profile names one. */
  preferredLanguage?: string | null;
}

/**
 * `POST /users/{organizer}/onlineMeetings/createOrGet`: a standalone Teams meeting (on nobody's calendar). Graph answers
 * the same meeting for the same `externalId` and organizer, which is what lets Rally ask again after a crash without
 * making a second meeting. With no times, Graph starts it now and ends it an hour later.
 */
export interface CreateOrGetOnlineMeetingRequest {
  externalId: string;
  subject?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface JoinMeetingIdSettings {
  joinMeetingId?: string | null;
  passcode?: string | null;
  isPasscodeRequired?: boolean | null;
}

/** The parts of Graph's `onlineMeeting` Rally reads. */
export interface OnlineMeeting {
  id: string;
  joinWebUrl: string;
  subject?: string | null;
  externalId?: string | null;
  chatInfo: ChatInfo;
  joinMeetingIdSettings?: JoinMeetingIdSettings | null;
  participants?: { organizer?: { identity?: IdentitySet | null; upn?: string | null } | null } | null;
}
