// The rest of commands.md and the card buttons end to end: calls, status, join by link and as guest, move,
// Refresh and Escalate buttons, and the refusals that point a person to the right command.
import assert from 'node:assert/strict';
import { DEFAULT_PERMISSIONS } from '../../src/simulator/index.js';
import { cardText } from './connectorStandIn.js';
import { RallyHarness, TENANT_ID } from './rallyHarness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

const ORGANIZER = '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96';
const ADELE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';
const meetingLink = (thread: string) =>
  `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(thread)}/0?context=${encodeURIComponent(JSON.stringify({ Tid: TENANT_ID, Oid: ORGANIZER }))}`;

describe('Rally commands and buttons over HTTP (lists, status, meetings, move)', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    h = await RallyHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists the chat\'s live calls with "calls"; "status" brings the call\'s one card up to date and says where it is', async () => {
    await h.say('calls');
    await h.connector.lineContaining('No calls are going on from this chat.');
    const { cardId } = await h.placeCall('call adelev@contoso.com');
    await h.say('calls');
    await h.connector.lineContaining('#1: call, connected, Adele Vance (joined)');
    const updatesBefore = h.connector.updates().length;
    await h.say('status #1');
    assert.equal(h.connector.cardPosts().length, 1, 'no second copy of the card');
    assert.ok(h.connector.updates().slice(updatesBefore).some((u) => u.id === cardId), 'the call\'s card was refreshed');
    assert.equal(h.connector.lines().at(-1), '#1: call, connected, Adele Vance (joined). Its card above shows it as it is now.');

    // And once the call ends, that one card shows it: there is no stale copy with a live Hang up button.
    await h.say('hangup');
    await h.settle();
    assert.match(cardText(h.connector.latestCard(cardId)), /Ended/);
    assert.doesNotMatch(JSON.stringify(h.connector.latestCard(cardId)), /"verb":"hangup"/);
  });

  it('joins a scheduled meeting from its link with chatInfo and organizerMeetingInfo', async () => {
    await h.placeCall(`join ${meetingLink('19:meeting_abc@thread.v2')}`);
    const body = h.createCallRequests()[0]!.body as Json;
    assert.deepEqual(body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: '19:meeting_abc@thread.v2', messageId: '0' });
    assert.equal(body.meetingInfo['@odata.type'], '#microsoft.graph.organizerMeetingInfo');
    assert.equal(body.meetingInfo.organizer.user.id, ORGANIZER);
    assert.equal(body.tenantId, TENANT_ID);
  });

  it('joins as a guest with the given name', async () => {
    await h.placeCall('join 1234567 passcode psw123 as guest Rally Helpdesk');
    const body = h.createCallRequests()[0]!.body as Json;
    assert.equal(body.source.identity.guest.displayName, 'Rally Helpdesk');
    assert.equal(body.meetingInfo.joinMeetingId, '1234567');
  });

  it('moves a participant between two meetings with participantId and replacesCallId', async () => {
    const first = await h.placeCall('join 1234567 passcode psw123');
    const second = await h.placeCall(`join ${meetingLink('19:meeting_other@thread.v2')}`);
    await h.say(`move ${ADELE_ID} from #1 to #2`);
    await h.settle();
    const [invite] = h.inviteRequests();
    assert.ok(invite, h.connector.summary().join('\n'));
    assert.ok(invite.url.includes(second.callId), 'the invite goes to the destination meeting');
    const [participant] = (invite.body as Json).participants;
    assert.equal((invite.body as Json).participants.length, 1);
    assert.equal(participant.replacesCallId, first.callId);
    assert.equal(typeof participant.participantId, 'string');
    assert.deepEqual(participant.identity.user, { '@odata.type': '#microsoft.graph.identity', id: ADELE_ID, identityProvider: 'AAD' });
    await h.connector.lineContaining('moved into the other meeting');
  });

  it('refuses to move someone who is not in the source meeting, without asking Graph', async () => {
    await h.placeCall('join 1234567 passcode psw123');
    await h.placeCall(`join ${meetingLink('19:meeting_other@thread.v2')}`);
    await h.say('move 6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a05 from #1 to #2');
    await h.connector.lineContaining('is not in #1 right now');
    assert.equal(h.inviteRequests().length, 0);
  });

  it('escalates a one-to-one call when someone invites into it: a group call card, the party moved in, one card each', async () => {
    const { callId } = await h.placeCall('call adelev@contoso.com');
    await h.say('invite alexw@contoso.com');
    await h.settle();
    assert.equal(h.connector.cardPosts().length, 2, h.connector.summary().join('\n'));
    const [invite] = h.inviteRequests();
    assert.equal((invite!.body as { participants: { replacesCallId?: string }[] }).participants[0]!.replacesCallId, callId);
    assert.match(cardText(h.connector.latestCard(h.connector.cardPosts()[0]!.id)), /Moved/);
  });

  it('asks which call when "hangup" could mean two, and hangs up nothing', async () => {
    await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    await h.placeCall('join 1234567 passcode psw123');
    await h.say('hangup');
    await h.connector.lineContaining('This chat has 2 calls going on (#1, #2): which one? Say "hangup #1"');
    assert.equal(h.graph('DELETE', /^\/communications\/calls\//).length, 0);
  });

  it('refuses to hang up for someone who may not place calls', async () => {
    await h.placeCall('call adelev@contoso.com');
    await h.close();
    h = await RallyHarness.start({ env: { ALLOWED_CALLERS: '11111111-1111-4111-8111-111111111111' } });
    await h.say('hangup');
    await h.connector.lineContaining('You are not allowed to place or change calls with Rally');
    assert.equal(h.graph('DELETE', /^\/communications\/calls\//).length, 0);
  });

  it('answers the Refresh button with the current card and asks Graph nothing', async () => {
    const { cardId } = await h.placeCall('call adelev@contoso.com');
    const before = h.sim.requests.length;
    const answer = await h.press(cardId, 'refresh', h.buttonData(cardId, 'refresh'));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(cardText(answer.body.value), /Connected/);
    assert.equal(h.sim.requests.length, before);
  });

  it('names Calls.InitiateGroupCall.All when the group call of an escalation is refused', async () => {
    await h.placeCall('call adelev@contoso.com');
    h.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Calls.InitiateGroupCall.All'));
    await h.say('escalate alexw@contoso.com');
    await h.connector.lineContaining('Calls.InitiateGroupCall.All');
    assert.equal(h.createCallRequests().filter((r) => r.status === 201).length, 1, 'only the one-to-one call was placed');
  });

  it('escalates from the Escalate button with the people typed into the card', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
    const answer = await h.press(cardId, 'escalate', { ...h.buttonData(cardId, 'escalate'), people: 'alexw@contoso.com' });
    assert.equal(answer.status, 200);
    await h.settle();
    assert.equal(h.createCallRequests().length, 2, 'a group call was created');
    const [invite] = h.inviteRequests();
    assert.equal((invite!.body as Json).participants[0].replacesCallId, callId);
    assert.match(cardText(h.connector.latestCard(cardId)), /Moved/);
  });
});
