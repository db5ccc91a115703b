import assert from 'node:assert/strict';
import { Harness, assertIncludes, KNOWN_THREAD, TENANT, groupCall, guestSource, joinMeetingById, meetingJoin, peerToPeerCall, people, pstnCall } from './simulatorHarness.js';

describe('simulator: create call', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(() => h.close());

  it('answers 201 with Location and the establishing call, then notifies establishing and established', async () => {
    const reply = await h.graph('POST', '/communications/calls', { ...peerToPeerCall(people.alice), callbackUri: h.callbackUri });

    assert.equal(reply.status, 201);
    const call = reply.body;
    assert.equal(reply.headers.get('location'), `${h.sim.baseUrl}/communications/calls/${call.id}`);
    assertIncludes(call, { '@odata.type': '#microsoft.graph.call', state: 'establishing', callbackUri: h.callbackUri, tenantId: TENANT });
    assert.equal(typeof call.myParticipantId, 'string');
    assert.notEqual(call.myParticipantId, call.id);
    assert.deepEqual(call.targets[0].identity, peerToPeerCall(people.alice).targets[0]?.identity);
    assertIncludes(call.source.identity.application, { id: 'rally-local' });

    await h.sim.idle();
    assert.deepEqual(h.statesOf(call.id), ['establishing', 'established']);
    // 001: a peer-to-peer call reports state changes only, no roster.
    assert.equal(h.rostersOf(call.id).length, 0);
    assert.equal((await h.graph('GET', `/communications/calls/${call.id}`)).body.state, 'established');
  });

  it('serves /beta too, with a Location under /beta', async () => {
    const reply = await h.graph('POST', '/beta/communications/calls', { ...peerToPeerCall(people.alice), callbackUri: h.callbackUri });
    assert.equal(reply.status, 201);
    assert.equal(reply.headers.get('location'), `${h.sim.origin}/beta/communications/calls/${reply.body.id}`);
  });

  for (const [person, code, subcode] of [
    [people.bob, 603, 0],
    [people.dave, 486, 0],
    [people.carol, 408, 10057],
    [{ id: 'f0000000-0000-4000-8000-00000000000f', displayName: 'Nobody' }, 480, 10037],
  ] as const) {
    it(`terminates with resultInfo ${code}/${subcode} when ${person.displayName} does not answer, then forgets the call`, async () => {
      const { body: call } = await h.createCall(peerToPeerCall(person));

      assert.deepEqual(h.statesOf(call.id), ['establishing', 'terminated']);
      const terminated = h.notificationsFor(call.id).at(-1);
      assert.equal(terminated?.changeType, 'deleted');
      assertIncludes(terminated?.resourceData.resultInfo, { code, subcode });
      const gone = await h.graph('GET', `/communications/calls/${call.id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, 'itemNotFound');
    });
  }

  it('calls a group: the roster holds the bot and everyone who answered', async () => {
    const { body: call } = await h.createCall(groupCall(people.alice, people.bob, people.erin));

    assert.deepEqual(h.statesOf(call.id), ['establishing', 'established']);
    const [roster] = h.rostersOf(call.id);
    const ids = roster?.resourceData.map((p: { info: { identity: Record<string, { id: string }> } }) => Object.values(p.info.identity).find((v) => typeof v === 'object')?.id);
    assert.deepEqual([...ids].sort(), ['rally-local', people.alice.id, people.erin.id].sort());
  });

  it('ends a group call nobody answered with the documented "no one else has joined" result', async () => {
    const { body: call } = await h.createCall(groupCall(people.bob, people.dave));
    assertIncludes(h.notificationsFor(call.id).at(-1)?.resourceData.resultInfo, { code: 200, subcode: 5013 });
  });

  it('places a PSTN call from the application instance and reports a busy number', async () => {
    const answered = await h.createCall(pstnCall('+12345678901'));
    assert.equal(answered.body.source.identity.applicationInstance.id, '3d913abb-aec0-4964-8fa6-3c6850c4f278');
    assert.deepEqual(h.statesOf(answered.body.id), ['establishing', 'established']);

    const busy = await h.createCall(pstnCall('+12345678902'));
    assertIncludes(h.notificationsFor(busy.body.id).at(-1)?.resourceData.resultInfo, { code: 486 });
  });

  it('joins a known meeting whose attendees are already there', async () => {
    const { body: call } = await h.createCall(meetingJoin(KNOWN_THREAD));

    assert.equal(call.chatInfo.threadId, KNOWN_THREAD);
    assert.deepEqual(h.statesOf(call.id), ['establishing', 'established']);
    const roster = h.rostersOf(call.id)[0]?.resourceData;
    assert.ok(roster.map((p: { id: string }) => p.id).includes(call.myParticipantId));
    assertIncludes(roster.find((p: { info: { identity: { user?: { id: string } } } }) => p.info.identity.user?.id === people.erin.id), { isInLobby: false });
  });

  it('creates an unknown meeting on first join, with its organizer present', async () => {
    const { body: call } = await h.createCall(meetingJoin('19:meeting_new@thread.v2'));
    const roster = h.rostersOf(call.id)[0]?.resourceData;
    assert.ok(roster.map((p: { info: { identity: { user?: { id: string } } } }) => p.info.identity.user?.id).includes(people.alice.id));
  });

  it('joins a meeting that names its organizer only when the join names that organizer, and 404s any other', async () => {
    await h.close();
    const thread = '19:meeting_chat@thread.v2';
    h = await Harness.start({ directory: { meetings: [{ threadId: thread, organizerId: people.alice.id.toUpperCase(), attendees: [] }] } });

    assert.equal((await h.createCall(meetingJoin(thread))).status, 201);
    const someoneElse = { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', id: people.bob.id, tenantId: TENANT } };
    const join = meetingJoin(thread);
    const refused = await h.graph('POST', '/communications/calls', { ...join, meetingInfo: { ...join.meetingInfo, organizer: someoneElse }, callbackUri: h.callbackUri });
    assert.equal(refused.status, 404);
    assert.match(refused.body.error.message, new RegExp(`No meeting was found for chat thread 19:meeting_chat@thread.v2 organized by ${people.bob.id}`));
  });

  it('joins by meeting id with the right passcode and refuses a wrong one with 403', async () => {
    const joined = await h.createCall(joinMeetingById('1234567', 'psw123'));
    assert.equal(joined.status, 201);
    assert.match(joined.body.chatInfo.threadId, /^19:meeting_.+@thread\.v2$/);
    assert.deepEqual(h.statesOf(joined.body.id), ['establishing', 'established']);

    const refused = await h.graph('POST', '/communications/calls', { ...joinMeetingById('1234567', 'wrong'), callbackUri: h.callbackUri });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'Forbidden');
    assert.equal(refused.body.error.message, 'The passcode does not match the meeting.');
    assert.ok(!JSON.stringify(refused.body).includes('psw123'), 'the refusal never holds the passcode');
  });

  it('refuses a join without the passcode the meeting needs with 403, saying the passcode is missing', async () => {
    const refused = await h.graph('POST', '/communications/calls', { ...joinMeetingById('1234567'), callbackUri: h.callbackUri });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'Forbidden');
    assert.match(refused.body.error.message, /requires a passcode/);
  });

  it('with unknownMeetings: notFound, refuses to join a meeting id or thread it does not know with 404', async () => {
    await h.close();
    h = await Harness.start({ directory: { meetings: [{ joinMeetingId: '1234567', attendees: [] }], unknownMeetings: 'notFound' } });

    const byId = await h.graph('POST', '/communications/calls', { ...joinMeetingById('7654321', 'psw123'), callbackUri: h.callbackUri });
    assert.equal(byId.status, 404);
    assert.equal(byId.body.error.code, 'NotFound');
    assert.match(byId.body.error.message, /No meeting was found for joinMeetingId 7654321/);
    const byThread = await h.graph('POST', '/communications/calls', { ...meetingJoin('19:meeting_unknown@thread.v2'), callbackUri: h.callbackUri });
    assert.equal(byThread.status, 404);
    assert.equal((await h.createCall(joinMeetingById('1234567'))).status, 201);
  });

  it('shows a guest bot in the lobby first, then the full roster once admitted', async () => {
    const { body: call } = await h.createCall(meetingJoin(KNOWN_THREAD, { source: guestSource }));

    const [lobby, admitted] = h.rostersOf(call.id);
    assert.equal(lobby?.resourceData.length, 1);
    assertIncludes(lobby?.resourceData[0], { id: call.myParticipantId, isInLobby: true });
    assertIncludes(admitted?.resourceData.find((p: { id: string }) => p.id === call.myParticipantId), { isInLobby: false });
    assert.equal(admitted?.resourceData.length, 2);
  });

  it('keeps a guest bot in the lobby until admitFromLobby when auto-admission is off', async () => {
    await h.close();
    h = await Harness.start({ autoAdmitFromLobby: false });
    const { body: call } = await h.createCall(meetingJoin(KNOWN_THREAD, { source: guestSource }));
    assert.equal(h.rostersOf(call.id).length, 1);

    h.sim.admitFromLobby(call.id);
    await h.sim.idle();
    assert.equal(h.rostersOf(call.id).length, 2);
    assertIncludes(h.rostersOf(call.id)[1]?.resourceData[1], { isInLobby: false });
  });

  describe('request checks (400 in Graph error shape)', () => {
    const base = peerToPeerCall(people.alice);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a wrong @odata.type', { ...base, '@odata.type': '#microsoft.graph.participant' }, /#microsoft\.graph\.call/],
      ['both targets and meetingInfo', { ...base, meetingInfo: meetingJoin(KNOWN_THREAD).meetingInfo }, /either targets or meetingInfo/],
      ['neither targets nor meetingInfo', { ...base, targets: undefined }, /either targets or meetingInfo/],
      ['six group targets', groupCall(people.alice, people.bob, people.carol, people.dave, people.erin, people.alice), /at most 5/],
      ['a target typed participantInfo (001 slip)', { ...base, targets: [{ ...base.targets[0], '@odata.type': '#microsoft.graph.participantInfo' }] }, /invitationParticipantInfo/],
      ['a phone id that is not E.164', pstnCall('0123 456'), /E\.164/],
      ['PSTN without an applicationInstance source', { ...pstnCall('+12345678901'), source: undefined }, /applicationInstance/],
      ['PSTN without tenantId', { ...pstnCall('+12345678901'), tenantId: undefined }, /tenantId/],
      ['a guest source calling targets', { ...base, source: guestSource }, /guest/],
      ['organizerMeetingInfo without chatInfo', { ...meetingJoin(KNOWN_THREAD), chatInfo: undefined }, /chatInfo/],
      ['an unknown meetingInfo type', { ...meetingJoin(KNOWN_THREAD), meetingInfo: { '@odata.type': '#microsoft.graph.tokenMeetingInfo' } }, /meetingInfo must be/],
      ['no requestedModalities', { ...base, requestedModalities: [] }, /requestedModalities/],
      ['an unknown mediaConfig', { ...base, mediaConfig: {} }, /mediaConfig/],
      ['a callback beyond this machine', { ...base, callbackUri: 'https://bot.contoso.com/api/calling' }, /127\.0\.0\.1/],
    ];
    for (const [what, body, message] of cases) {
      it(`refuses ${what}`, async () => {
        const reply = await h.graph('POST', '/communications/calls', { callbackUri: h.callbackUri, ...body });
        assert.equal(reply.status, 400);
        assert.equal(reply.body.error.code, 'BadRequest');
        assert.match(reply.body.error.message, message);
        assert.equal(h.receiver.requests.length, 0);
      });
    }

    it('refuses a body that is not JSON', async () => {
      const reply = await h.graph('POST', '/communications/calls', '{"@odata.type": ');
      assert.equal(reply.status, 400);
      assert.match(reply.body.error.message, /JSON/);
    });
  });

  describe('permissions (403 in Graph error shape)', () => {
    const needs: [string, Record<string, unknown>, string][] = [
      ['a peer-to-peer call', peerToPeerCall(people.alice), 'Calls.Initiate.All'],
      ['a PSTN call', pstnCall('+12345678901'), 'Calls.Initiate.All'],
      ['a group call', groupCall(people.alice, people.erin), 'Calls.InitiateGroupCall.All'],
      ['a meeting join', meetingJoin(KNOWN_THREAD), 'Calls.JoinGroupCall.All'],
      ['a guest join', meetingJoin(KNOWN_THREAD, { source: guestSource }), 'Calls.JoinGroupCallAsGuest.All'],
    ];
    for (const [what, body, permission] of needs) {
      it(`needs ${permission} for ${what}`, async () => {
        h.sim.setGrantedPermissions(['Calls.Initiate.All', 'Calls.InitiateGroupCall.All', 'Calls.JoinGroupCall.All', 'Calls.JoinGroupCallAsGuest.All'].filter((p) => p !== permission) as never);
        const refused = await h.graph('POST', '/communications/calls', { callbackUri: h.callbackUri, ...body });
        assert.equal(refused.status, 403);
        // As Graph's calling service answers: code 7504, a message that names no permission.
        assert.equal(refused.body.error.code, '7504');
        assert.equal(refused.body.error.message, 'Insufficient enterprise tenant permissions, cannot access this API.');

        h.sim.setGrantedPermissions([permission] as never);
        assert.equal((await h.graph('POST', '/communications/calls', { callbackUri: h.callbackUri, ...body })).status, 201);
      });
    }
  });
});
