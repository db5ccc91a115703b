// The call card's buttons (Action.Execute → adaptiveCard/action invokes), end to end.
import assert from 'node:assert/strict';
import { cardText } from './connectorStandIn.js';
import { RallyHarness } from './rallyHarness.js';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

describe('Rally call card buttons over HTTP', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    h = await RallyHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('"Hang up" deletes the call and answers with the refreshed card', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
    const answer = await h.press(cardId, 'hangup', h.buttonData(cardId, 'hangup'));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.statusCode, 200);
    assert.equal(answer.body.type, ADAPTIVE);
    assert.equal(h.graph('DELETE', new RegExp(`^/communications/calls/${callId}$`)).length, 1);
    await h.settle();
    assert.match(cardText(h.connector.latestCard(cardId)), /Ended/);
  });

  it('"Invite" invites the people typed into the card, once even when pressed twice on the same card', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    const data = { ...h.buttonData(cardId, 'invite'), people: '+14255550100' };

    const first = await h.press(cardId, 'invite', data);
    const second = await h.press(cardId, 'invite', data);
    assert.equal(first.body.type, ADAPTIVE);
    assert.equal(second.body.type, ADAPTIVE);

    const invites = h.inviteRequests();
    assert.equal(invites.length, 1, 'a double click invites once');
    assert.ok(invites[0]!.url.endsWith(`/communications/calls/${callId}/participants/invite`));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
    const body = invites[0]!.body as any;
    assert.equal(body.participants[0].identity.phone.id, '+14255550100');
    await h.settle();
    await h.connector.lineContaining('+14255550100 joined the call');
  });

  it('"Invite" pressed twice at the same moment (a double click that reaches Rally twice at once) still invites once', async () => {
    const { cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    const data = { ...h.buttonData(cardId, 'invite'), people: '+14255550100' };
    const answers = await Promise.all([h.press(cardId, 'invite', data), h.press(cardId, 'invite', data)]);
    assert.deepEqual(answers.map((a) => a.status), [200, 200]);
    assert.equal(h.inviteRequests().length, 1);
  });

  it('answers a button for a call this chat does not have with a message, and sends nothing to Graph', async () => {
    const { cardId } = await h.placeCall('call adelev@contoso.com');
    const before = h.sim.requests.length;
    const answer = await h.press(cardId, 'hangup', { callId: 'a0a0a0a0-0000-4000-8000-00000000dead', rev: 'x' });
    assert.equal(answer.body.type, 'application/vnd.microsoft.activity.message');
    assert.equal(typeof answer.body.value, 'string');
    assert.equal(h.sim.requests.length, before);
  });
});
