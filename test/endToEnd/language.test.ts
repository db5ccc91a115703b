// The language travels with the request: a card first posted for a French chat is updated in French when Graph's
// notifications say the call ended, though the hang-up was asked for in English and the update is Rally's own report;
// a line Rally posts later, on Graph's word, is said in the language of the chat that asked.
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

  it('a chat in German is told later, in German, that the person called declined, and hears "calls" in its language', async () => {
    await h.say('call meganb@contoso.com', { locale: 'de-DE' });
    const line = await h.connector.lineContaining('abgelehnt');
    assert.match(line, /^Megan Bowen hat #1 abgelehnt\./, h.connector.summary().join('\n'));
    assert.doesNotMatch(h.connector.lines().join('\n'), /^Megan Bowen declined/m, 'no English line about the call');

    await h.say('calls', { locale: 'de-DE' });
    assert.equal(await h.connector.lineContaining('Anrufe'), 'Aus diesem Chat laufen keine Anrufe.');
  });
});
