// A chat whose Teams client speaks French sends the French titles of Rally's command menu: over HTTP, `appeler`
// places the call `call` would, and `raccrocher` hangs it up, in a chat that mixes in English words.
import assert from 'node:assert/strict';
import { cardText } from './connectorStandIn.js';
import { RallyHarness } from './rallyHarness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

const ADELE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';

describe('command words in the person\'s language over HTTP', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    h = await RallyHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('places a call from a French chat\'s "appeler", and hangs it up with "raccrocher"', async () => {
    await h.say('Appeler adelev@contoso.com', { locale: 'fr-FR' });
    const [created] = h.createCallRequests();
    assert.equal(created?.status, 201, h.connector.summary().join('\n'));
    assert.deepEqual((created.body as Json).targets.map((t: Json) => t.identity.user?.id), [ADELE_ID]);
    await h.settle();
    const [posted] = h.connector.cardPosts();
    assert.ok(posted, h.connector.summary().join('\n'));
    assert.match(cardText(h.connector.latestCard(posted.id)), /Appel individuel/);

    await h.say('raccrocher #1', { locale: 'fr-FR' });
    await h.settle();
    assert.equal(h.graph('DELETE', /^\/communications\/calls\/[^/]+$/).length, 1, 'the call was hung up');
    assert.match(cardText(h.connector.latestCard(posted.id)), /Terminé/);
  });
});
