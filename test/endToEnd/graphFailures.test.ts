// Graph failing under a `call` command, through the real server: one clear sentence in the chat, and never a second
// create-call request for a POST that may have gone through. Also the request body limit.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { FaultSpec } from '../../src/simulator/index.js';
import { RallyHarness } from './rallyHarness.js';

const CREATE_CALL = { method: 'POST', path: '/communications/calls' } as const;

describe('Graph failures under a call command', () => {
  let h: RallyHarness;

  afterEach(async () => {
    await h.close();
  });

  const failures: { name: string; fault: FaultSpec; says: RegExp }[] = [
    { name: '503', fault: { ...CREATE_CALL, status: 503 }, says: /HTTP 503.*did not send the request again.*may be ringing.*within 2 minutes/i },
    { name: 'no answer (timeout)', fault: { ...CREATE_CALL, hang: true }, says: /did not answer within 1 second.*did not send the request again.*may be ringing/i },
    { name: 'a reset connection', fault: { ...CREATE_CALL, reset: true }, says: /broke off.*may be ringing.*post its card here as soon as Graph confirms/i },
  ];

  for (const failure of failures) {
    it(`${failure.name}: one message in the chat, exactly one create-call request`, async () => {
      // Retries on, as deployed: a POST that may have reached Graph must still not be sent twice.
      h = await RallyHarness.start({ env: { GRAPH_TIMEOUT_MS: '1000', GRAPH_MAX_RETRIES: '3' } });
      h.sim.failNext(failure.fault);

      assert.equal(await h.say('call adelev@contoso.com'), 200);

      assert.equal(h.createCallRequests().length, 1);
      assert.equal(h.connector.posts().length, 1, h.connector.summary().join('\n'));
      assert.match(h.connector.lines()[0]!, failure.says);
      assert.equal(h.connector.cardPosts().length, 0);
    });
  }

  it('429 with Retry-After: waits as told, then places exactly one call', async () => {
    h = await RallyHarness.start({ env: { GRAPH_MAX_RETRIES: '3' } });
    h.sim.failNext({ ...CREATE_CALL, status: 429, retryAfterSeconds: 1 });

    const started = performance.now();
    await h.say('call adelev@contoso.com');
    const took = performance.now() - started;

    assert.deepEqual(h.createCallRequests().map((r) => r.status), [429, 201]);
    // The retry handler's own back-off starts at 3 s: a retry between 1 s and that was timed by Retry-After.
    assert.ok(took >= 1000 && took < 2900, `the call was placed after ${Math.round(took)} ms`);
    assert.equal(h.connector.cardPosts().length, 1);
  });
});

describe('request body limit', () => {
  let h: RallyHarness;

  before(async () => {
    h = await RallyHarness.start();
  });

  after(async () => {
    await h.close();
  });

  for (const path of ['/api/messages', '/api/calling']) {
    it(`${path}: a body over the limit gets 413 and nothing happens`, async () => {
      const stored = await readdir(h.dataDir, { recursive: true });
      const body = JSON.stringify({ ...h.activityBase(), type: 'message', id: 'msg-huge', text: `call adelev@contoso.com ${'x'.repeat(300 * 1024)}` });

      const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

      assert.equal(response.status, 413);
      assert.deepEqual(h.sim.requests, []);
      assert.deepEqual(h.connector.sent, []);
      assert.deepEqual(await readdir(h.dataDir, { recursive: true }), stored);
    });
  }
});
