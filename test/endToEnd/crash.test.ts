// Rally killed with SIGKILL in the middle of its work, then started again on the same data: what it had acknowledged
// or sent is not lost, nothing is sent twice, and the chat ends up seeing every call truthfully.
import assert from 'node:assert/strict';
import { cardText } from './connectorStandIn.js';
import { waitFor } from '../support/waitFor.js';
import { RallyHarness } from './rallyHarness.js';

const CREATE_CALL = { method: 'POST', path: '/communications/calls' } as const;

describe('Rally killed mid-work (SIGKILL) and started again', function () {
  // Two process starts, a stale lock to wait out (10 s), and a job lease to run out.
  this.timeout(90_000);
  let h: RallyHarness;

  afterEach(async () => {
    await h.close();
  });

  it('killed right after acknowledging "terminated": the call card still ends showing the end, and there is one card', async () => {
    h = await RallyHarness.start({ separateProcess: true });
    await h.say('call adelev@contoso.com');
    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'a Connected card');
    const cardId = h.connector.cardPosts()[0]!.id;
    const callId = h.callIdOfCard(cardId);

    // The card update for the end is held, so Rally is killed after the 202 and before the chat was told.
    const held = h.connector.holdUpdates();
    h.sim.endCall(callId);
    await held.arrived;
    await waitFor(() => h.sim.deliveries.some((d) => d.status === 202 && JSON.stringify(d.body).includes('terminated')), '202 for terminated');
    await h.crash();
    held.stop();

    await h.startRally();
    // Another run takes the report over once the killed one's claims lapse (within 10 s of the kill).
    await h.connector.until((c) => /Ended/.test(cardText(c.latestCard(cardId))), 'the card showing the end', 20_000);
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
    assert.doesNotMatch(JSON.stringify(h.connector.latestCard(cardId)), /"verb":"hangup"/, 'an ended call offers no Hang up');
  });

  it('killed while Graph was placing the call: never sent twice, and the call is found and shown after the restart', async () => {
    // Notifications come late enough to find the restarted Rally; Graph answers the create only after the kill.
    h = await RallyHarness.start({ separateProcess: true, simulator: { deliveryDelayMs: 3_000, deliveryRetries: 5 }, env: { GRAPH_TIMEOUT_MS: '1000' } });
    h.sim.failNext({ ...CREATE_CALL, answerAfterMs: 60_000 });
    const said = h.say('call adelev@contoso.com', { id: 'msg-killed' }).catch(() => 0);
    await waitFor(() => h.createCallRequests().length === 1, 'the create-call request');
    await h.crash();
    await said;

    await h.startRally();
    // Teams delivers the message again after the failed turn.
    await h.say('call adelev@contoso.com', { id: 'msg-killed' });
    await h.connector.until((c) => c.cardPosts().length === 1, 'the call card of the adopted call', 20_000);
    assert.equal(h.createCallRequests().length, 1, 'the call was not placed a second time');
    const callId = h.callIdOfCard(h.connector.cardPosts()[0]!.id);
    assert.ok(h.sim.getCall(callId), 'the card is about the call Graph placed');

    await h.say('hangup');
    await waitFor(() => h.graph('DELETE', /^\/communications\/calls\//).length === 1, 'the hang-up request');
  });

  it('killed after "hangup" was asked of a call being confirmed: once the call is known it is hung up, and the chat hears it once', async () => {
    // Graph answers the create too late for Rally, and notifies only after the kill and the restart.
    h = await RallyHarness.start({ separateProcess: true, simulator: { deliveryDelayMs: 4_000, deliveryRetries: 10 }, env: { GRAPH_TIMEOUT_MS: '1000' } });
    h.sim.failNext({ ...CREATE_CALL, answerAfterMs: 1_500 });
    await h.say('call adelev@contoso.com');
    assert.match(h.connector.lines().at(-1)!, /may be ringing/);

    await h.say('hangup');
    assert.equal(h.connector.lines().at(-1), 'Microsoft Graph has not confirmed that call yet; I will hang it up the moment it does, and its card will show it.');
    assert.equal(h.graph('DELETE', /^\/communications\/calls\//).length, 0, 'there is nothing to hang up yet');
    await h.crash();
    const linesBefore = h.connector.lines().length;

    await h.startRally();
    await waitFor(() => h.graph('DELETE', /^\/communications\/calls\//).length >= 1, 'the hang-up request', 30_000);
    await h.connector.until((c) => c.cardPosts().length === 1 && /Ended/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'the card showing the end', 30_000);
    const card = cardText(h.connector.latestCard(h.connector.cardPosts()[0]!.id));
    assert.match(card, /hung up by Pat Organizer/);
    await h.connector.lineContaining('#1 ended', 20_000);
    await h.say('calls');
    assert.deepEqual(h.connector.lines().slice(linesBefore), ['#1 ended.', 'No calls are going on from this chat.']);
    assert.equal(h.createCallRequests().length, 1);
  });

  it("killed between the bridge's meeting and its join: the same meeting is joined after the restart, never a second one, and the chat gets its card", async () => {
    // The meeting is made at Graph, but its answer comes only after the kill; a dead run's bridge is taken over once
    // its answer could no longer come (the 1 s request limit and 5 s).
    h = await RallyHarness.start({ separateProcess: true, conversationType: 'groupChat', env: { GRAPH_TIMEOUT_MS: '1000', GRAPH_MAX_RETRIES: '0' } });
    h.sim.failNext({ method: 'POST', path: /\/onlineMeetings\/createOrGet$/, answerAfterMs: 60_000 });
    const said = h.say('bridge Sev1: checkout down', { id: 'msg-bridge-killed' }).catch(() => 0);
    await waitFor(() => h.sim.meetingsCreated.length === 1, 'the meeting made at Graph');
    await h.crash();
    await said;

    await h.startRally();
    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'the bridge card, connected', 30_000);
    assert.equal(h.sim.meetingsCreated.length, 1, 'no second meeting');
    const asked = h.graph('POST', /\/onlineMeetings\/createOrGet$/).map((r) => (r.body as { externalId: string }).externalId);
    assert.equal(asked.length, 2);
    assert.equal(asked[0], asked[1], 'asked again under the same externalId');
    assert.equal(h.createCallRequests().length, 1, 'joined once');
    const meeting = h.sim.meetingsCreated[0]!.body as { joinWebUrl: string; chatInfo: { threadId: string } };
    assert.equal((h.createCallRequests()[0]!.body as { chatInfo: { threadId: string } }).chatInfo.threadId, meeting.chatInfo.threadId);
    const card = h.connector.latestCard(h.connector.cardPosts()[0]!.id);
    assert.match(cardText(card), /Sev1: checkout down/);
    assert.ok((card.actions as { url?: string }[]).some((a) => a.url === meeting.joinWebUrl), 'its Join button is the meeting\'s link');

    // Teams delivers the message again after the failed turn: it finds the bridge, and nothing more is made.
    await h.say('bridge Sev1: checkout down', { id: 'msg-bridge-killed' });
    await h.settle();
    assert.equal(h.sim.meetingsCreated.length, 1);
    assert.equal(h.createCallRequests().length, 1);
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
  });

  it('killed while moving the one-to-one party into the group call: the move is never sent again, the chat hears Rally cannot tell, the number named with it is invited', async () => {
    // A Graph timeout long enough that the kill comes first; the claim of the dead run lapses 2 timeouts + 5 s later.
    h = await RallyHarness.start({ separateProcess: true, env: { GRAPH_TIMEOUT_MS: '5000' } });
    await h.say('call adelev@contoso.com');
    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'a Connected card');
    h.sim.failNext({ method: 'POST', path: /\/participants\/invite$/, hang: true });

    await h.say('invite alexw@contoso.com +14255550100');
    await waitFor(() => h.inviteRequests().length === 1, 'the request moving Adele into the group call');
    await h.crash();

    await h.startRally();
    await h.connector.lineContaining('Rally stopped while it was moving the one-to-one call into #2, so it cannot tell whether the move happened', 45_000);
    await h.connector.lineContaining('+14255550100 joined the call', 20_000);
    const invited = h.inviteRequests().map((r) => (r.body as { participants: { replacesCallId?: string; identity: { phone?: { id: string } } }[] }).participants[0]!);
    assert.equal(invited.length, 2, 'the move once, then the number');
    assert.ok(invited[0]!.replacesCallId, 'the first is the move');
    assert.equal(invited[1]!.identity.phone?.id, '+14255550100');
  });
});
