// Blob Storage down mid-run: Graph's notifications get a 5xx (so Graph delivers them again), a chat command gets one
// clear line, nothing acknowledged is lost, and Rally recovers by itself when the store is back.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startAzurite } from '../support/azurite.js';
import type { Azurite } from '../support/azurite.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';
import { cardText } from './connectorStandIn.js';
import { waitFor } from '../support/waitFor.js';
import { RallyHarness } from './rallyHarness.js';

describe('Blob Storage stopped and started again mid-run', function () {
  this.timeout(90_000);
  let azurite: Azurite;
  let data: TempDirectory;
  let h: RallyHarness;

  before(async function () {
    this.timeout(30_000);
    data = await makeTempDirectory('rally-azurite-data-');
    azurite = await startAzurite({ location: data.path });
  });
  after(async () => {
    await h?.close();
    await azurite.stop();
    await data.remove();
  });

  it('answers notifications 5xx and a command with one line while it is down, then shows the end once it is back', async () => {
    h = await RallyHarness.start({
      // Graph keeps delivering a notification that got no 2xx; here for about 20 s.
      simulator: { deliveryRetries: 40, deliveryDelayMs: 500 },
      env: { RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, RALLY_BLOB_CONTAINER: `rally-${randomUUID().slice(0, 8)}` },
    });
    await h.say('call adelev@contoso.com');
    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'a Connected card', 10_000);
    const cardId = h.connector.cardPosts()[0]!.id;
    const callId = h.callIdOfCard(cardId);

    await azurite.stop();
    const linesBefore = h.connector.lines().length;
    await h.say('calls');
    assert.deepEqual(h.connector.lines().slice(linesBefore), ["Rally can't save its records right now, so it did nothing; please try again in a minute."]);

    h.sim.endCall(callId);
    await waitFor(() => h.sim.deliveries.some((d) => (d.status ?? 0) >= 500 && JSON.stringify(d.body).includes('terminated')), 'a 5xx for terminated');
    assert.doesNotMatch(cardText(h.connector.latestCard(cardId)), /Ended/);

    await azurite.restart();
    await h.connector.until(() => /Ended/.test(cardText(h.connector.latestCard(cardId))), 'the card showing the end', 30_000);
    assert.equal(h.connector.cardPosts().length, 1);
  });
});
