// `join` alone in a meeting's own chat, end to end: the activity names the meeting in channelData.meeting.id, Rally
// asks the Bot Connector stand-in for the meeting's details (GET v1/meetings/{id}), and joins at the simulator with the
// meeting's thread and post as its join link names them (a scheduled meeting's chat thread and message id 0, or a
// channel meeting's channel and post), or the chat's thread and the organizer the details name.
import assert from 'node:assert/strict';
import { demoDirectory } from '../../src/simulator/index.js';
import { cardText } from './connectorStandIn.js';
import { ADELE_MEMBER, RallyHarness, TENANT_ID } from './rallyHarness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

const MEETING_THREAD = '19:meeting_ZTM0MmE4NzQtOGFiNS00YWI2LWE3ZjUtMmM1NjFhOTIwNmVk@thread.v2';
const MEETING_ID = 'MCMxOTptZWV0aW5nX1pUTTBNbUU0TnpRdE9HRmlOUzAwWVdJMkxXRTNaalV0TW1NMU5qRmhPVEl3Tm1Wa0B0aHJlYWQudjIjMA==';
const ORGANIZER = '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96';
/** A meeting held in a channel: its chat is the channel's thread, under the post the meeting hangs from. */
const CHANNEL = '19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2';
const CHANNEL_POST = '1733500000000';
const CHANNEL_MEETING_ID = 'MCMxOTphMWIyYzNkNGU1ZjYwNzE4MjkzYTRiNWM2ZDdlOGY5MEB0aHJlYWQudGFjdjIjMTczMzUwMDAwMDAwMA==';
/** What Teams puts on every activity from the meeting's chat. */
const IN_MEETING_CHAT = { conversationId: MEETING_THREAD, channelData: { meeting: { id: MEETING_ID } } };
const NO_ORGANIZER = 'Teams did not tell me who organizes this meeting; paste its join link instead.';

