import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../../src/calling/errors.js';
import { distinctTargets, identitySetFor, invitationFor } from '../../../src/calling/targets/people.js';
import type { CallTarget } from '../../../src/calling/targets/people.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';

const phone = parsePhoneNumber('+14255550100').e164;

describe('people', () => {
  it('names a user by identitySet.user, with only the details given', () => {
    assert.deepStrictEqual(identitySetFor({ kind: 'user', id: 'u1' }), {
      '@odata.type': '#microsoft.graph.identitySet',
      user: { '@odata.type': '#microsoft.graph.identity', id: 'u1' },
    });
    assert.deepStrictEqual(identitySetFor({ kind: 'user', id: 'u1', displayName: 'Ann', tenantId: 't2' }).user, {
      '@odata.type': '#microsoft.graph.identity',
      id: 'u1',
      displayName: 'Ann',
      tenantId: 't2',
    });
  });

  it('names a phone number by identitySet.phone', () => {
    assert.deepStrictEqual(invitationFor({ kind: 'phone', number: phone }), {
      '@odata.type': '#microsoft.graph.invitationParticipantInfo',
      identity: { '@odata.type': '#microsoft.graph.identitySet', phone: { '@odata.type': '#microsoft.graph.identity', id: '+14255550100' } },
    });
  });

  it('refuses a user without an id', () => {
    assert.throws(() => identitySetFor({ kind: 'user', id: ' ' }), (e: unknown) => e instanceof InvalidRequestError && e.code === 'missingUserId');
  });

  it('drops repeats, keeping the first mention', () => {
    const targets: CallTarget[] = [
      { kind: 'user', id: 'ABC', displayName: 'first' },
      { kind: 'phone', number: phone },
      { kind: 'user', id: 'abc', displayName: 'again' },
      { kind: 'phone', number: parsePhoneNumber('+1 (425) 555-0100').e164 },
      { kind: 'user', id: 'def' },
    ];
    assert.deepStrictEqual(distinctTargets(targets), [targets[0], targets[1], targets[4]]);
  });
});
