import { checkClientContext } from './clientContext.js';
import { sentence } from '../../i18n/sentence.js';
import type { Sentence } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';
import type { InviteParticipantsRequest } from './graphTypes.js';
import { invitationFor } from '../targets/people.js';
import type { CallTarget } from '../targets/people.js';

// Bodies for POST /communications/calls/{id}/participants/invite, one builder per situation the invite document
// (000) shows. Each takes the fresh clientContext the operation will be tracked by.

/** 000 example 2: "Inviting up to 5 participants is supported." */
export const MAX_INVITED_PARTICIPANTS = 5;

/**
 * 000 examples 1, 2 and 4: one or more users and/or phone numbers into an existing call. More than one participant
 * only works for group calls (000), which Graph enforces: the builder cannot know the kind of call.
 */
export function inviteRequest(input: { targets: readonly CallTarget[]; clientContext: string }): InviteParticipantsRequest {
  const { targets } = input;
  if (targets.length === 0) {
    throw new InvalidRequestError('inviteNobody', sentence('calling.request.inviteNobody'));
  }
  if (targets.length > MAX_INVITED_PARTICIPANTS) {
    throw new InvalidRequestError('inviteTooMany', sentence('calling.request.inviteTooMany', { max: MAX_INVITED_PARTICIPANTS }));
  }
  return { participants: targets.map(invitationFor), clientContext: checkClientContext(input.clientContext) };
}

/**
 * 000 example 3: brings the other party of a peer-to-peer call into a group call, replacing (ending) the
 * peer-to-peer call. Graph reads only the first participant of such a request and silently drops the rest, so
 * anything but exactly one is refused here.
 */
export function escalationRequest(input: {
  targets: readonly CallTarget[];
  replacesCallId: string;
  clientContext: string;
}): InviteParticipantsRequest {
  const target = onlyOne(input.targets, 'escalateOneParty', sentence('calling.request.escalateOneParty'));
  return {
    participants: [{ ...invitationFor(target), replacesCallId: requireId(input.replacesCallId, 'peerToPeerCall') }],
    clientContext: checkClientContext(input.clientContext),
  };
}

/**
 * 000 example 5: moves a participant from one meeting into another (both created by Rally's application). Graph
 * finds them by their participant id in the source call; the user is named as an Entra (`AAD`) identity.
 */
export function moveParticipantRequest(input: {
  userId: string;
  participantId: string;
  replacesCallId: string;
  clientContext: string;
}): InviteParticipantsRequest {
  return {
    participants: [
      {
        '@odata.type': '#microsoft.graph.invitationParticipantInfo',
        replacesCallId: requireId(input.replacesCallId, 'sourceCall'),
        participantId: requireId(input.participantId, 'participant'),
        identity: {
          '@odata.type': '#microsoft.graph.identitySet',
          user: { '@odata.type': '#microsoft.graph.identity', id: requireId(input.userId, 'person'), identityProvider: 'AAD' },
        },
      },
    ],
    clientContext: checkClientContext(input.clientContext),
  };
}

function onlyOne<T>(items: readonly T[], code: string, said: Sentence): T {
  const [only] = items;
  if (only === undefined || items.length !== 1) throw new InvalidRequestError(code, said);
  return only;
}

/** `what` names the missing id: each has its own sentence. */
function requireId(id: string, what: 'peerToPeerCall' | 'sourceCall' | 'participant' | 'person'): string {
  if (id.trim() === '') throw new InvalidRequestError('missingId', sentence(`calling.request.missingId.${what}`));
  return id;
}
