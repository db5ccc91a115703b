// An instance that dies between posting a call's card and recording its id: the other instance posts the card afresh
// once the claim lapses, the call's news lands on it, and the copy whose id was lost answers every press (and every
// refresh Teams asks for) with the call as it is now. Two Rally processes share one Blob Storage container on Azurite.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startAzurite } from '../support/azurite.js';
import type { Azurite } from '../support/azurite.js';
import { cardText } from './connectorStandIn.js';
import type { CardJson } from './connectorStandIn.js';
import { ME, RallyHarness } from './rallyHarness.js';

const verbsOf = (card: CardJson): string[] => ((card.actions ?? []) as { verb?: string }[]).map((a) => a.verb!);

describe('A card whose poster died before it recorded the card', function () {
  this.timeout(120_000);
  let azurite: Azurite;
  let h: RallyHarness;

  before(async function () {
    this.timeout(30_000);
    azurite = await startAzurite();
    h = await RallyHarness.start({
      instances: 2,
      env: { RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, RALLY_BLOB_CONTAINER: `rally-${randomUUID().slice(0, 8)}` },
    });
  });
  after(async () => {
    await h?.close();
    await azurite?.stop();
  });

  it('is posted afresh by the other instance, shows the call to its end, and the lost copy answers with the current card', async () => {
    const held = h.connector.holdCardPosts();
    h.pin(0);
    // A's turn never ends: it waits for the card's id, and A dies waiting.
    const turn = h.say('call adelev@contoso.com').catch(() => undefined);
    const lostCopy = await held.arrived;
    await h.crash(0);
    held.stop();
    h.pin(1);
    await turn;
    const callId = h.callIdOfCard(lostCopy);
    assert.match(cardText(h.connector.latestCard(lostCopy)), /Connecting|Ringing/, 'the lost copy was posted before Graph said more');

    // B tells the chat the call's news, and so posts the card A never recorded.
    await h.connector.until((c) => c.cardPosts().length === 2, 'a fresh card from B', 40_000);
    const fresh = h.connector.cardPosts()[1]!.id;
    assert.equal(h.callIdOfCard(fresh), callId);
    await h.connector.until(() => /Connected/.test(cardText(h.connector.latestCard(fresh))), 'the fresh card showing the call connected', 20_000);
    // Teams refreshes it by itself for the person who asked.
    assert.ok((h.connector.latestCard(fresh).refresh.userIds as string[]).includes(ME.id));

    h.sim.endCall(callId);
    await h.connector.until(() => /Ended/.test(cardText(h.connector.latestCard(fresh))), 'the fresh card showing the end', 20_000);
    await h.connector.lineContaining('#1 ended', 20_000);
    assert.deepEqual(verbsOf(h.connector.latestCard(fresh)), ['refresh'], 'an ended call offers no live buttons');

    // The lost copy still shows "Connecting…" with live buttons. Teams' refresh, and any press on it, get the card as it is.
    const lostData = h.connector.latestCard(lostCopy).actions.find((a: { verb?: string }) => a.verb === 'hangup').data;
    for (const verb of ['refresh', 'hangup', 'invite']) {
      const answer = await h.press(lostCopy, verb, verb === 'invite' ? { ...lostData, people: 'alexw@contoso.com' } : lostData);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive', `${verb}: ${JSON.stringify(answer.body)}`);
      assert.match(cardText(answer.body.value), /Ended/);
      assert.deepEqual(verbsOf(answer.body.value), ['refresh']);
    }
    assert.equal(h.graph('DELETE', /^\/communications\/calls\//).length, 0, 'a press on the lost copy hung nothing up');
    assert.equal(h.inviteRequests().length, 0, 'nor invited anyone');
    assert.equal(h.createCallRequests().length, 1);
    assert.equal(h.connector.cardPosts().length, 2, h.connector.summary().join('\n'));
  });
});
