// The language travels with the request: a card first posted for a French chat is updated in French when Graph's
// notifications say the call ended, though the hang-up was asked for in English and the update is Rally's own report.
import assert from 'node:assert/strict';
import { cardText } from './connectorStandIn.js';
import { RallyHarness } from './rallyHarness.js';

describe('the person\'s language over HTTP', function () {
  let h: RallyHarness;
  beforeEach(async () => {
    h = await RallyHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a chat in French gets the card posted later, at the call\'s end, in French', async () => {
    await h.say('call adelev@contoso.com', { locale: 'fr-FR' });
    await h.settle();
    const [posted] = h.connector.cardPosts();
    assert.ok(posted, h.connector.summary().join('\n'));
    assert.match(cardText(h.connector.latestCard(posted.id)), /Appel individuel/);

    await h.say('hangup', { locale: 'en-US' });
    await h.settle();
    const ended = cardText(h.connector.latestCard(posted.id));
    assert.match(ended, /Terminé/, ended);
    assert.match(ended, /Adele Vance \| (A rejoint \(\d+ s\)|A participé)/, ended);
    assert.doesNotMatch(ended, /Ended|Hang up|Refresh/, ended);
    assert.equal(h.connector.cardPosts().length, 1, 'the same card, updated in place');
  });
});
