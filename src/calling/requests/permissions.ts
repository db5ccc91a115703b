import type { CreateCallRequest } from './graphTypes.js';

// The least-privileged Graph application permission each request needs (Graph's create-call and invite documents), so a 403
// can name the one an admin must grant, and `doctor` can check a token holds them all. Names as Entra lists them
// (001's Chinese text writes "...Calls.All": a slip). Reading and ending a call need the permission that placed it,
// by Graph's docs checked when the call is created; looking a person up needs directory read access.

export type CallingPermission =
  | 'Calls.Initiate.All'
  | 'Calls.InitiateGroupCall.All'
  | 'Calls.JoinGroupCall.All'
  | 'Calls.JoinGroupCallAsGuest.All'
  | 'Calls.AccessMedia.All';

export type GraphPermission = CallingPermission | 'User.Read.All' | 'OnlineMeetings.ReadWrite.All';

/** Every application permission Rally's requests need; a new one in the union fails the typecheck until listed. */
const NEEDED: Record<GraphPermission, true> = {
  'Calls.Initiate.All': true,
  'Calls.InitiateGroupCall.All': true,
  'Calls.JoinGroupCall.All': true,
  'Calls.JoinGroupCallAsGuest.All': true,
  // Paging hears the key press that accepts a page through subscribeToTone, which asks for it even with
  // service-hosted media (Graph's subscribeToTone document).
  'Calls.AccessMedia.All': true,
  'User.Read.All': true,
  // `bridge` creates a Teams meeting for the person who asked; a tenant admin must also grant Rally an application
  // access policy for the organizers (deploy/README.md).
  'OnlineMeetings.ReadWrite.All': true,
};

export const REQUIRED_APPLICATION_PERMISSIONS = Object.keys(NEEDED) as readonly GraphPermission[];

/** The request whose permission is asked for; invites need the same permission whatever they carry. */
export type CallingRequest =
  | { kind: 'createCall'; body: CreateCallRequest }
  | { kind: 'inviteParticipants' }
  | { kind: 'getCall' | 'hangUp' | 'playPrompt' }
  | { kind: 'subscribeToTone' }
  | { kind: 'muteParticipant' | 'removeParticipant' }
  | { kind: 'getUser' }
  | { kind: 'createMeeting' };

export function requiredPermission(request: { kind: 'createCall'; body: CreateCallRequest } | { kind: 'inviteParticipants' }): CallingPermission;
export function requiredPermission(request: CallingRequest): GraphPermission;
export function requiredPermission(request: CallingRequest): GraphPermission {
  switch (request.kind) {
    case 'inviteParticipants':
      return 'Calls.InitiateGroupCall.All';
    case 'getCall':
    case 'hangUp':
    case 'playPrompt':
      return 'Calls.Initiate.All';
    case 'subscribeToTone':
      return 'Calls.AccessMedia.All';
    // Graph's participant mute and delete documents name this one, whichever permission placed the call.
    case 'muteParticipant':
    case 'removeParticipant':
      return 'Calls.JoinGroupCall.All';
    case 'getUser':
      return 'User.Read.All';
    case 'createMeeting':
      return 'OnlineMeetings.ReadWrite.All';
    case 'createCall':
      return createCallPermission(request.body);
  }
}

function createCallPermission(body: CreateCallRequest): CallingPermission {
  if (body.source?.identity.guest) return 'Calls.JoinGroupCallAsGuest.All';
  if (body.meetingInfo || body.chatInfo) return 'Calls.JoinGroupCall.All';
  // A group call is one the application places as itself; an escalation starts one with a single target.
  if ((body.targets?.length ?? 0) > 1 || (body.direction === 'outgoing' && body.source?.identity.application)) return 'Calls.InitiateGroupCall.All';
  // Peer-to-peer with a user, and PSTN from the application instance.
  return 'Calls.Initiate.All';
}
