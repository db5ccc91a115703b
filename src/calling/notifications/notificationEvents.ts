// What Graph's calling notifications tell Rally, once read and checked (`parseCommsNotifications`): one event per
// thing that happened, with the Graph shapes reduced to what Rally acts on.
import type { CallState } from '../requests/graphTypes.js';

/** `resultInfo` with `code`/`subcode` as numbers whatever the wire had (strings in documents, integers in traffic). */
export interface ResultSummary {
  code?: number;
  subcode?: number;
  message?: string;
}

/** Which identity of an identitySet names the participant; bots (application, applicationInstance) are `app`. */
export type ParticipantKind = 'user' | 'phone' | 'guest' | 'app' | 'other';

export interface ParticipantIdentity {
  kind: ParticipantKind;
  /** Entra object id for users, the E.164 number for phones, the app or guest id otherwise. */
  id?: string;
  displayName?: string;
}

/** A roster entry as a notification carries it. */
export interface NotifiedParticipant {
  /**
   * The Graph participant id, or, when the notification has none (the invite examples send `id: null`), a key made
   * from the identity (`user:<id>`), so the same person is recognised across notifications either way.
   */
  key: string;
  participantId?: string;
  identity: ParticipantIdentity;
  isMuted: boolean;
  isInLobby: boolean;
  /** Delta roster only. */
  rosterSequenceNumber?: number;
  /** Present when the participant left; `reason` is Graph's text, if it gave one. */
  removed?: { reason?: string };
}

export type ChangeType = 'created' | 'updated' | 'deleted';

/** `/communications/calls/{id}`: the call's state moved, or the call is gone (`deleted`, then `state` is `terminated`). */
export interface CallStateEvent {
  kind: 'callState';
  callId: string;
  changeType: ChangeType;
  /** Absent when the notification changed something else about the call. */
  state?: CallState;
  resultInfo?: ResultSummary;
  /** A key the other party pressed (only after Rally subscribed to tones on the call). */
  keyPress?: KeyPress;
}

/** `toneInfo`: `tone` as Graph names it (`tone1`, `star`, …), `sequenceId` counting up per call. */
export interface KeyPress {
  tone: string;
  sequenceId: number;
}

export type OperationResultStatus = 'notStarted' | 'running' | 'completed' | 'failed';

/** `/communications/calls/{id}/operations/{opId}` (or `.../operations/participants`): an operation Rally started moved on. */
export interface OperationEvent {
  kind: 'operation';
  callId: string;
  changeType: ChangeType;
  /** `null` in some documented notifications: correlate by `clientContext`. */
  operationId: string | null;
  /** `@odata.type` without the namespace, e.g. `inviteParticipantsOperation`. */
  operationType?: string;
  status: OperationResultStatus;
  clientContext?: string;
  resultInfo?: ResultSummary;
  participants: ParticipantIdentity[];
}

/** A full roster: everyone in the call now (the default roster mode). */
export interface RosterEvent {
  kind: 'roster';
  callId: string;
  participants: NotifiedParticipant[];
}

/** A delta roster update: only the participants that changed, numbered so that stale updates can be recognised. */
export interface RosterDeltaEvent {
  kind: 'rosterDelta';
  callId: string;
  sequenceNumber: number;
  participants: NotifiedParticipant[];
}

/** `/communications/calls/{id}/contentsharingsessions`: someone started, changed or stopped sharing. */
export interface ContentSharingEvent {
  kind: 'contentSharing';
  callId: string;
  changeType: ChangeType;
  sessionIds: string[];
}

/** A well-formed notification about something Rally does not follow; the edge may log it. */
export interface IgnoredNotification {
  kind: 'ignored';
  resourceUrl: string;
  changeType: ChangeType;
  reason: string;
}

export type CallNotificationEvent = CallStateEvent | OperationEvent | RosterEvent | RosterDeltaEvent | ContentSharingEvent;

export type NotificationEvent = CallNotificationEvent | IgnoredNotification;
