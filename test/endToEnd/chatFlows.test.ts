// Chat commands end to end: a Teams-shaped activity in, Graph requests at the simulator, chat posts and card updates
// at the Connector stand-in.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { DEFAULT_PERMISSIONS } from '../../src/simulator/index.js';
import { cardText } from './connectorStandIn.js';
import { ADELE_MEMBER, PSTN_INSTANCE_ID, RallyHarness } from './rallyHarness.js';

const ADELE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';
const ALEX_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

const userTargets = (body: Json): string[] => (body.targets as Json[]).map((t) => t.identity.user?.id as string);

describe('Rally call card updates over HTTP', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    // Ringing takes a human-ish while here, so the card is posted before the first notification arrives (the turn
    // ends within milliseconds); the test then waits on the simulator and Rally going idle, not on this delay.
    h = await RallyHarness.start({ simulator: { deliveryDelayMs: 150 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts the card while the call connects and updates that same card when Adele joins', async () => {
    const { cardId } = await h.placeCall('call adelev@contoso.com');
    const [posted] = h.connector.cardPosts();
    assert.equal(posted!.id, cardId);
    assert.match(cardText(posted!.activity.attachments[0].content), /Connecting…/);
    assert.match(cardText(posted!.activity.attachments[0].content), /Adele Vance \| Ringing…/);

    const updates = h.connector.updates().filter((u) => u.id === cardId);
    assert.ok(updates.length > 0, 'the card was updated in place');
    assert.equal(h.connector.cardPosts().length, 1, 'no second card');
    assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);
    assert.match(cardText(h.connector.latestCard(cardId)), /Adele Vance \| Joined/);
  });
});

