// `bridge [title]` end to end: Rally makes a Teams meeting for the person who asked (Graph's onlineMeetings
// createOrGet, at the simulator), joins it with the meeting's chatInfo and organizer, and posts one bridge card with
// its Join link, id and passcode; the bridge is the chat's call for invite and page; ending it leaves a summary.
import assert from 'node:assert/strict';
import { cardText } from './connectorStandIn.js';
import type { CardJson } from './connectorStandIn.js';
import { ME, RallyHarness, TENANT_ID } from './rallyHarness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

function actionsOf(card: CardJson): Json[] {
  return card.actions as Json[];
}

describe('bridge over HTTP', function () {
  let h: RallyHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('makes a meeting for the requester in their language, joins it, and posts one card with Join, id and passcode', async () => {
    h = await RallyHarness.start({ conversationType: 'groupChat' });
    await h.say('bridge Sev1: checkout, payments down', { locale: 'fr-FR' });
    await h.settle();

    const [made] = h.graph('POST', /^\/users\/[^/]+\/onlineMeetings\/createOrGet$/);
    assert.ok(made, h.connector.summary().join('\n'));
    assert.ok(made.url.includes(`/users/${ME.aadObjectId}/`), 'the requester organizes the meeting');
    assert.equal((made.body as Json).subject, 'Sev1: checkout, payments down');
    assert.match((made.body as Json).externalId, /^[\w-]{16,}$/);
    assert.equal(made.headers['accept-language'], 'fr-FR');
    const meeting = h.sim.meetingsCreated[0]!.body as Json;

    const [join] = h.createCallRequests();
    assert.equal(join?.status, 201);
    const body = join.body as Json;
    assert.equal(body.chatInfo.threadId, meeting.chatInfo.threadId);
    assert.equal(body.chatInfo.messageId, '0');
    assert.equal(body.meetingInfo['@odata.type'], '#microsoft.graph.organizerMeetingInfo');
    assert.equal(body.meetingInfo.organizer.user.id, ME.aadObjectId);
    assert.equal(body.tenantId, TENANT_ID);

    assert.equal(h.connector.cardPosts().length, 1, 'one card for the bridge');
    const card = h.connector.latestCard(h.connector.cardPosts()[0]!.id);
    const text = cardText(card);
    assert.match(text, /Sev1: checkout, payments down/);
    // The card speaks the requester's French too.
    assert.match(text, /#1 · Pont/);
    assert.match(text, /Connecté/);
    const spacedId = String(meeting.joinMeetingIdSettings.joinMeetingId).replace(/(\d{3})(?=\d)/g, '$1 ');
    assert.match(text, new RegExp(`ID de réunion ${spacedId} · Code secret ${meeting.joinMeetingIdSettings.passcode}`));
    const joinButton = actionsOf(card).find((a) => a.type === 'Action.OpenUrl');
    assert.deepEqual([joinButton?.title, joinButton?.url], ['Rejoindre', meeting.joinWebUrl]);
    assert.deepEqual(actionsOf(card).map((a) => a.title), ['Rejoindre', 'Inviter', 'Alerter', 'Fermer le pont', 'Actualiser']);
    assert.deepEqual(h.connector.lines(), [], 'the card is the answer');
  });

  it('is the chat\'s call: invite and page with no #n act on it, the roster fills in, and End bridge leaves its summary', async () => {
    h = await RallyHarness.start({ conversationType: 'groupChat' });
    await h.say('bridge');
    await h.settle();
    const cardId = h.connector.cardPosts()[0]!.id;
    const callId = h.callIdOfCard(cardId);
    assert.match(cardText(h.connector.latestCard(cardId)), /Bridge [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d\s[AP]M UTC/u, 'a bridge with no title is named for when it was opened');

    await h.say('invite adelev@contoso.com');
    await h.settle();
    const [invite] = h.inviteRequests();
    assert.ok(invite?.url.includes(callId), 'the invite goes into the bridge');
    assert.match(cardText(h.connector.latestCard(cardId)), /Adele Vance \| In since \{\{TIME\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\}\}/);

    await h.say('page alexw@contoso.com');
    await h.settle();
    const invites = h.inviteRequests();
    assert.equal(invites.length, 2, h.connector.summary().join('\n'));
    assert.ok(invites[1]!.url.includes(callId), 'the person who accepted the page is brought into the bridge');
    await h.connector.until(() => /Alex Wilber \| In since/.test(cardText(h.connector.latestCard(cardId))), 'Alex in the bridge');

    const answer = await h.press(cardId, 'hangup', h.buttonData(cardId, 'hangup'));
    assert.equal(answer.status, 200);
    await h.settle();
    assert.equal(h.graph('DELETE', new RegExp(`^/communications/calls/${callId}$`)).length, 1);
    const ended = h.connector.latestCard(cardId);
    assert.match(cardText(ended), /Ended/);
    assert.match(cardText(ended), /hung up by Pat Organizer/);
    assert.ok(!actionsOf(ended).some((a) => a.type === 'Action.OpenUrl'), 'an ended bridge offers no Join');
  });

  it('"escalate" with the bridge as the chat\'s call invites into it: no second call, no second card', async () => {
    h = await RallyHarness.start({ conversationType: 'groupChat' });
    await h.say('bridge');
    await h.settle();
    const callId = h.callIdOfCard(h.connector.cardPosts()[0]!.id);
    await h.say('escalate alexw@contoso.com');
    await h.settle();
    assert.equal(h.createCallRequests().length, 1);
    const [invite] = h.inviteRequests();
    assert.ok(invite?.url.includes(callId), h.connector.summary().join('\n'));
    assert.equal(h.connector.cardPosts().length, 1);
  });

  it('pages the people typed on the card, in turn, into the bridge', async () => {
    h = await RallyHarness.start({ conversationType: 'groupChat' });
    await h.say('bridge Sev2');
    await h.settle();
    const cardId = h.connector.cardPosts()[0]!.id;
    const answer = await h.press(cardId, 'pageInto', { ...h.buttonData(cardId, 'pageInto'), people: 'meganb@contoso.com, alexw@contoso.com' });
    assert.equal(answer.status, 200);
    await h.settle();
    const pageCard = h.connector.cardPosts()[1];
    assert.ok(pageCard, h.connector.summary().join('\n'));
    await h.connector.until(() => /Alex Wilber \| In since/.test(cardText(h.connector.latestCard(cardId))), 'Alex paged into the bridge');
    assert.ok(h.inviteRequests().every((r) => r.url.includes(h.callIdOfCard(cardId))));
  });

  it('without the tenant\'s access policy, tells the chat in one line what an admin must run, and places nothing', async () => {
    h = await RallyHarness.start({ simulator: { meetingAccessPolicy: 'none' } });
    await h.say('bridge');
    await h.settle();
    assert.deepEqual(h.connector.lines(), [
      'Rally may not create Teams meetings for you yet: a Teams admin must run, in Teams PowerShell, New-CsApplicationAccessPolicy -Identity Rally-Bridges ' +
        '-AppIds "rally-local"; Grant-CsApplicationAccessPolicy -PolicyName Rally-Bridges -Global (or -Identity with each organizer instead of -Global). Nothing was created.',
    ]);
    assert.equal(h.createCallRequests().length, 0);
    assert.equal(h.connector.cardPosts().length, 0);
  });

  it('a message delivered twice makes one meeting and one card', async () => {
    h = await RallyHarness.start();
    await h.say('bridge Sev3', { id: 'msg-bridge-twice' });
    await h.say('bridge Sev3', { id: 'msg-bridge-twice' });
    await h.settle();
    assert.equal(h.sim.meetingsCreated.length, 1);
    assert.equal(h.createCallRequests().length, 1);
    assert.equal(h.connector.cardPosts().length, 1);
  });

  it('refuses a title too long for a meeting in one sentence, and asks Graph nothing', async () => {
    h = await RallyHarness.start();
    await h.say(`bridge ${'x'.repeat(300)}`);
    await h.say(`bridge ${'y'.repeat(2000)}`);
    assert.deepEqual(h.connector.lines(), [
      'That title is too long for a bridge (at most 200 characters); give a shorter one.',
      'That message is too long for a command (at most 2000 characters).',
    ]);
    assert.equal(h.sim.requests.length, 0);
  });
});
