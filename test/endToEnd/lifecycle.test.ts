// A call that ended is shown as ended, and nothing Rally stores grows forever.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { cardText } from './connectorStandIn.js';
import { RallyHarness } from './rallyHarness.js';

const CALLS = /^\/communications\/calls\/[^/]+$/;

describe('Lifecycle', function () {
  this.timeout(180_000);
  let h: RallyHarness;

  afterEach(async () => {
    await h.close();
  });

  const cardSays = (cardId: string) => cardText(h.connector.latestCard(cardId));

  it('a call that ended while Rally was down is settled at the restart: its card shows the end and "calls" no longer lists it', async () => {
    h = await RallyHarness.start({ env: { RALLY_RECONCILE_INTERVAL: '5s' } });
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com');
    await h.rally.close();
    h.sim.endCall(callId);
    await h.sim.idle();

    await h.startRally();
    await h.connector.until(() => /Ended/.test(cardSays(cardId)), 'the card showing the end', 15_000);
    // The line follows the card's update; waiting for it keeps it from landing after the answer to "calls".
    await h.connector.lineContaining('#1 ended.');
    assert.ok(h.graph('GET', CALLS).length >= 1, 'Rally asked Graph about the call');
    await h.say('calls');
    assert.equal(h.connector.lines().at(-1), 'No calls are going on from this chat.');
  });

  it('"hangup" on a call Graph no longer has says so once, shows the end on the card, and "calls" stops listing it', async () => {
    h = await RallyHarness.start();
    const { cardId } = await h.placeCall('call adelev@contoso.com');
    h.sim.failNext({ method: 'DELETE', path: CALLS, status: 404 });

    const before = h.connector.lines().length;
    await h.say('hangup');
    await h.settle();
    // One answer for one action: the refusal says the call is gone, and no "#1 ended." line repeats it.
    assert.deepEqual(h.connector.lines().slice(before), ['That call no longer exists; it may have ended already.']);
    assert.match(cardSays(cardId), /Ended/);
    await h.say('calls');
    assert.equal(h.connector.lines().at(-1), 'No calls are going on from this chat.');
  });

  it('with RALLY_RETENTION=5s, 300 calls placed and ended leave the store as it was, while a live call keeps working', async () => {
    h = await RallyHarness.start({ env: { RALLY_RETENTION: '5s', CALL_RATE_LIMIT: 'off' } });
    const live = await h.placeCall('call adelev@contoso.com');
    await h.settle();
    const before = await records(h.dataDir);

    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const chat = `a:retention-${batch}-${i}`;
          await h.say('call adelev@contoso.com', { conversationId: chat });
          await h.say('hangup', { conversationId: chat });
        }),
      );
    }
    await h.settle();
    assert.equal(h.graph('DELETE', CALLS).length, 300);
    const grown = await records(h.dataDir);
    // Some are already swept by now (5 s retention): what matters is that the store grew and comes back.
    assert.ok(grown.length > before.length + 300, `the 300 calls were stored (${grown.length} records)`);

    await eventually(async () => {
      const now = await records(h.dataDir);
      assert.ok(now.length <= before.length + 5, `${now.length} records now, ${before.length} before:\n${now.filter((f) => !before.includes(f)).slice(0, 20).join('\n')}`);
    }, 30_000);

    await h.say('status');
    assert.match(h.connector.lines().at(-1)!, /^#1: call, connected, Adele Vance \(joined\)\. Its card above/);
    await h.say('hangup');
    await h.settle();
    assert.match(cardSays(live.cardId), /Ended/);
  });
});

/** Every record file of the embedded store (temp files and the lock are not records). */
async function records(dataDir: string): Promise<string[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.includes('.tmp-')).map((e) => `${e.parentPath}/${e.name}`.slice(dataDir.length));
}

/** Retries an assertion until it holds or the deadline passes (for work Rally does on its own schedule). */
async function eventually(check: () => Promise<void>, deadlineMs: number): Promise<void> {
  const giveUp = Date.now() + deadlineMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > giveUp) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
