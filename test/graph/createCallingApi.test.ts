import assert from 'node:assert/strict';
import type { CallingApiError } from '../../src/calling/errors.js';
import { loadSettings, SettingsError } from '../../src/config/settings.js';
import { createCallingApi } from '../../src/graph/createCallingApi.js';
import { LOCAL_DEV_TOKEN } from '../../src/graph/tokenProvider.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { callCreated, peerToPeerCall, rejectionOf } from './graphFixtures.js';
import { loopbackCertificate, startLocalAuthority, tokenRequests } from './localAuthority.js';

const APP_ID = '5f8a1c2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b';

describe('createCallingApi', () => {
  let graph: LoopbackServer;

  beforeEach(async () => {
    graph = await LoopbackServer.start((request, res) =>
      request.url.endsWith('/unavailable')
        ? sendJson(res, 503, { error: { code: 'ServiceUnavailable', message: 'Try later.' } }, { 'retry-after': '0' })
        : sendJson(res, request.method === 'POST' ? 201 : 200, callCreated));
  });

  afterEach(() => graph.close());

  it('local mode: signs with the fixed dev token and talks to GRAPH_BASE_URL', async () => {
    const api = createCallingApi(loadSettings({ GRAPH_BASE_URL: `${graph.url}/v1.0` }));

    await api.createCall('tenant-a', peerToPeerCall);

    assert.equal(graph.requests[0]!.url, '/v1.0/communications/calls');
    assert.equal(graph.requests[0]!.headers.authorization, `Bearer ${LOCAL_DEV_TOKEN}`);
  });

  it('local mode without GRAPH_BASE_URL is refused rather than sending the dev token to the public Graph', () => {
    assert.throws(() => createCallingApi(loadSettings({})), (error: unknown) => error instanceof SettingsError && error.setting === 'GRAPH_BASE_URL');
  });

  it('takes the retry count from GRAPH_MAX_RETRIES', async () => {
    const api = createCallingApi(loadSettings({ GRAPH_BASE_URL: `${graph.url}/v1.0`, GRAPH_MAX_RETRIES: '1' }));

    const error = await rejectionOf(api.getCall('tenant-a', 'unavailable'));

    assert.equal((error as CallingApiError).code, 'graphUnavailable');
    assert.equal(graph.requests.length, 2);
  });

  it('with an app registration: a client-secret token per tenant from the authority, sent to Graph', async () => {
    const certificate = await loopbackCertificate();
    const authority = await startLocalAuthority(certificate);
    try {
      const settings = loadSettings({
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'local-test-secret',
        GRAPH_BASE_URL: `${graph.url}/v1.0`,
        GRAPH_TOKEN_AUTHORITY: authority.url,
      });
      const api = createCallingApi(settings, { credentialOptions: { disableInstanceDiscovery: true, tlsOptions: { ca: certificate.cert } } });

      await api.createCall('tenant-a', peerToPeerCall);
      await api.getCall('tenant-b', callCreated.id);
      await api.getCall('tenant-a', callCreated.id);

      assert.deepEqual(graph.requests.map((r) => r.headers.authorization), [
        'Bearer token-for-tenant-a',
        'Bearer token-for-tenant-b',
        'Bearer token-for-tenant-a',
      ]);
      assert.deepEqual(tokenRequests(authority).map((r) => r.tenant), ['tenant-a', 'tenant-b']);
    } finally {
      await authority.close();
    }
  });
});