describe('"join" in a meeting\'s own chat over HTTP', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    // The simulator knows the meeting by its chat and its organizer: a join naming anyone else finds no meeting.
    const meeting = { threadId: MEETING_THREAD, organizerId: ORGANIZER, attendees: [{ id: ADELE_MEMBER.aadObjectId!, displayName: ADELE_MEMBER.name }] };
    const channelMeeting = { threadId: CHANNEL, organizerId: ORGANIZER, attendees: [] };
    h = await RallyHarness.start({ conversationType: 'groupChat', simulator: { directory: { ...demoDirectory, meetings: [meeting, channelMeeting], unknownMeetings: 'notFound' } } });
    h.connector.answerMeeting(MEETING_ID, {
      details: { id: MEETING_ID, title: 'Incident review', type: 'Scheduled' },
      conversation: { id: MEETING_THREAD, isGroup: true, conversationType: 'groupChat' },
      organizer: { id: '29:1-organizer', aadObjectId: ORGANIZER, tenantId: TENANT_ID },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  const graphTraffic = () => h.sim.requests.filter((r) => /^\/(v1\.0|beta)\//.test(r.url));

  /** Waits for the call card posted into the meeting's chat (the one card naming a call) and the call's notifications. */
  async function joinedCard(): Promise<string> {
    const callCards = () => h.connector.cardPosts().filter((p) => p.conversationId === MEETING_THREAD && /"verb":"refresh"/.test(JSON.stringify(p.activity)));
    await h.connector.until(() => callCards().length > 0, 'the call card in the meeting chat');
    await h.settle();
    assert.equal(callCards().length, 1);
    return callCards()[0]!.id;
  }

  function assertJoinedTheMeeting(): void {
    const [create] = h.createCallRequests();
    assert.equal(create?.status, 201, h.connector.summary().join('\n'));
    const body = create.body as Json;
    assert.deepEqual(body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: MEETING_THREAD, messageId: '0' });
    assert.equal(body.meetingInfo['@odata.type'], '#microsoft.graph.organizerMeetingInfo');
    assert.deepEqual(body.meetingInfo.organizer.user, { '@odata.type': '#microsoft.graph.identity', id: ORGANIZER, tenantId: TENANT_ID });
    assert.deepEqual(h.connector.meetingLookups, [MEETING_ID]);
  }

  it('joins the meeting of the chat it is typed in, and its card shows it connected', async () => {
    await h.say('join', IN_MEETING_CHAT);
    const cardId = await joinedCard();

    assertJoinedTheMeeting();
    assert.equal(h.sim.getCall(h.callIdOfCard(cardId))?.state, 'established');
    assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);
  });

  it("joins a channel meeting under its own post, as the meeting's join link names it", async () => {
    const inChannelMeeting = { conversationId: `${CHANNEL};messageid=${CHANNEL_POST}`, channelData: { meeting: { id: CHANNEL_MEETING_ID } } };
    const context = encodeURIComponent(JSON.stringify({ Tid: TENANT_ID, Oid: ORGANIZER, MessageId: CHANNEL_POST }));
    h.connector.answerMeeting(CHANNEL_MEETING_ID, {
      details: { id: CHANNEL_MEETING_ID, type: 'ChannelMeeting', joinUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(CHANNEL)}/${CHANNEL_POST}?context=${context}` },
      conversation: { id: inChannelMeeting.conversationId, conversationType: 'channel' },
      organizer: { id: '29:1-organizer', aadObjectId: ORGANIZER, tenantId: TENANT_ID },
    });
    await h.say('join', inChannelMeeting);
    await h.settle();
    const [create] = h.createCallRequests();
    assert.equal(create?.status, 201, h.connector.summary().join('\n'));
    const body = create.body as Json;
    assert.deepEqual(body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: CHANNEL, messageId: CHANNEL_POST, replyChainMessageId: CHANNEL_POST });
    assert.deepEqual(body.meetingInfo.organizer.user, { '@odata.type': '#microsoft.graph.identity', id: ORGANIZER, tenantId: TENANT_ID });
  });

  it('offers "Join this meeting" on the help card there, which joins it', async () => {
    await h.say('help', IN_MEETING_CHAT);
    const [help] = h.connector.cardPosts();
    const join = (help!.activity.attachments[0].content.actions as { title: string; verb: string; data: Record<string, unknown> }[]).find((a) => a.title === 'Join this meeting');
    assert.ok(join, 'the help card offers to join');

    // A double click: both copies of the press reach Rally at once, and the meeting is joined once.
    const answers = await Promise.all([h.press(help!.id, join.verb, join.data, IN_MEETING_CHAT), h.press(help!.id, join.verb, join.data, IN_MEETING_CHAT)]);
    assert.deepEqual(answers.map((a) => [a.status, a.body.type]), [[200, 'application/vnd.microsoft.card.adaptive'], [200, 'application/vnd.microsoft.card.adaptive']]);
    const cardId = await joinedCard();

    assertJoinedTheMeeting();
    assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);
    await h.settle();
    assert.equal(h.createCallRequests().length, 1, 'one join for the double click');
    assert.equal(h.connector.cardPosts().length, 2, 'the help card and one call card');

    // The copy of the help card the press was answered with is a new one: pressing it acts again.
    const fresh = (answers[0]!.body.value.actions as { title: string; verb: string; data: Record<string, unknown> }[]).find((a) => a.title === 'Join this meeting')!;
    assert.notEqual(fresh.data.copy, join.data.copy, 'each copy of the help card is its own');
  });

  it('refuses "join" outside a meeting chat in one sentence saying what to give, and asks nobody', async () => {
    await h.say('join');
    const line = await h.connector.lineContaining('This is not a meeting\'s chat');
    assert.match(line, /paste its join link, or its meeting id and passcode .*, or say "join" in the meeting's own chat\.$/);
    assert.deepEqual(h.connector.meetingLookups, []);
    assert.deepEqual(graphTraffic(), []);
  });

  it('says in one sentence that Teams did not name the organizer when the meeting\'s details are refused, and asks Graph nothing', async () => {
    await h.say('join', { ...IN_MEETING_CHAT, channelData: { meeting: { id: 'MCMxOTptZWV0aW5nX2dvbmVAdGhyZWFkLnYyIzA=' } } });
    await h.connector.lineContaining(NO_ORGANIZER);
    assert.deepEqual(h.connector.meetingLookups, ['MCMxOTptZWV0aW5nX2dvbmVAdGhyZWFkLnYyIzA=']);
    assert.deepEqual(graphTraffic(), []);
  });
});
