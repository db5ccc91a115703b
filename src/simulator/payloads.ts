// The JSON the simulator writes: responses and notifications, each shaped after the seed example that documents it
// (001 for the call object, call-state and roster notifications; 000 for invitation operations and their rosters; Graph's
// playPrompt and subscribeToTone documents for prompt operations and tone notifications).
import type { CallState, CommsNotification, CommsNotifications, JsonObject, ResultInfo } from './graphShapes.js';
import type { SimulatedPerson } from './directory.js';
import type { Invitee } from './requestChecks.js';
import type { RosterEntry, SimulatedCall } from './simulatedCall.js';
import type { Tone } from './tones.js';

const callPath = (call: SimulatedCall): string => `/communications/calls/${call.id}`;

/** chatInfo as notifications carry it (without the response's `replyChainMessageId`). */
function chatInfoForNotification(chatInfo: JsonObject): JsonObject {
  const { replyChainMessageId: _omitted, ...rest } = chatInfo;
  return rest;
}

export function callObject(call: SimulatedCall, origin: string): JsonObject {
  const request = call.request;
  const targets = Array.isArray(request.targets) ? (request.targets as JsonObject[]) : [];
  return {
    '@odata.type': '#microsoft.graph.call',
    state: call.state,
    direction: 'outgoing',
    callbackUri: call.callbackUri,
    callChainId: call.callChainId,
    callRoutes: [],
    source: {
      '@odata.type': '#microsoft.graph.participantInfo',
      identity: call.botIdentity,
      countryCode: null,
      endpointType: null,
      region: null,
      languageId: null,
    },
    targets: targets.map((t) => ({ ...t, endpointType: null, region: null, replacesCallId: null, languageId: null })),
    requestedModalities: request.requestedModalities ?? [],
    activeModalities: [],
    mediaConfig: request.mediaConfig ?? null,
    chatInfo: call.chatInfo,
    meetingInfo: call.meetingInfo,
    routingPolicies: [],
    tenantId: call.tenantId,
    myParticipantId: call.myParticipantId,
    id: call.id,
    '@odata.context': `${origin}/${call.version}/$metadata#app/calls/$entity`,
    subject: request.subject ?? null,
    terminationReason: null,
    ringingTimeoutInSeconds: null,
    mediaState: null,
    resultInfo: call.resultInfo,
    answeredBy: null,
    transcription: null,
    meetingCapability: null,
    toneInfo: call.lastTone ? toneInfo(call.lastTone) : null,
  };
}

/**
 * The `200 OK` body of an invitation (000): the participants as sent, with Graph's nulls, and `id`, the participant each
 * invitee becomes (the documents print it null, as they print every participant id).
 */
export function inviteOperationResponse(operationId: string, clientContext: string | null, invitees: Invitee[], participantIds: string[]): JsonObject {
  return {
    '@odata.type': '#microsoft.graph.inviteParticipantsOperation',
    id: operationId,
    status: 'Running',
    clientContext,
    resultInfo: null,
    participants: invitees.map(({ sent, replacesCallId, participantId }, n) => {
      const identity = (sent.identity ?? {}) as JsonObject;
      return {
        endpointType: null,
        id: participantIds[n] ?? null,
        replacesCallId: replacesCallId ?? null,
        ...(participantId === undefined ? {} : { participantId }),
        identity: {
          user: identity.user ?? null,
          guest: null,
          encrypted: null,
          onPremises: null,
          applicationInstance: null,
          application: null,
          device: null,
          phone: identity.phone ?? null,
        },
      };
    }),
  };
}

export function envelope(value: CommsNotification[]): CommsNotifications {
  return { '@odata.type': '#microsoft.graph.commsNotifications', value };
}

/** Call state changes (001 establishing/established; the call-delete document for terminating/terminated). */
export function callStateNotification(call: SimulatedCall, state: CallState, resultInfo?: ResultInfo): CommsNotification {
  const meeting = call.meetingInfo && call.chatInfo ? { chatInfo: chatInfoForNotification(call.chatInfo), meetingInfo: call.meetingInfo } : null;
  const established = state === 'established' && !meeting ? { direction: 'outgoing', tenantId: call.tenantId } : {};
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: state === 'terminated' ? 'deleted' : 'updated',
    resourceUrl: callPath(call),
    callbackUri: call.callbackUri,
    resourceData: {
      '@odata.type': '#microsoft.graph.call',
      state,
      ...established,
      ...meeting,
      ...(resultInfo ? { resultInfo } : {}),
      id: call.id,
    },
  };
}

const stream = (mediaType: string, sourceId: string, direction: string): JsonObject => ({
  '@odata.type': '#microsoft.graph.mediaStream',
  mediaType,
  sourceId,
  direction,
  serverMuted: false,
});

function participant(entry: RosterEntry): JsonObject {
  const [audio = '0', video = '0', screen = '0'] = entry.sourceIds;
  const info: JsonObject = { '@odata.type': '#microsoft.graph.participantInfo', identity: entry.identity };
  if (entry.style === 'attendee') info.languageId = 'en-US';
  if (entry.style === 'invitee') info.endpointType = 'default';
  const mediaStreams =
    entry.style === 'attendee'
      ? [stream('audio', audio, 'sendReceive'), stream('video', video, 'receiveOnly'), stream('videoBasedScreenSharing', screen, 'receiveOnly')]
      : [stream('audio', audio, 'sendReceive')];
  return {
    '@odata.type': '#microsoft.graph.participant',
    info,
    mediaStreams,
    isMuted: entry.muted,
    isInLobby: entry.inLobby,
    id: entry.id,
  };
}

