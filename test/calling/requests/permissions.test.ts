import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CreateCallRequest } from '../../../src/calling/requests/graphTypes.js';
import { groupCall } from '../../../src/calling/requests/createCallRequests.js';
import { REQUIRED_APPLICATION_PERMISSIONS, requiredPermission } from '../../../src/calling/requests/permissions.js';

// Classified from the documents' own bodies, so the rules hold for exactly what 001 sends.
function example(name: string): CreateCallRequest {
  return JSON.parse(readFileSync(new URL(`./seedExamples/${name}.json`, import.meta.url), 'utf8')) as CreateCallRequest;
}

describe('requiredPermission', () => {
  const cases: [string, string][] = [
    ['create-call-peer-to-peer-service-hosted', 'Calls.Initiate.All'],
    ['create-call-pstn', 'Calls.Initiate.All'],
    ['create-call-group-service-hosted', 'Calls.InitiateGroupCall.All'],
    ['create-call-join-scheduled-meeting', 'Calls.JoinGroupCall.All'],
    ['create-call-join-channel-meeting', 'Calls.JoinGroupCall.All'],
    ['create-call-join-meeting-id-with-passcode', 'Calls.JoinGroupCall.All'],
    ['create-call-join-meeting-id-without-passcode', 'Calls.JoinGroupCall.All'],
    ['create-call-join-as-guest', 'Calls.JoinGroupCallAsGuest.All'],
  ];
  for (const [name, permission] of cases) {
    it(`${name} needs ${permission}`, () => {
      assert.equal(requiredPermission({ kind: 'createCall', body: example(name) }), permission);
    });
  }

  it('an invite needs Calls.InitiateGroupCall.All', () => {
    assert.equal(requiredPermission({ kind: 'inviteParticipants' }), 'Calls.InitiateGroupCall.All');
  });

  it('the group call an escalation starts with one new person still needs Calls.InitiateGroupCall.All', () => {
    const body = groupCall({
      callbackUri: 'https://bot.contoso.com/api/calling',
      tenantId: 't',
      subject: 'Escalation',
      application: { id: 'app', displayName: 'Rally' },
      users: [{ kind: 'user', id: 'u1' }],
      forEscalation: true,
    });
    assert.equal(requiredPermission({ kind: 'createCall', body }), 'Calls.InitiateGroupCall.All');
  });

  it('reading or ending a call needs Calls.Initiate.All and looking a person up User.Read.All', () => {
    assert.equal(requiredPermission({ kind: 'getCall' }), 'Calls.Initiate.All');
    assert.equal(requiredPermission({ kind: 'hangUp' }), 'Calls.Initiate.All');
    assert.equal(requiredPermission({ kind: 'getUser' }), 'User.Read.All');
  });

  it('playing a prompt needs the permission that placed the call; hearing key presses needs Calls.AccessMedia.All', () => {
    assert.equal(requiredPermission({ kind: 'playPrompt' }), 'Calls.Initiate.All');
    assert.equal(requiredPermission({ kind: 'subscribeToTone' }), 'Calls.AccessMedia.All');
  });

  it('lists every permission doctor must find in a token once', () => {
    assert.deepEqual([...REQUIRED_APPLICATION_PERMISSIONS].sort(), [
      'Calls.AccessMedia.All',
      'Calls.Initiate.All',
      'Calls.InitiateGroupCall.All',
      'Calls.JoinGroupCall.All',
      'Calls.JoinGroupCallAsGuest.All',
      'OnlineMeetings.ReadWrite.All',
      'User.Read.All',
    ]);
  });
});
