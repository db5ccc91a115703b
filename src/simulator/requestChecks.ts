// Reads request bodies the way Graph does (Graph's create-call, invite, playPrompt and subscribeToTone documents): a
// body that breaks a documented rule gets `400 BadRequest` with a sentence saying which rule. What passes becomes a plan.
import { badRequest } from './graphError.js';
import type { JsonObject } from './graphShapes.js';

export type Permission =
  | 'Calls.Initiate.All'
  | 'Calls.InitiateGroupCall.All'
  | 'Calls.JoinGroupCall.All'
  | 'Calls.JoinGroupCallAsGuest.All'
  | 'Calls.AccessMedia.All'
  | 'User.Read.All'
  | 'OnlineMeetings.ReadWrite.All';

/**
 * What Rally's registration holds. `Calls.AccessMedia.All` is there for subscribeToTone (paging reads the key a person
 * presses), which needs it even on service-hosted calls; app-hosted media itself stays out of Rally's scope.
 */
export const DEFAULT_PERMISSIONS: readonly Permission[] = [
  'Calls.Initiate.All',
  'Calls.InitiateGroupCall.All',
  'Calls.JoinGroupCall.All',
  'Calls.JoinGroupCallAsGuest.All',
  'Calls.AccessMedia.All',
  'User.Read.All',
  'OnlineMeetings.ReadWrite.All',
];

export interface Invitee {
  kind: 'user' | 'phone';
  id: string;
  /** The participant exactly as sent, echoed in responses and notifications. */
  sent: JsonObject;
  replacesCallId?: string;
  participantId?: string;
}

export type MeetingRef = { threadId: string } | { joinMeetingId: string; passcode?: string };

export type CreateCallPlan = { permissions: Permission[]; body: JsonObject } & (
  | { kind: 'peerToPeer' | 'pstn' | 'group'; targets: Invitee[] }
  | { kind: 'meeting'; guest: boolean; meeting: MeetingRef }
);

export interface InvitePlan {
  invitees: Invitee[];
  clientContext: string | null;
}

/** A mediaPrompt's mediaInfo as sent: `uri` is only checked to be a string here; fetching it decides the rest. */
export interface PromptMedia {
  uri: string;
  resourceId?: string;
}

export interface PlayPromptPlan {
  prompts: PromptMedia[];
  clientContext: string | null;
}

export interface SubscribeToTonePlan {
  clientContext: string | null;
}