/** The full roster (001, delta roster off): every participant, sent on each change. */
export function fullRosterNotification(call: SimulatedCall): CommsNotification {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'updated',
    resourceUrl: `${callPath(call)}/participants`,
    callbackUri: call.callbackUri,
    resourceData: call.roster.map(participant),
  };
}

/** A delta roster (001, delta roster on): only what changed, numbered so that the bot can apply them in order. */
export function deltaRosterNotification(call: SimulatedCall, changed: RosterEntry[], removed: RosterEntry[]): CommsNotification {
  const sequenceNumber = ++call.rosterSequenceNumber;
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'updated',
    resource: `/app/calls/${call.id}/participants`,
    resourceUrl: `${callPath(call)}/participants`,
    resourceData: [
      {
        '@odata.type': '#microsoft.graph.deltaParticipants',
        participants: [
          ...changed.map((e) => ({ ...participant(e), rosterSequenceNumber: sequenceNumber })),
          ...removed.map((e) => ({ ...participant(e), rosterSequenceNumber: sequenceNumber, removedState: { reason: 'Removed from roster' } })),
        ],
        sequenceNumber,
      },
    ],
  };
}

/** An invitation finished (000 "operation completed"); failures carry resultInfo. */
export function operationNotification(
  call: SimulatedCall,
  operation: { id: string; clientContext: string | null; invitees: Invitee[] },
  resultInfo: ResultInfo | null,
): CommsNotification {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'deleted',
    resource: `/app/calls/${call.id}/operations/${operation.id}`,
    resourceUrl: `${callPath(call)}/operations/${operation.id}`,
    resourceData: {
      '@odata.type': '#microsoft.graph.inviteParticipantsOperation',
      participants: operation.invitees.map(({ sent }) => ({ '@odata.type': '#microsoft.graph.invitationParticipantInfo', identity: sent.identity })),
      status: resultInfo ? 'failed' : 'completed',
      clientContext: operation.clientContext,
      ...(resultInfo ? { resultInfo } : {}),
      id: operation.id,
    },
  };
}

/** The `200 OK` body of `participant: mute`: the operation, completed at once (Graph's participant-mute example). */
export function muteParticipantOperationResponse(operation: { id: string; clientContext: string | null }): JsonObject {
  return { '@odata.type': '#microsoft.graph.muteParticipantOperation', id: operation.id, status: 'completed', clientContext: operation.clientContext };
}

/**
 * `GET /users/{id | userPrincipalName}`: the user's default properties, or with `$select` only the ones it names (of
 * those the simulator keeps; Graph has more), and an `@odata.context` that names them, as Graph answers.
 */
export function userObject(person: SimulatedPerson, origin: string, version: string, select?: readonly string[]): JsonObject {
  const properties: JsonObject = {
    id: person.id,
    displayName: person.displayName,
    userPrincipalName: person.userPrincipalName ?? null,
    mail: person.mail ?? null,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: person.preferredLanguage ?? null,
  };
  if (select === undefined) return { '@odata.context': `${origin}/${version}/$metadata#users/$entity`, ...properties };
  const selected = Object.fromEntries(select.filter((name) => Object.hasOwn(properties, name)).map((name) => [name, properties[name]]));
  return { '@odata.context': `${origin}/${version}/$metadata#users(${select.join(',')})/$entity`, ...selected };
}

const toneInfo = ({ sequenceId, tone }: { sequenceId: number; tone: Tone }): JsonObject => ({ '@odata.type': '#microsoft.graph.toneInfo', sequenceId, tone });

/** The `200 OK` body of playPrompt: the operation, still running. */
export function playPromptOperationResponse(operation: { id: string; clientContext: string | null }): JsonObject {
  return { '@odata.type': '#microsoft.graph.playPromptOperation', id: operation.id, status: 'running', clientContext: operation.clientContext };
}

/** The `200 OK` body of subscribeToTone: the subscription is in place at once. */
export function subscribeToToneOperationResponse(operation: { id: string; clientContext: string | null }): JsonObject {
  return { '@odata.type': '#microsoft.graph.subscribeToToneOperation', clientContext: operation.clientContext, id: operation.id, status: 'completed' };
}

/** A prompt finished playing ("Notification - operation completed" of the playPrompt document), or could not be played. */
export function promptOperationNotification(
  call: SimulatedCall,
  operation: { id: string; clientContext: string | null },
  outcome: { status: 'completed' | 'failed'; resultInfo: ResultInfo },
): CommsNotification {
  const path = `${callPath(call)}/operations/${operation.id}`;
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'deleted',
    resourceUrl: path,
    resourceData: {
      '@odata.type': '#microsoft.graph.playPromptOperation',
      '@odata.id': path,
      resultInfo: outcome.resultInfo,
      clientContext: operation.clientContext,
      status: outcome.status,
    },
  };
}

/** Someone pressed a key ("Notification - tone notification" of the subscribeToTone document). */
export function toneNotification(call: SimulatedCall, tone: { sequenceId: number; tone: Tone }): CommsNotification {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'updated',
    resourceUrl: callPath(call),
    resourceData: { '@odata.type': '#microsoft.graph.call', state: 'established', toneInfo: toneInfo(tone) },
  };
}
