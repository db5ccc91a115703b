import assert from 'node:assert/strict';
import { Harness, KNOWN_THREAD, assertIncludes, groupCall, invitation, meetingJoin, peerToPeerCall, people, phoneInvitation } from './simulatorHarness.js';
import type { Notification } from './simulatorHarness.js';

const operationsOf = (h: Harness, callId: string): Notification[] => h.notificationsFor(callId).filter((n) => n.resourceUrl.includes('/operations/'));

describe('simulator: invite participants', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(() => h.close());

  async function establishedGroupCall(): Promise<string> {
    const { body } = await h.createCall(groupCall(people.alice, people.erin));
    return body.id as string;
  }

  it('answers 200 with Location and a running operation, then reports it completed and updates the roster', async () => {
    const callId = await establishedGroupCall();
    const reply = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(people.alice)], clientContext: 'ctx-1' });

    assert.equal(reply.status, 200);
    assertIncludes(reply.body, { '@odata.type': '#microsoft.graph.inviteParticipantsOperation', status: 'Running', clientContext: 'ctx-1', resultInfo: null });
    assert.equal(reply.headers.get('location'), `${h.sim.baseUrl}/communications/calls/${callId}/operations/${reply.body.id}`);

    await h.sim.idle();
    const story = h.notificationsFor(callId);
    const operation = story.findIndex((n) => n.resourceUrl.includes('/operations/'));
    assert.equal(story[operation]?.changeType, 'deleted');
    assertIncludes(story[operation]?.resourceData, { status: 'completed', clientContext: 'ctx-1', id: reply.body.id });
    const roster = story.at(-1);
    assert.ok(roster?.resourceUrl.endsWith('/participants') && story.indexOf(roster) > operation, 'the roster update follows the operation');
    assert.equal(roster?.resourceData.filter((p: { info: { endpointType?: string } }) => p.info.endpointType === 'default').length, 1);
  });

  it('reports a declined invitation as failed with resultInfo and leaves the roster alone', async () => {
    const callId = await establishedGroupCall();
    const rosters = h.rostersOf(callId).length;
    await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(people.bob)], clientContext: 'ctx-2' });
    await h.sim.idle();

    const [operation] = operationsOf(h, callId);
    assertIncludes(operation?.resourceData, { status: 'failed', clientContext: 'ctx-2' });
    assertIncludes(operation?.resourceData.resultInfo, { code: 603 });
    assert.equal(h.rostersOf(callId).length, rosters);
  });

  it('invites several people into a group call; those who answer join even when one declines', async () => {
    const callId = await establishedGroupCall();
    await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(people.erin), invitation(people.dave)], clientContext: 'ctx-3' });
    await h.sim.idle();

    assertIncludes(operationsOf(h, callId)[0]?.resourceData.resultInfo, { code: 486 });
    const invitees = h.rostersOf(callId).at(-1)?.resourceData.filter((p: { info: { endpointType?: string } }) => p.info.endpointType === 'default');
    assert.deepEqual(invitees.map((p: { info: { identity: { user: { id: string } } } }) => p.info.identity.user.id), [people.erin.id]);
  });

  it('invites a PSTN number', async () => {
    const callId = await establishedGroupCall();
    await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [phoneInvitation('+12345678901')], clientContext: 'ctx-4' });
    await h.sim.idle();
    assertIncludes(operationsOf(h, callId)[0]?.resourceData, { status: 'completed' });
  });

  it('escalates a peer-to-peer call with replacesCallId: completed, then the replaced call is terminated and deleted', async () => {
    const { body: peer } = await h.createCall(peerToPeerCall(people.alice));
    const groupId = await establishedGroupCall();
    await h.graph('POST', `/communications/calls/${groupId}/participants/invite`, {
      participants: [invitation(people.alice, { replacesCallId: peer.id }), invitation(people.erin)],
      clientContext: 'ctx-5',
    });
    await h.sim.idle();

    const all = h.notifications();
    const completed = all.findIndex((n) => n.resourceUrl.startsWith(`/communications/calls/${groupId}/operations/`));
    const terminated = all.findIndex((n) => n.resourceUrl === `/communications/calls/${peer.id}` && n.resourceData.state === 'terminated');
    assert.ok(completed >= 0 && terminated > completed, 'the replaced call ends after the operation completed');
    assertIncludes(all[completed]?.resourceData, { status: 'completed' });
    assert.equal(all[completed]?.resourceData.participants.length, 1, 'only the first participant is read');
    assert.equal(all[terminated]?.changeType, 'deleted');
    assert.equal((await h.graph('GET', `/communications/calls/${peer.id}`)).status, 404);
  });

  it('moves a participant between two meetings with participantId', async () => {
    const { body: from } = await h.createCall(meetingJoin(KNOWN_THREAD));
    const { body: to } = await h.createCall(meetingJoin('19:meeting_other@thread.v2'));
    const erin = h.rostersOf(from.id)[0]?.resourceData.find((p: { info: { identity: { user?: { id: string } } } }) => p.info.identity.user?.id === people.erin.id);

    await h.graph('POST', `/communications/calls/${to.id}/participants/invite`, {
      participants: [{ ...invitation(people.erin, { replacesCallId: from.id, participantId: erin.id }), identity: { user: { id: people.erin.id, identityProvider: 'AAD' } } }],
      clientContext: 'ctx-6',
    });
    await h.sim.idle();

    assertIncludes(operationsOf(h, to.id)[0]?.resourceData, { status: 'completed' });
    const userIds = (roster: Notification | undefined): string[] =>
      roster?.resourceData.map((p: { info: { identity: { user?: { id: string } } } }) => p.info.identity.user?.id).filter(Boolean);
    assert.ok(userIds(h.rostersOf(to.id).at(-1)).includes(people.erin.id));
    assert.ok(!userIds(h.rostersOf(from.id).at(-1)).includes(people.erin.id));
  });

  it('fails a move whose participantId is not in the source call', async () => {
    const { body: from } = await h.createCall(meetingJoin(KNOWN_THREAD));
    const { body: to } = await h.createCall(meetingJoin('19:meeting_other@thread.v2'));
    await h.graph('POST', `/communications/calls/${to.id}/participants/invite`, {
      participants: [invitation(people.erin, { replacesCallId: from.id, participantId: 'not-there' })],
      clientContext: 'ctx-7',
    });
    await h.sim.idle();
    assertIncludes(operationsOf(h, to.id)[0]?.resourceData, { status: 'failed' });
    assertIncludes(operationsOf(h, to.id)[0]?.resourceData.resultInfo, { code: 404 });
  });

  it('refuses several participants into a peer-to-peer call, a call not yet established, and a long clientContext', async () => {
    const { body: peer } = await h.createCall(peerToPeerCall(people.alice));
    const several = await h.graph('POST', `/communications/calls/${peer.id}/participants/invite`, { participants: [invitation(people.erin), invitation(people.alice)], clientContext: 'c' });
    assert.equal(several.status, 400);
    assert.match(several.body.error.message, /group calls/);

    const fresh = await h.graph('POST', '/communications/calls', { ...groupCall(people.alice, people.erin), callbackUri: h.callbackUri });
    const early = await h.graph('POST', `/communications/calls/${fresh.body.id}/participants/invite`, { participants: [invitation(people.erin)], clientContext: 'c' });
    assert.equal(early.status, 400);
    assert.match(early.body.error.message, /not established/);

    await h.sim.idle();
    const long = await h.graph('POST', `/communications/calls/${fresh.body.id}/participants/invite`, { participants: [invitation(people.erin)], clientContext: 'x'.repeat(257) });
    assert.equal(long.status, 400);
    assert.match(long.body.error.message, /256/);
  });

  it('answers 404 for an unknown call and 403 without Calls.InitiateGroupCall.All', async () => {
    const unknown = await h.graph('POST', '/communications/calls/nope/participants/invite', { participants: [invitation(people.erin)], clientContext: 'c' });
    assert.equal(unknown.status, 404);

    const callId = await establishedGroupCall();
    h.sim.setGrantedPermissions(['Calls.Initiate.All']);
    const refused = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(people.erin)], clientContext: 'c' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, '7504');
    assert.match(refused.body.error.message, /^Insufficient enterprise tenant permissions/);
    h.sim.setGrantedPermissions(['Calls.InitiateGroupCall.All']);
    assert.equal((await h.graph('POST', `/communications/calls/${callId}/participants/invite`, { participants: [invitation(people.erin)], clientContext: 'c' })).status, 200);
  });
});
