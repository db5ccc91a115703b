// Local mode (no MicrosoftAppId) has no call rate limit unless CALL_RATE_LIMIT sets one: trying the README's demo a few
// times over must not end in "try again in 5 minutes". Outside local mode the default stays 10 per 5 minutes.
import assert from 'node:assert/strict';
import { RallyHarness } from './rallyHarness.js';

describe('the call rate limit in local mode, through the real server', function () {
  this.timeout(30_000);
  let h: RallyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('lets one person start more than 10 calls and invitations in 5 minutes', async () => {
    h = await RallyHarness.start();
    const harness = h;
    const chats = Array.from({ length: 12 }, (_, i) => `a:local-demo-${i}`);

    for (const chat of chats) assert.equal(await harness.say('call adelev@contoso.com', { conversationId: chat }), 200);
    await h.say('call adelev@contoso.com alexw@contoso.com');
    await h.say('invite +14255550100');
    await h.settle();

    const said = h.connector.posts().map((p) => String(p.activity.text ?? ''));
    assert.ok(!said.some((text) => /many calls and invitations/.test(text)), said.join('\n'));
    assert.equal(h.createCallRequests().filter((r) => r.status === 201).length, 13);
    assert.equal(h.inviteRequests().length, 1);
  });

  it('keeps a CALL_RATE_LIMIT that is set', async () => {
    h = await RallyHarness.start({ env: { CALL_RATE_LIMIT: '2/5m' } });
    await h.placeCall('call adelev@contoso.com');
    await h.placeCall('call adelev@contoso.com');
    const before = h.connector.posts().length;

    assert.equal(await h.say('call adelev@contoso.com'), 200);

    assert.match(String(h.connector.posts()[before]?.activity.text), /^You have started many calls and invitations in a short time/);
    assert.equal(h.createCallRequests().length, 2);
  });
});
