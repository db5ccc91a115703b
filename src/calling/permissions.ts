import type { CreateCallRequest } from './graphTypes.js';

// The least-privileged Graph application permission each request needs (001, 000; spec/graph-calling.md), so a 403
// can name the one an admin must grant. Names as Entra lists them (001's Chinese text writes "...Calls.All": a slip).

export type CallingPermission =
  | 'Calls.Initiate.All'
  | 'Calls.InitiateGroupCall.All'
  | 'Calls.JoinGroupCall.All'
  | 'Calls.JoinGroupCallAsGuest.All';

/** The request whose permission is asked for; invites need the same permission whatever they carry. */
export type CallingRequest = { kind: 'createCall'; body: CreateCallRequest } | { kind: 'inviteParticipants' };

export function requiredPermission(request: CallingRequest): CallingPermission {
  if (request.kind === 'inviteParticipants') return 'Calls.InitiateGroupCall.All';
  const { body } = request;
  if (body.source?.identity.guest) return 'Calls.JoinGroupCallAsGuest.All';
  if (body.meetingInfo || body.chatInfo) return 'Calls.JoinGroupCall.All';
  if ((body.targets?.length ?? 0) > 1) return 'Calls.InitiateGroupCall.All';
  // Peer-to-peer with a user, and PSTN from the application instance.
  return 'Calls.Initiate.All';
}
