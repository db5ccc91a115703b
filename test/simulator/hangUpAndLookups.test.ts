import assert from 'node:assert/strict';
import { Harness, assertIncludes, groupCall, peerToPeerCall, people } from './simulatorHarness.js';

describe('simulator: hang up, get, users, errors and the request record', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(() => h.close());

  it('hangs up with 204, then notifies terminating and terminated (deleted) with resultInfo', async () => {
    const { body: call } = await h.createCall(peerToPeerCall(people.alice));
    const reply = await h.graph('DELETE', `/communications/calls/${call.id}`);
    assert.equal(reply.status, 204);
    assert.equal((await h.graph('GET', `/communications/calls/${call.id}`)).body.state, 'terminating');

    await h.sim.idle();
    assert.deepEqual(h.statesOf(call.id), ['establishing', 'established', 'terminating', 'terminated']);
    const terminated = h.notificationsFor(call.id).at(-1);
    assert.equal(terminated?.changeType, 'deleted');
    assertIncludes(terminated?.resourceData.resultInfo, { '@odata.type': '#microsoft.graph.resultInfo', code: 200, subcode: 5001 });
    assert.equal(h.sim.getCall(call.id), undefined);
  });

  it('answers an unknown call with 404 in Graph error shape, request-id matching the header', async () => {
    const reply = await h.graph('GET', '/communications/calls/4a1f0b00-0000-4000-8000-000000000000', undefined, { 'client-request-id': 'client-1' });
    assert.equal(reply.status, 404);
    const { error } = reply.body;
    assert.equal(typeof error.code, 'string');
    assert.equal(typeof error.message, 'string');
    assert.equal(error.innerError['request-id'], reply.headers.get('request-id'));
    assert.equal(error.innerError['client-request-id'], 'client-1');
    assert.equal(reply.headers.get('client-request-id'), 'client-1');
    assert.ok(!Number.isNaN(Date.parse(error.innerError.date)));
    assert.equal((await h.graph('DELETE', '/communications/calls/4a1f0b00-0000-4000-8000-000000000000')).status, 404);
  });

  it('lets a test end a call from the other side', async () => {
    const { body: peer } = await h.createCall(peerToPeerCall(people.alice));
    const { body: group } = await h.createCall(groupCall(people.alice, people.erin));
    h.sim.endCall(peer.id);
    h.sim.endCall(group.id);
    await h.sim.idle();
    assertIncludes(h.notificationsFor(peer.id).at(-1)?.resourceData.resultInfo, { code: 200, subcode: 4521 });
    assertIncludes(h.notificationsFor(group.id).at(-1)?.resourceData.resultInfo, { code: 200, subcode: 5002 });
  });

  it('gets a call as it stands', async () => {
    const { body: created } = await h.createCall(peerToPeerCall(people.alice));
    const reply = await h.graph('GET', `/communications/calls/${created.id}`);
    assert.equal(reply.status, 200);
    assertIncludes(reply.body, { id: created.id, state: 'established', myParticipantId: created.myParticipantId });
  });

  it('looks people up by id or user principal name, and answers 404 for strangers', async () => {
    const byId = await h.graph('GET', `/users/${people.alice.id}`);
    assert.equal(byId.status, 200);
    assertIncludes(byId.body, { id: people.alice.id, displayName: people.alice.displayName, userPrincipalName: people.alice.userPrincipalName });
    const byName = await h.graph('GET', `/users/${encodeURIComponent('ALICE@contoso.test')}`);
    assert.equal(byName.body.id, people.alice.id);

    const stranger = await h.graph('GET', '/users/nobody@contoso.test');
    assert.equal(stranger.status, 404);
    assert.equal(stranger.body.error.code, 'Request_ResourceNotFound');
  });

  it("answers a person's preferredLanguage, null when the directory gives none, and only the properties $select names", async () => {
    await h.close();
    h = await Harness.start({ directory: { people: [{ ...people.alice, preferredLanguage: 'fr-FR' }, people.erin] } });
    const whole = await h.graph('GET', `/users/${people.alice.id}`);
    assertIncludes(whole.body, { id: people.alice.id, preferredLanguage: 'fr-FR', jobTitle: null });
    assert.equal((await h.graph('GET', `/users/${people.erin.id}`)).body.preferredLanguage, null);

    const selected = await h.graph('GET', `/users/${people.alice.id}?$select=id,preferredLanguage`);
    assert.equal(selected.status, 200);
    const { '@odata.context': context, ...properties } = selected.body;
    assert.deepEqual(properties, { id: people.alice.id, preferredLanguage: 'fr-FR' });
    assert.match(context, /\$metadata#users\(id,preferredLanguage\)\/\$entity$/);
  });

  it('needs User.Read.All for person look-ups', async () => {
    h.sim.setGrantedPermissions(['Calls.Initiate.All']);
    const reply = await h.graph('GET', `/users/${people.alice.id}`);
    assert.equal(reply.status, 403);
    assert.equal(reply.body.error.code, 'Authorization_RequestDenied');
  });

  it('requires a bearer token, and checks it with acceptToken when given', async () => {
    const bare = await fetch(`${h.sim.baseUrl}/users/${people.alice.id}`);
    assert.equal(bare.status, 401);
    assert.equal(((await bare.json()) as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');

    await h.close();
    h = await Harness.start({ acceptToken: (token) => token === 'good' });
    assert.equal((await h.graph('GET', `/users/${people.alice.id}`, undefined, { authorization: 'Bearer bad' })).status, 401);
    assert.equal((await h.graph('GET', `/users/${people.alice.id}`, undefined, { authorization: 'Bearer good' })).status, 200);
  });

  it('records every request with its body and answer', async () => {
    const body = { ...peerToPeerCall(people.alice), callbackUri: h.callbackUri };
    await h.graph('POST', '/communications/calls', body);
    await h.graph('GET', '/users/nobody');

    assert.deepEqual(
      h.sim.requests.map((r) => [r.method, r.url, r.status]),
      [
        ['POST', '/v1.0/communications/calls', 201],
        ['GET', '/v1.0/users/nobody', 404],
      ],
    );
    assert.deepEqual(h.sim.requests[0]?.body, body);
    assert.equal(h.sim.requests[0]?.headers.authorization, 'Bearer any-token');
  });
});
