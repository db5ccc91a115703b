// What the simulator remembers of each call it created.
import type { TargetScript } from './directory.js';
import type { CallState, JsonObject, ResultInfo } from './graphShapes.js';
import type { CreateCallPlan } from './requestChecks.js';
import type { Tone } from './tones.js';

/**
 * How a roster entry looks, after the seed that shows such a participant: `bot` and `attendee` as in 001's roster
 * (attendees with language, audio, video and screen-sharing streams, muted), `invitee` as in 000's roster after an
 * invitation (endpointType `default`, one audio stream).
 */
export type RosterStyle = 'bot' | 'attendee' | 'invitee';

export interface RosterEntry {
  id: string;
  style: RosterStyle;
  /** An identitySet: `{ '@odata.type', user | phone | application | ... }`. */
  identity: JsonObject;
  inLobby: boolean;
  /** `isMuted`: a server mute (`participant: mute`) sets it. */
  muted: boolean;
  /** Media stream source ids, allocated per call. */
  sourceIds: string[];
}

export interface SimulatedCall {
  id: string;
  /** The API version the call was created through, for Location and `@odata.context`. */
  version: string;
  kind: CreateCallPlan['kind'];
  request: JsonObject;
  tenantId: string;
  callbackUri: string;
  callChainId: string;
  myParticipantId: string;
  /** The bot's identitySet: the request's source, or the application itself. */
  botIdentity: JsonObject;
  chatInfo: JsonObject | null;
  meetingInfo: JsonObject | null;
  state: CallState;
  resultInfo: ResultInfo | null;
  roster: RosterEntry[];
  rosterSequenceNumber: number;
  nextSourceId: number;
  /** Set once the terminated notification went out; a deleted call answers 404. */
  deleted: boolean;
  /** playPrompt and subscribeToTone need Graph to host the media (serviceHostedMediaConfig). */
  serviceHostedMedia: boolean;
  /** The one person or phone a one-to-one call rang, as scripted; undefined for group calls and meetings. */
  callee?: TargetScript;
  /** The bot asked for DTMF (subscribeToTone). */
  tonesSubscribed: boolean;
  /** The latest key press notified, numbered per call from 1. */
  lastTone: { sequenceId: number; tone: Tone } | null;
}

const STATE_ORDER: CallState[] = ['establishing', 'established', 'terminating', 'terminated'];

/** Call state only moves forward, so notifications delivered out of order cannot move it back. */
export function advance(call: SimulatedCall, state: CallState): void {
  if (STATE_ORDER.indexOf(state) > STATE_ORDER.indexOf(call.state)) call.state = state;
}

/** `muted` by default for attendees, whom 001's roster shows muted. */
export function addToRoster(
  call: SimulatedCall,
  id: string,
  style: RosterStyle,
  identity: JsonObject,
  { inLobby = false, muted = style === 'attendee' }: { inLobby?: boolean; muted?: boolean } = {},
): RosterEntry {
  const streams = style === 'attendee' ? 3 : 1;
  const sourceIds = Array.from({ length: streams }, () => String(call.nextSourceId++));
  const entry: RosterEntry = { id, style, identity, inLobby, muted, sourceIds };
  call.roster.push(entry);
  return entry;
}