const MAX_GROUP_TARGETS = 5;
const MAX_PROMPTS = 20;
const MAX_CLIENT_CONTEXT = 256;
const E164 = /^\+[1-9]\d{1,14}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MODALITIES = new Set(['audio', 'video', 'videoBasedScreenSharing', 'data']);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw badRequest(`${where} must be an object.`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${where} must be a non-empty string.`);
  return value;
}

function odataType(value: JsonObject, expected: string, where: string): void {
  if (value['@odata.type'] !== expected) throw badRequest(`${where} must have "@odata.type": "${expected}".`);
}

/** The one identity an identitySet carries, of the kinds allowed here. */
function soleIdentity(set: unknown, allowed: readonly string[], where: string): { kind: string; id: string } {
  const identitySet = object(set, where);
  const present = Object.keys(identitySet).filter((k) => k !== '@odata.type' && identitySet[k] !== null && identitySet[k] !== undefined);
  const [kind, ...more] = present;
  if (kind === undefined || more.length > 0 || !allowed.includes(kind)) {
    throw badRequest(`${where} must hold exactly one of ${allowed.join(', ')}.`);
  }
  const id = text(object(identitySet[kind], `${where}.${kind}`).id, `${where}.${kind}.id`);
  if (kind === 'phone' && !E164.test(id)) throw badRequest(`${where}.phone.id must be an E.164 number such as +12345678901.`);
  return { kind, id };
}

function invitee(value: unknown, where: string): Invitee {
  const info = object(value, where);
  odataType(info, '#microsoft.graph.invitationParticipantInfo', where);
  const { kind, id } = soleIdentity(info.identity, ['user', 'phone'], `${where}.identity`);
  const optional = (key: string): string | undefined => (info[key] == null ? undefined : text(info[key], `${where}.${key}`));
  return { kind: kind as Invitee['kind'], id, sent: info, replacesCallId: optional('replacesCallId'), participantId: optional('participantId') };
}

/** The simulator never sends traffic beyond this machine: it only connects to loopback http addresses. */
export const LOOPBACK_RULE = 'an http:// address on 127.0.0.1, localhost or [::1]';

export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

function callbackUri(value: unknown): void {
  const raw = text(value, 'callbackUri');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('callbackUri must be an absolute URL.');
  }
  if (!isLoopbackHttp(url)) throw badRequest(`callbackUri must be ${LOOPBACK_RULE}: the simulator only calls back on this machine.`);
}

function clientContextOf(body: JsonObject): string | null {
  const clientContext = body.clientContext == null ? null : text(body.clientContext, 'clientContext');
  if (clientContext !== null && clientContext.length > MAX_CLIENT_CONTEXT) throw badRequest(`clientContext must be at most ${MAX_CLIENT_CONTEXT} characters.`);
  return clientContext;
}

function mediaPermissions(value: unknown): Permission[] {
  const media = object(value, 'mediaConfig');
  if (media['@odata.type'] === '#microsoft.graph.serviceHostedMediaConfig') return [];
  if (media['@odata.type'] === '#microsoft.graph.appHostedMediaConfig') {
    text(media.blob, 'mediaConfig.blob');
    return ['Calls.AccessMedia.All'];
  }
  throw badRequest('mediaConfig must be a #microsoft.graph.serviceHostedMediaConfig or #microsoft.graph.appHostedMediaConfig.');
}

function meetingRef(body: JsonObject): MeetingRef {
  const info = object(body.meetingInfo, 'meetingInfo');
  if (info['@odata.type'] === '#microsoft.graph.organizerMeetingInfo') {
    soleIdentity(info.organizer, ['user'], 'meetingInfo.organizer');
    const chat = object(body.chatInfo, 'chatInfo (required with organizerMeetingInfo)');
    odataType(chat, '#microsoft.graph.chatInfo', 'chatInfo');
    text(chat.messageId, 'chatInfo.messageId');
    return { threadId: text(chat.threadId, 'chatInfo.threadId') };
  }
  if (info['@odata.type'] === '#microsoft.graph.joinMeetingIdMeetingInfo') {
    const joinMeetingId = text(info.joinMeetingId, 'meetingInfo.joinMeetingId');
    return info.passcode == null ? { joinMeetingId } : { joinMeetingId, passcode: text(info.passcode, 'meetingInfo.passcode') };
  }
  throw badRequest('meetingInfo must be a #microsoft.graph.organizerMeetingInfo or #microsoft.graph.joinMeetingIdMeetingInfo.');
}

export function checkCreateCall(value: unknown): CreateCallPlan {
  const body = object(value, 'The request body');
  odataType(body, '#microsoft.graph.call', 'The call');
  callbackUri(body.callbackUri);
  const modalities = body.requestedModalities;
  if (!Array.isArray(modalities) || modalities.length === 0 || !modalities.every((m) => typeof m === 'string' && MODALITIES.has(m))) {
    throw badRequest('requestedModalities must list at least one of audio, video, videoBasedScreenSharing, data.');
  }
  const media = mediaPermissions(body.mediaConfig);
  if (body.tenantId != null) text(body.tenantId, 'tenantId');
  let sourceKind: string | undefined;
  if (body.source != null) {
    const source = object(body.source, 'source');
    odataType(source, '#microsoft.graph.participantInfo', 'source');
    sourceKind = soleIdentity(source.identity, ['application', 'applicationInstance', 'guest'], 'source.identity').kind;
  }

  const hasTargets = body.targets != null;
  if (hasTargets === (body.meetingInfo != null)) throw badRequest('A call has either targets or meetingInfo, not both and not neither.');
  if (!hasTargets) {
    const guest = sourceKind === 'guest';
    const join: Permission = guest ? 'Calls.JoinGroupCallAsGuest.All' : 'Calls.JoinGroupCall.All';
    return { kind: 'meeting', guest, meeting: meetingRef(body), permissions: [join, ...media], body };
  }

  if (!Array.isArray(body.targets) || body.targets.length === 0) throw badRequest('targets must list at least one participant.');
  const targets = body.targets.map((t, i) => invitee(t, `targets[${i}]`));
  if (sourceKind === 'guest') throw badRequest('A guest identity can only join a meeting (meetingInfo), not call targets.');
  if (targets.some((t) => t.kind === 'phone')) {
    if (targets.length > 1) throw badRequest('A PSTN call has exactly one phone target.');
    if (sourceKind !== 'applicationInstance') throw badRequest('A PSTN call needs source.identity.applicationInstance: the application instance that owns the phone number.');
    if (body.tenantId == null) throw badRequest('A PSTN call needs tenantId.');
    return { kind: 'pstn', targets, permissions: ['Calls.Initiate.All', ...media], body };
  }
  if (targets.length > MAX_GROUP_TARGETS) throw badRequest(`A group call supports at most ${MAX_GROUP_TARGETS} VoIP targets.`);
  // 001's group call is the one the application places as itself (source + outgoing); it may start with one target.
  const kind = targets.length > 1 || (sourceKind === 'application' && body.direction === 'outgoing') ? 'group' : 'peerToPeer';
  const permission: Permission = kind === 'group' ? 'Calls.InitiateGroupCall.All' : 'Calls.Initiate.All';
  return { kind, targets, permissions: [permission, ...media], body };
}

export function checkInvite(value: unknown): InvitePlan {
  const body = object(value, 'The request body');
  if (!Array.isArray(body.participants) || body.participants.length === 0) throw badRequest('participants must list at least one participant.');
  const invitees = body.participants.map((p, i) => invitee(p, `participants[${i}]`));
  const clientContext = clientContextOf(body);
  const first = invitees[0];
  // With replacesCallId (escalation or move) Graph reads only the first participant and ignores the rest (000).
  if (first?.replacesCallId !== undefined) return { invitees: [first], clientContext };
  if (invitees.length > MAX_GROUP_TARGETS) throw badRequest(`At most ${MAX_GROUP_TARGETS} participants can be invited at once.`);
  return { invitees, clientContext };
}

function prompt(value: unknown, where: string): PromptMedia {
  const mediaPrompt = object(value, where);
  // prompts is a collection of the abstract prompt type: only the @odata.type tells Graph it is a mediaPrompt.
  odataType(mediaPrompt, '#microsoft.graph.mediaPrompt', where);
  const info = object(mediaPrompt.mediaInfo, `${where}.mediaInfo`);
  if (info['@odata.type'] != null) odataType(info, '#microsoft.graph.mediaInfo', `${where}.mediaInfo`);
  const uri = text(info.uri, `${where}.mediaInfo.uri`);
  return info.resourceId == null ? { uri } : { uri, resourceId: text(info.resourceId, `${where}.mediaInfo.resourceId`) };
}

export function checkPlayPrompt(value: unknown): PlayPromptPlan {
  const body = object(value, 'The request body');
  if (!Array.isArray(body.prompts) || body.prompts.length === 0) throw badRequest('prompts must list at least one #microsoft.graph.mediaPrompt.');
  if (body.prompts.length > MAX_PROMPTS) throw badRequest(`prompts must list at most ${MAX_PROMPTS} prompts.`);
  return { prompts: body.prompts.map((p, i) => prompt(p, `prompts[${i}]`)), clientContext: clientContextOf(body) };
}

export function checkSubscribeToTone(value: unknown): SubscribeToTonePlan {
  return { clientContext: clientContextOf(object(value, 'The request body')) };
}

/** `participant: mute` takes what subscribeToTone does: an optional clientContext. */
export const checkMuteParticipant: (value: unknown) => { clientContext: string | null } = checkSubscribeToTone;