describe('Rally chat commands over HTTP', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    h = await RallyHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  const cardSays = (cardId: string): string => cardText(h.connector.latestCard(cardId));
  const graphTraffic = () => h.sim.requests.filter((r) => /^\/(v1\.0|beta)\//.test(r.url));

  it('answers "help" with the help card', async () => {
    assert.equal(await h.say('help'), 200);
    const posts = h.connector.posts();
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.activity.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(graphTraffic().length, 0);
  });

  it('places a one-to-one call by email and its card ends up showing Adele joined', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com');

    const [create] = h.createCallRequests();
    assert.deepEqual(userTargets(create!.body), [ADELE_ID]);
    // Graph calls back at exactly this URI: the unguessable id finds the intent even if the create answer is lost.
    const callbackUri = new URL(String((create!.body as Json).callbackUri));
    assert.equal(`${callbackUri.origin}${callbackUri.pathname}`, `${h.url}/api/calling`);
    assert.match(callbackUri.searchParams.get('rally') ?? '', /^[A-Za-z0-9_-]{22}$/);
    assert.ok(h.sim.getCall(callId), 'the card names the call the simulator created');
    // Whichever came first, the card or the notifications, the card shows the newest state.
    assert.match(cardSays(cardId), /Connected/);
    assert.match(cardSays(cardId), /Adele Vance \| Joined/);
  });

  it('places a call to an @mentioned chat member through their Entra object id', async () => {
    await h.say('call', { mentions: [{ id: ADELE_MEMBER.id, name: ADELE_MEMBER.name }] });
    const [create] = h.createCallRequests();
    assert.deepEqual(userTargets(create!.body), [ADELE_MEMBER.aadObjectId]);
    assert.equal(create!.status, 201);

    await h.say('call', { mentions: [{ id: '29:1-stranger', name: 'Sam Stranger' }] });
    assert.equal(h.createCallRequests().length, 1, 'no call for a member the chat does not have');
    await h.connector.lineContaining('Sam Stranger');
  });

  it('places a group call to two people', async () => {
    const { cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    const [create] = h.createCallRequests();
    assert.deepEqual(userTargets(create!.body).sort(), [ADELE_ID, ALEX_ID].sort());
    assert.match(cardSays(cardId), /Group call/);
    assert.match(cardSays(cardId), /Adele Vance \| Joined/);
    assert.match(cardSays(cardId), /Alex Wilber \| Joined/);
  });

  it('says when the person called declines, and the card shows it', async () => {
    const { cardId } = await h.placeCall('call meganb@contoso.com');
    await h.connector.lineContaining('Megan Bowen declined');
    assert.match(cardSays(cardId), /Declined/);
    // One line says why it ended: no "#1 ended." before (or after) the decline.
    assert.deepEqual(h.connector.lines().filter((l) => l.includes('#1')), [h.connector.lines().find((l) => l.startsWith('Megan Bowen declined #1.'))]);
  });

  it('forgets the chat when Rally is removed from it: no conversation or call counter is kept', async () => {
    await h.placeCall('call adelev@contoso.com');
    await h.say('hangup');
    await h.settle();
    const kept = async () => (await readdir(h.dataDir, { recursive: true })).filter((f) => /^(conversations|chats)\//.test(String(f).replace(/\\/g, '/')) && String(f).endsWith('.json'));
    assert.equal((await kept()).length, 2, 'the chat was remembered');
    const response = await h.postActivity({ ...h.activityBase(), type: 'installationUpdate', action: 'remove', id: 'remove-1' });
    assert.equal(response.status, 200);
    assert.deepEqual(await kept(), []);
  });

  it('calls a phone number from the resource account, and refuses a number that is not one', async () => {
    await h.placeCall('call +1 425 555 0100');
    const [create] = h.createCallRequests();
    const body = create!.body as Json;
    assert.equal(body.source.identity.applicationInstance.id, PSTN_INSTANCE_ID);
    assert.equal(body.targets[0].identity.phone.id, '+14255550100');

    const before = graphTraffic().length;
    await h.say('call +1 555');
    assert.equal(graphTraffic().length, before, 'no Graph request for a bad number');
    assert.equal(h.createCallRequests().length, 1);
    assert.match(h.connector.lines().at(-1)!, /"\+1 555" is too short to be a phone number/);
  });

  it('invites a phone number into an active group call and reports the result once the operation completes', async () => {
    await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    await h.say('invite +14255550100');
    const [invite] = h.inviteRequests();
    const body = invite!.body as Json;
    assert.equal(body.participants.length, 1);
    assert.equal(body.participants[0].identity.phone.id, '+14255550100');
    assert.equal(typeof body.clientContext, 'string');
    assert.ok(body.clientContext.length > 0);
    await h.settle();
    await h.connector.lineContaining('+14255550100 joined the call');
  });

  it('escalates a one-to-one call: a group call, then an invite that replaces the one-to-one call', async () => {
    const p2p = await h.placeCall('call adelev@contoso.com');
    await h.say('escalate alexw@contoso.com');
    await h.settle();

    const creates = h.createCallRequests();
    assert.equal(creates.length, 2);
    assert.deepEqual(userTargets(creates[1]!.body), [ALEX_ID]);
    const invites = h.inviteRequests();
    assert.equal(invites.length, 1);
    const invite = invites[0]!.body as Json;
    assert.equal(invite.participants.length, 1);
    assert.equal(invite.participants[0].replacesCallId, p2p.callId);
    assert.equal(invite.participants[0].identity.user.id, ADELE_ID);
    const groupCallId = h.callIdOfCard(h.connector.cardPosts()[1]!.id);
    assert.ok(invites[0]!.url.endsWith(`/communications/calls/${groupCallId}/participants/invite`), 'the invite goes to the group call');

    assert.match(cardSays(p2p.cardId), /Moved/);
    // One move, one line: the one-to-one call's card shows where it went, and its end goes unsaid.
    assert.deepEqual(h.connector.lines().filter((l) => /moved|ended/.test(l)), ['Adele Vance moved into #2.']);
  });

  it('says once why the one-to-one party could not be moved into the group call when Graph refuses the move', async () => {
    const p2p = await h.placeCall('call adelev@contoso.com');
    h.sim.failNext({ method: 'POST', path: /\/participants\/invite$/, status: 403 });
    await h.say('escalate alexw@contoso.com');
    await h.settle();

    assert.equal(h.inviteRequests().length, 1);
    const refused = h.connector.lines().filter((l) => l.startsWith('Could not move'));
    assert.deepEqual(refused.length, 1, h.connector.lines().join('\n'));
    assert.match(refused[0]!, /^Could not move the one-to-one call into #2\. .*permission/);
    assert.match(cardSays(p2p.cardId), /Connected/, 'the one-to-one call goes on');
  });

  it('hangs up the call on "hangup" and the card ends up Ended', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
    await h.say('hangup');
    assert.equal(h.graph('DELETE', new RegExp(`^/communications/calls/${callId}$`)).length, 1);
    await h.settle();
    assert.match(cardSays(cardId), /Ended/);
  });

  it('acts once on a message Teams delivers twice', async () => {
    await h.say('call adelev@contoso.com', { id: 'msg-redelivered' });
    await h.say('call adelev@contoso.com', { id: 'msg-redelivered' });
    await h.settle();
    assert.equal(h.createCallRequests().length, 1);
    assert.equal(h.connector.cardPosts().length, 1);
  });

  it('names the missing Graph permission when Graph refuses for lack of it', async () => {
    h.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Calls.Initiate.All'));
    await h.say('call adelev@contoso.com');
    assert.equal(h.createCallRequests()[0]?.status, 403);
    await h.connector.lineContaining('Calls.Initiate.All');
    assert.equal(h.connector.cardPosts().length, 0);
  });

  it('says so when a call is not there: "status #9", and "hangup" with no call', async () => {
    await h.say('status #9');
    const missing = h.connector.lines().at(-1)!;
    assert.match(missing, /no call #9/);
    await h.say('hangup');
    assert.equal(h.connector.lines().length, 2);
    assert.match(h.connector.lines().at(-1)!, /no call going on/);
    assert.equal(graphTraffic().length, 0);
  });

  it('joins a meeting by id and passcode, and refuses a link it cannot read', async () => {
    await h.say('join 1234567 passcode psw123');
    const [create] = h.createCallRequests();
    assert.equal((create!.body as Json).meetingInfo.joinMeetingId, '1234567');
    assert.equal((create!.body as Json).meetingInfo.passcode, 'psw123');
    assert.equal(create!.status, 201);

    await h.say('join https://example.com/not-a-meeting');
    assert.equal(h.createCallRequests().length, 1);
    assert.match(h.connector.lines().at(-1)!, /not a Teams meeting link/);
  });

});
