// Calling notifications end to end: who may send them, odd delivery orders, and a restart in the middle of a call.
import assert from 'node:assert/strict';
// The simulator signs with one key per process, so a signer made here issues tokens its JWKS vouches for: the only
// way to send Rally a validly signed notification whose body the test chooses.
import { NotificationSigner } from '../../src/simulator/notificationSigner.js';
import { cardText } from './connectorStandIn.js';
import { RallyHarness, TENANT_ID } from './rallyHarness.js';

const OTHER_TENANT = '9c0ffee0-0000-4000-8000-000000000099';

/** A notification that says the call ended, as Graph would send it. */
const terminated = (callId: string) => ({
  value: [
    {
      '@odata.type': '#microsoft.graph.commsNotification',
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${callId}`,
      resourceData: {
        '@odata.type': '#microsoft.graph.call',
        '@odata.id': `/communications/calls/${callId}`,
        state: 'terminated',
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code: 200, subcode: 4521, message: 'The peer hung up.' },
      },
    },
  ],
});

describe('Rally calling notifications over HTTP', function () {
  let h: RallyHarness;
  afterEach(async () => {
    await h.close();
  });

  const notify = async (body: unknown, authorization?: string): Promise<number> => {
    const response = await fetch(`${h.url}/api/calling`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    await response.text();
    return response.status;
  };

  describe('who may notify', () => {
    beforeEach(async () => {
      h = await RallyHarness.start();
    });

    it('refuses notifications without a token or with a bad one, and the card stays as it was', async () => {
      const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
      const sentBefore = h.connector.sent.length;
      const strangerToken = await (await NotificationSigner.create('some-other-bot')).token(TENANT_ID);

      assert.equal(await notify(terminated(callId)), 401);
      assert.equal(await notify(terminated(callId), 'Bearer not-a-jwt'), 401);
      assert.equal(await notify(terminated(callId), `Bearer ${strangerToken}`), 401, 'a token for another audience');
      await h.rally.idle();
      assert.equal(h.connector.sent.length, sentBefore);
      assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);

      // The same body with a valid token is applied: the refusals above were about the token, not the body.
      const token = await (await NotificationSigner.create('rally-local')).token(TENANT_ID);
      assert.equal(await notify(terminated(callId), `Bearer ${token}`), 202);
      await h.rally.idle();
      assert.match(cardText(h.connector.latestCard(cardId)), /Ended/);
    });

    it('answers 400 to a body that is not a notification envelope, even with a valid token', async () => {
      const token = await (await NotificationSigner.create('rally-local')).token(TENANT_ID);
      assert.equal(await notify({ value: 'not a list' }, `Bearer ${token}`), 400);
      assert.equal(await notify('{"value": [', `Bearer ${token}`), 400);
    });

    it('does not let a validly signed notification from another tenant change a call', async () => {
      const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
      const token = await (await NotificationSigner.create('rally-local')).token(OTHER_TENANT);
      await notify(terminated(callId), `Bearer ${token}`);
      await h.rally.idle();
      assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);
      assert.ok(!h.connector.lines().some((l) => l.includes('ended')), h.connector.lines().join('\n'));
    });
  });

  it('ends Connected with one set of lines when notifications come out of order and twice', async () => {
    h = await RallyHarness.start({ simulator: { establishedBeforeEstablishing: true, duplicateDeliveries: true } });
    const { cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    await h.say('invite +14255550100');
    await h.settle();

    assert.ok(h.sim.deliveries.length > 0);
    assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);
    const joined = h.connector.lines().filter((l) => l.includes('+14255550100 joined the call'));
    assert.equal(joined.length, 1, h.connector.lines().join('\n'));
    const lines = h.connector.lines();
    assert.equal(new Set(lines).size, lines.length, `a line was posted twice:\n${lines.join('\n')}`);
    assert.equal(h.connector.cardPosts().length, 1);
  });

  it('updates the original card after Rally restarts in the middle of a call', async () => {
    h = await RallyHarness.start();
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
    await h.rally.close();
    await h.startRally();

    h.sim.endCall(callId);
    await h.settle();

    const last = h.connector.updates().at(-1);
    assert.equal(last?.id, cardId, 'the card posted before the restart is the one updated');
    assert.match(cardText(h.connector.latestCard(cardId)), /Ended/);
    await h.connector.lineContaining('#1 ended');
  });
});
