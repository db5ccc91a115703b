import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CreateCallRequest } from '../../src/calling/graphTypes.js';
import { requiredPermission } from '../../src/calling/permissions.js';

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
});
