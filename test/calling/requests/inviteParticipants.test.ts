import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../../src/calling/errors.js';
import { escalationRequest, inviteRequest, moveParticipantRequest } from '../../../src/calling/requests/inviteParticipants.js';
import type { CallTarget } from '../../../src/calling/targets/people.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';

const users = (n: number): CallTarget[] => Array.from({ length: n }, (_, i) => ({ kind: 'user', id: `user-${i}` }));

function refusedWith(code: string, build: () => unknown): void {
  assert.throws(build, (e: unknown) => e instanceof InvalidRequestError && e.code === code && e.userMessage.length > 0);
}

describe('inviteRequest', () => {
  it('invites users and phone numbers together, up to five', () => {
    const targets: CallTarget[] = [...users(4), { kind: 'phone', number: parsePhoneNumber('+442079460958').e164 }];
    const request = inviteRequest({ targets, clientContext: 'ctx' });
    assert.equal(request.clientContext, 'ctx');
    assert.deepStrictEqual(
      request.participants.map((p) => p.identity.user?.id ?? p.identity.phone?.id),
      ['user-0', 'user-1', 'user-2', 'user-3', '+442079460958'],
    );
    assert.ok(request.participants.every((p) => p.replacesCallId === undefined && p.participantId === undefined));
  });

  it('refuses nobody and more than five', () => {
    refusedWith('inviteNobody', () => inviteRequest({ targets: [], clientContext: 'ctx' }));
    refusedWith('inviteTooMany', () => inviteRequest({ targets: users(6), clientContext: 'ctx' }));
  });

  it('refuses a clientContext Graph would reject', () => {
    refusedWith('invalidClientContext', () => inviteRequest({ targets: users(1), clientContext: 'x'.repeat(257) }));
  });
});

describe('escalationRequest', () => {
  it('sets replacesCallId on its one participant', () => {
    const request = escalationRequest({ targets: users(1), replacesCallId: 'p2p', clientContext: 'ctx' });
    assert.equal(request.participants.length, 1);
    assert.equal(request.participants[0]!.replacesCallId, 'p2p');
  });

  it('refuses anything but exactly one participant, which Graph would silently drop', () => {
    refusedWith('escalateOneParty', () => escalationRequest({ targets: users(2), replacesCallId: 'p2p', clientContext: 'ctx' }));
    refusedWith('escalateOneParty', () => escalationRequest({ targets: [], replacesCallId: 'p2p', clientContext: 'ctx' }));
  });

  it('refuses a missing peer-to-peer call id', () => {
    refusedWith('missingId', () => escalationRequest({ targets: users(1), replacesCallId: '', clientContext: 'ctx' }));
  });
});

describe('moveParticipantRequest', () => {
  const move = { userId: 'u', participantId: 'p', replacesCallId: 'from', clientContext: 'ctx' };

  it('names the participant in the source call and the user as an AAD identity', () => {
    const [participant] = moveParticipantRequest(move).participants;
    assert.equal(participant!.replacesCallId, 'from');
    assert.equal(participant!.participantId, 'p');
    assert.deepStrictEqual(participant!.identity.user, { '@odata.type': '#microsoft.graph.identity', id: 'u', identityProvider: 'AAD' });
  });

  for (const key of ['userId', 'participantId', 'replacesCallId'] as const) {
    it(`refuses an empty ${key}`, () => refusedWith('missingId', () => moveParticipantRequest({ ...move, [key]: ' ' })));
  }
});
