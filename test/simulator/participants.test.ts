import assert from 'node:assert/strict';
import { waitFor } from '../support/waitFor.js';
import { Harness, assertIncludes, groupCall, invitation, peerToPeerCall, people, testDirectory } from './simulatorHarness.js';
import type { Notification } from './simulatorHarness.js';
import type { GraphSimulatorOptions } from '../../src/simulator/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

/** Rings until the test is over: an invite to him is still ringing whenever the test cancels it. */
const lee = { id: 'f6666666-0000-4000-8000-000000000006', displayName: 'Lee Rings', userPrincipalName: 'lee@contoso.test', outcome: 'noAnswer' as const, ringsForMs: 60_000 };
/** Rings briefly, then answers: an invitation with him in it settles once his ring ends. */
const frank = { id: 'f7777777-0000-4000-8000-000000000007', displayName: 'Frank Answers Later', userPrincipalName: 'frank@contoso.test', outcome: 'answer' as const, ringsForMs: 300 };

const userIdOf = (p: Json): string | undefined => p.info.identity.user?.id;

describe('simulator: mute and remove participants', () => {
  let h: Harness;
  const start = async (options: GraphSimulatorOptions = {}) => {
    h = await Harness.start({ directory: { ...testDirectory, people: [...(testDirectory.people ?? []), lee, frank] }, ...options });
  };
  afterEach(() => h.close());

  /** A group call with Alice and Erin, established, and the participant each of them is. */
  async function groupCallWithAliceAndErin(): Promise<{ callId: string; alice: Json; erin: Json }> {
    const { body } = await h.createCall(groupCall(people.alice, people.erin));
    const roster = h.rostersOf(body.id).at(-1)!.resourceData as Json[];
    return { callId: body.id, alice: roster.find((p) => userIdOf(p) === people.alice.id), erin: roster.find((p) => userIdOf(p) === people.erin.id) };
  }

  const latestRoster = (callId: string): Json[] => h.rostersOf(callId).at(-1)!.resourceData;
  const operationsOf = (callId: string): Notification[] => h.notificationsFor(callId).filter((n) => n.resourceUrl.includes('/operations/'));

  describe('mute', () => {
    beforeEach(() => start());

    it('answers 200 with a completed muteParticipantOperation, then a signed roster update shows the person muted', async () => {
      const { callId, alice, erin } = await groupCallWithAliceAndErin();
      assert.equal(alice.isMuted, false, 'who answers a group call\'s ring joins unmuted');
      const rosters = h.rostersOf(callId).length;

      const reply = await h.graph('POST', `/communications/calls/${callId}/participants/${alice.id}/mute`, { clientContext: 'mute-1' });
      assert.equal(reply.status, 200);
      assertIncludes(reply.body, { '@odata.type': '#microsoft.graph.muteParticipantOperation', status: 'completed', clientContext: 'mute-1' });
      assert.equal(reply.headers.get('location'), `${h.sim.baseUrl}/communications/calls/${callId}/operations/${reply.body.id}`);

      await h.sim.idle();
      assert.equal(h.rostersOf(callId).length, rosters + 1, 'one roster update');
      const roster = latestRoster(callId);
      assert.equal(roster.find((p) => p.id === alice.id).isMuted, true);
      assert.equal(roster.find((p) => p.id === erin.id).isMuted, false, 'only the one muted');
      assert.match(String(h.receiver.requests.at(-1)!.headers.authorization), /^Bearer \S+/);
    });

    it('shows the mute in a delta roster too', async () => {
      await h.close();
      await start({ deltaRoster: true });
      const { body } = await h.createCall(groupCall(people.alice, people.erin));
      const alice = h.rostersOf(body.id)[0]!.resourceData[0].participants.find((p: Json) => userIdOf(p) === people.alice.id);
      assert.equal(alice.isMuted, false);
      await h.graph('POST', `/communications/calls/${body.id}/participants/${alice.id}/mute`, { clientContext: 'mute-2' });
      await h.sim.idle();
      const [delta] = h.rostersOf(body.id).at(-1)!.resourceData;
      assert.deepEqual(delta.participants.map((p: Json) => [p.id, p.isMuted]), [[alice.id, true]]);
    });

    it('refuses a peer-to-peer call with 400 and an error body, and sends nothing', async () => {
      const { body: call } = await h.createCall(peerToPeerCall(people.alice));
      const delivered = h.receiver.requests.length;
      const reply = await h.graph('POST', `/communications/calls/${call.id}/participants/any-participant/mute`, { clientContext: 'mute-3' });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error.code, 'BadRequest');
      assert.match(reply.body.error.message, /only supported for group calls/);
      await h.sim.idle();
      assert.equal(h.receiver.requests.length, delivered);
    });

    it('answers 404 for a participant not in the call, and 403 without Calls.JoinGroupCall.All', async () => {
      const { callId, alice } = await groupCallWithAliceAndErin();
      assert.equal((await h.graph('POST', `/communications/calls/${callId}/participants/not-there/mute`, { clientContext: 'c' })).status, 404);
      assert.equal((await h.graph('POST', `/communications/calls/${callId}/participants/${alice.id}/mute`, { clientContext: 'x'.repeat(257) })).status, 400);
      h.sim.setGrantedPermissions(['Calls.InitiateGroupCall.All']);
      const refused = await h.graph('POST', `/communications/calls/${callId}/participants/${alice.id}/mute`, { clientContext: 'c' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, '7504');
    });
  });

  describe('remove', () => {
    beforeEach(() => start());

    it('answers 204, then a roster update without them', async () => {
      const { callId, alice, erin } = await groupCallWithAliceAndErin();
      const reply = await h.graph('DELETE', `/communications/calls/${callId}/participants/${alice.id}`);
      assert.equal(reply.status, 204);
      await h.sim.idle();
      assert.deepEqual(latestRoster(callId).map((p) => p.id).filter((id) => id === alice.id || id === erin.id), [erin.id]);
      assert.equal((await h.graph('DELETE', `/communications/calls/${callId}/participants/${alice.id}`)).status, 404, 'gone is gone');
    });

    it('marks them removed in a delta roster', async () => {
      await h.close();
      await start({ deltaRoster: true });
      const { body } = await h.createCall(groupCall(people.alice, people.erin));
      const alice = h.rostersOf(body.id)[0]!.resourceData[0].participants.find((p: Json) => userIdOf(p) === people.alice.id);
      await h.graph('DELETE', `/communications/calls/${body.id}/participants/${alice.id}`);
      await h.sim.idle();
      const [delta] = h.rostersOf(body.id).at(-1)!.resourceData;
      assert.deepEqual(delta.participants.map((p: Json) => [p.id, p.removedState?.reason]), [[alice.id, 'Removed from roster']]);
    });

    it('ends a one-to-one call: nobody else is left in it', async () => {
      const { body: call } = await h.createCall(peerToPeerCall(people.alice));
      assert.equal(h.sim.getCall(call.id)?.state, 'established');
      // A peer-to-peer call reports no roster: the one participant id a test knows is Rally's own, which ends it as well.
      assert.equal((await h.graph('DELETE', `/communications/calls/${call.id}/participants/${call.myParticipantId}`)).status, 204);
      await h.sim.idle();
      assertIncludes(h.notificationsFor(call.id).at(-1)?.resourceData.resultInfo, { code: 200, subcode: 5002 });
    });

    it('cancels an invite still ringing: the operation fails with 487 "Request terminated.", and nobody joins', async () => {
      const { callId } = await groupCallWithAliceAndErin();
      const rosters = h.rostersOf(callId).length;
      const invite = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(lee)], clientContext: 'ctx-lee' });
      const participantId = invite.body.participants[0].id;
      assert.equal(typeof participantId, 'string', 'the answer names the participant the invitee becomes');

      assert.equal((await h.graph('DELETE', `/communications/calls/${callId}/participants/${participantId}`)).status, 204);
      await h.sim.idle();
      const [operation] = operationsOf(callId);
      assertIncludes(operation?.resourceData, { status: 'failed', clientContext: 'ctx-lee' });
      assertIncludes(operation?.resourceData.resultInfo, { code: 487, subcode: 0, message: 'Request terminated.' });
      assert.equal(h.rostersOf(callId).length, rosters, 'a declined or cancelled invite leaves the roster alone');
      assert.equal((await h.graph('DELETE', `/communications/calls/${callId}/participants/${participantId}`)).status, 404, 'a cancelled invite is gone');
    });

    it('cancels one of an invitation\'s people: it settles when the others\' rings end, as cancelled, with the others in', async () => {
      const { callId } = await groupCallWithAliceAndErin();
      const invite = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(lee), invitation(frank)], clientContext: 'ctx-two' });
      const [leeId, frankId] = invite.body.participants.map((p: Json) => p.id);
      await h.graph('DELETE', `/communications/calls/${callId}/participants/${leeId}`);
      await h.sim.idle();
      assert.deepEqual(operationsOf(callId), [], 'Frank is still ringing');

      await waitFor(() => operationsOf(callId).length > 0, 'the invitation to settle once Frank answered');
      await h.sim.idle();
      assertIncludes(operationsOf(callId)[0]?.resourceData.resultInfo, { code: 487 });
      const invitees = latestRoster(callId).filter((p) => p.info.endpointType === 'default');
      assert.deepEqual(invitees.map((p) => [p.id, userIdOf(p)]), [[frankId, frank.id]], 'Frank joins as the participant the answer named');
    });

    it('removes someone who joined from an invite by the participant id the invite\'s answer named', async () => {
      const { callId } = await groupCallWithAliceAndErin();
      const invite = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(people.alice)], clientContext: 'ctx-again' });
      await h.sim.idle();
      const participantId = invite.body.participants[0].id;
      assert.ok(latestRoster(callId).some((p) => p.id === participantId));
      assert.equal((await h.graph('DELETE', `/communications/calls/${callId}/participants/${participantId}`)).status, 204);
      await h.sim.idle();
      assert.ok(!latestRoster(callId).some((p) => p.id === participantId));
    });

    it('answers 404 for an unknown participant or call, and 403 without Calls.JoinGroupCall.All', async () => {
      const { callId, alice } = await groupCallWithAliceAndErin();
      assert.equal((await h.graph('DELETE', `/communications/calls/${callId}/participants/not-there`)).status, 404);
      assert.equal((await h.graph('DELETE', `/communications/calls/4a1f0b00-0000-4000-8000-000000000000/participants/${alice.id}`)).status, 404);
      h.sim.setGrantedPermissions(['Calls.InitiateGroupCall.All']);
      assert.equal((await h.graph('DELETE', `/communications/calls/${callId}/participants/${alice.id}`)).status, 403);
    });
  });
});
