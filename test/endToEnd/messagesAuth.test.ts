// /api/messages with an app id set: botbuilder checks the Bot Framework token on every activity. Signed here with
// local keys; botbuilder fetches them from the OpenID metadata stand-in. A refused activity gets 401 and does nothing.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import sinon from 'sinon';
import { BOT_APP_ID, CONNECTOR_TOKEN, StandInCredentialsFactory, botFrameworkEndpoints, channelToken } from './botFrameworkStandIn.js';
import { CallingKeyServer, newSigningKey } from './callingKeyServer.js';
import type { SigningKey, TokenOptions } from './callingKeyServer.js';
import { LogCapture } from '../support/logCapture.js';
import { RallyHarness, TENANT_ID } from './rallyHarness.js';

describe('inbound authentication on /api/messages (app id set)', () => {
  let keys: CallingKeyServer;
  let key: SigningKey;
  let unpublished: SigningKey;
  let h: RallyHarness;
  let logs: LogCapture;
  let keysClosed: boolean;

  before(async () => {
    [key, unpublished] = await Promise.all([newSigningKey(), newSigningKey()]);
  });

  beforeEach(async () => {
    // botbuilder writes each refusal to the console as well; Rally's own log line is asserted instead.
    sinon.stub(console, 'error');
    keys = await CallingKeyServer.start();
    keysClosed = false;
    keys.publish(key);
    logs = new LogCapture();
    h = await RallyHarness.start({
      simulator: { appId: BOT_APP_ID },
      env: {
        MicrosoftAppId: BOT_APP_ID,
        MicrosoftAppPassword: 'not-used-here',
        MicrosoftAppTenantId: TENANT_ID,
        // Graph tokens are never needed here; should one be asked for, it fails on loopback instead of going out.
        GRAPH_TOKEN_AUTHORITY: 'https://127.0.0.1:9',
      },
      parts: {
        log: logs.log,
        botFrameworkAuthentication: botFrameworkEndpoints(keys),
        botFrameworkCredentials: new StandInCredentialsFactory(BOT_APP_ID, 'not-used-here'),
      },
    });
  });

  afterEach(async () => {
    await h.close();
    if (!keysClosed) await keys.close();
    sinon.restore();
  });

  function helpMessage(): Record<string, unknown> {
    return { ...h.activityBase(), type: 'message', id: `msg-${randomUUID()}`, text: 'help' };
  }

  async function storedFiles(): Promise<string[]> {
    return (await readdir(h.dataDir, { recursive: true })).sort();
  }

  it('accepts a valid token: the turn runs and the reply goes out with the outbound token', async () => {
    const activity = helpMessage();

    const response = await h.postActivity(activity, `Bearer ${await channelToken(key, activity)}`);

    assert.equal(response.status, 200);
    const reply = await h.connector.nthPost(1);
    assert.equal(reply.authorization, `Bearer ${CONNECTOR_TOKEN}`);
  });

  const refusals: { name: string; authorization: (activity: Record<string, unknown>) => Promise<string | null> }[] = [
    { name: 'no Authorization header', authorization: async () => null },
    { name: 'a scheme other than Bearer', authorization: async (a) => `Basic ${await channelToken(key, a)}` },
    { name: 'a bad signature', authorization: async (a) => `Bearer ${await channelToken(unpublished, a, { kid: key.kid })}` },
    { name: 'an expired token (beyond the 5 minutes of clock tolerance)', authorization: async (a) => bearer(a, { expiresIn: -600 }) },
    { name: 'a token not valid yet', authorization: async (a) => bearer(a, { notBeforeIn: 600 }) },
    { name: 'another app id as audience', authorization: async (a) => bearer(a, { audience: '00000000-0000-0000-0000-000000000001' }) },
    { name: 'another issuer', authorization: async (a) => bearer(a, { issuer: 'https://sts.example.com/' }) },
    { name: 'a serviceUrl claim other than the activity\'s', authorization: async (a) => bearer(a, { claims: { serviceurl: 'https://smba.example.com/' } }) },
    { name: 'alg: none', authorization: async (a) => `Bearer ${unsigned(a)}` },
    { name: 'a key that is not in the published key set', authorization: async (a) => `Bearer ${await channelToken(unpublished, a)}` },
  ];

  function bearer(activity: Record<string, unknown>, options: TokenOptions): Promise<string> {
    return channelToken(key, activity, options).then((t) => `Bearer ${t}`);
  }

  /** Valid claims, no signature, naming the published key: what someone who cannot sign would send. */
  function unsigned(activity: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = part({ alg: 'none', typ: 'JWT', kid: key.kid });
    return `${header}.${part({ iss: 'https://api.botframework.com', aud: BOT_APP_ID, serviceurl: activity.serviceUrl, iat: now, nbf: now, exp: now + 300 })}.`;
  }

  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with 401, and nothing is posted or stored`, async () => {
      const before = await storedFiles();
      const activity = helpMessage();

      const response = await h.postActivity(activity, await refusal.authorization(activity));

      assert.equal(response.status, 401);
      assert.deepEqual(h.connector.sent, []);
      assert.deepEqual(await storedFiles(), before);
      assert.ok(logs.records().some((r) => r.msg === 'activity refused: its token did not pass'), 'Rally logs the refusal');
    });
  }

  // Without the keys Rally cannot tell a genuine activity from a forged one: it runs nothing, and the fault is its own
  // (or the network's), so it answers 503, not the sender's 401 nor the adapter's bare 500, and logs it once.
  const keyOutages: { name: string; cause: () => Promise<void> }[] = [
    { name: 'the signing key set answers 500', cause: async () => void (keys.failing.jwks = 500) },
    { name: 'the OpenID metadata answers 503', cause: async () => void (keys.failing.metadata = 503) },
    {
      name: 'the key server cannot be reached',
      cause: async () => {
        await keys.close();
        keysClosed = true;
      },
    },
  ];

  for (const outage of keyOutages) {
    it(`answers 503 with one error line when ${outage.name}, and runs nothing`, async () => {
      const before = await storedFiles();
      await outage.cause();
      const activity = helpMessage();

      const response = await h.postActivity(activity, `Bearer ${await channelToken(key, activity)}`);

      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), { error: 'botFrameworkKeysUnavailable' });
      assert.deepEqual(h.connector.sent, []);
      assert.deepEqual(await storedFiles(), before);
      const lines = logs.records().filter((r) => r.level >= 40);
      assert.deepEqual(
        lines.map((r) => ({ level: r.level, msg: r.msg, code: r.err?.code })),
        [{ level: 50, msg: 'activity not checked: the Bot Framework signing keys are unavailable', code: 'botFrameworkKeysUnavailable' }],
      );
      assert.ok(lines[0].requestId, 'the line names the request');
    });
  }

  it('takes the same activity once the signing keys can be fetched again', async () => {
    keys.failing.jwks = 500;
    const activity = helpMessage();
    const token = `Bearer ${await channelToken(key, activity)}`;
    assert.equal((await h.postActivity(activity, token)).status, 503);

    delete keys.failing.jwks;
    const response = await h.postActivity(activity, token);

    assert.equal(response.status, 200);
    assert.equal(h.connector.sent.length, 1, 'the turn ran once');
  });
});
