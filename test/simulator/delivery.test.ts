import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTVerifyResult } from 'jose';
import { LoopbackServer } from '../support/loopbackServer.js';
import { Harness, KNOWN_THREAD, TENANT, assertIncludes, groupCall, invitation, meetingJoin, peerToPeerCall, people } from './simulatorHarness.js';

describe('simulator: notification delivery', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('signs every notification POST for the bot: RS256, issuer api.botframework.com, audience = app id, tid, five minutes', async () => {
    h = await Harness.start({ appId: 'rally-test-app' });
    await h.createCall(peerToPeerCall(people.alice));

    const metadata = (await (await fetch(h.sim.openIdMetadataUrl)).json()) as { issuer: string; jwks_uri: string };
    assert.equal(metadata.issuer, 'https://api.botframework.com');
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri));
    assert.equal(h.receiver.requests.length, 2);
    for (const request of h.receiver.requests) {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const { payload, protectedHeader }: JWTVerifyResult = await jwtVerify(token, keys, { issuer: metadata.issuer, audience: 'rally-test-app', algorithms: ['RS256'] });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.tid, TENANT);
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
      await assert.rejects(jwtVerify(token, keys, { issuer: metadata.issuer, audience: 'someone-else' }));
    }
  });

  it('delivers after the configured delay, one POST per notification by default', async () => {
    h = await Harness.start({ deliveryDelayMs: 30 });
    await h.createCall(groupCall(people.alice, people.erin));

    const [first, second, third] = h.receiver.requests;
    assert.equal(h.receiver.requests.length, 3);
    // Timer granularity allows a millisecond or two of slack.
    assert.ok(second!.receivedAt - first!.receivedAt >= 25 && third!.receivedAt - second!.receivedAt >= 25);
  });

  it('duplicateDeliveries POSTs every envelope twice', async () => {
    h = await Harness.start({ duplicateDeliveries: true });
    await h.createCall(peerToPeerCall(people.alice));
    const bodies = h.receiver.requests.map((r) => r.body);
    assert.equal(bodies.length, 4);
    assert.equal(bodies[0], bodies[1]);
    assert.equal(bodies[2], bodies[3]);
  });

  it('establishedBeforeEstablishing swaps the two, and the call still ends up established', async () => {
    h = await Harness.start({ establishedBeforeEstablishing: true });
    const { body: call } = await h.createCall(peerToPeerCall(people.alice));
    assert.deepEqual(h.statesOf(call.id), ['established', 'establishing']);
    assert.equal(h.sim.getCall(call.id)?.state, 'established');
  });

  it('batchNotifications puts establishing, established and the roster into one POST', async () => {
    h = await Harness.start({ batchNotifications: true });
    const { body: call } = await h.createCall(groupCall(people.alice, people.erin));
    assert.equal(h.receiver.requests.length, 1);
    assert.deepEqual(h.statesOf(call.id), ['establishing', 'established']);
    assert.equal(h.rostersOf(call.id).length, 1);
    assert.equal(h.rostersOf(call.id)[0]?.resourceData.length, 3);
  });

  it('deltaRoster sends numbered deltas: the first roster, each newcomer, and removals with removedState', async () => {
    h = await Harness.start({ deltaRoster: true });
    const { body: from } = await h.createCall(meetingJoin(KNOWN_THREAD));
    const { body: to } = await h.createCall(meetingJoin('19:meeting_other@thread.v2'));
    const [firstDelta] = h.rostersOf(from.id).map((n) => n.resourceData[0]);
    assertIncludes(firstDelta, { '@odata.type': '#microsoft.graph.deltaParticipants', sequenceNumber: 1 });
    assert.equal(firstDelta.participants.length, 2);
    assert.ok(firstDelta.participants.every((p: { rosterSequenceNumber: number }) => p.rosterSequenceNumber === 1));

    const erin = firstDelta.participants.find((p: { info: { identity: { user?: { id: string } } } }) => p.info.identity.user?.id === people.erin.id);
    await h.graph('POST', `/communications/calls/${to.id}/participants/invite`, {
      participants: [invitation(people.erin, { replacesCallId: from.id, participantId: erin.id })],
      clientContext: 'move',
    });
    await h.sim.idle();

    const removal = h.rostersOf(from.id).at(-1)?.resourceData[0];
    assertIncludes(removal, { sequenceNumber: 2 });
    assertIncludes(removal.participants[0], { id: erin.id, removedState: { reason: 'Removed from roster' } });
    const arrival = h.rostersOf(to.id).at(-1)?.resourceData[0];
    assertIncludes(arrival, { sequenceNumber: 2 });
    assert.equal(arrival.participants.length, 1, 'a delta carries only the newcomer');
  });

  it('retries a notification the receiver did not take, and records each attempt', async () => {
    h = await Harness.start({}, (_request, response, index) => void (response.writeHead(index === 0 ? 500 : 202), response.end()));
    await h.createCall(peerToPeerCall(people.alice));

    assert.deepEqual(
      h.sim.deliveries.map((d) => [d.attempt, d.status]),
      [
        [1, 500],
        [2, 202],
        [1, 202],
      ],
    );
    assert.equal(h.receiver.requests[0]?.body, h.receiver.requests[1]?.body);
  });

  it('gives up quietly on a receiver that is gone, after its retries', async () => {
    const gone = await LoopbackServer.start(() => undefined);
    const goneUrl = gone.url;
    await gone.close();
    h = await Harness.start({ deliveryRetries: 1 });
    await h.graph('POST', '/communications/calls', { ...peerToPeerCall(people.alice), callbackUri: `${goneUrl}/api/calling` });
    await h.sim.idle();

    assert.equal(h.sim.deliveries.length, 4);
    assert.ok(h.sim.deliveries.every((d) => d.status === undefined && typeof d.error === 'string'));
  });
});
