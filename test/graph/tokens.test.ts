import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import sinon from 'sinon';
import { loadSettings } from '../../src/config/settings.js';
import { azureIdentityConstructors, graphCredentialFactory } from '../../src/graph/azureCredentials.js';
import type { CredentialConstructors } from '../../src/graph/azureCredentials.js';
import { CredentialTokenProvider, GRAPH_DEFAULT_SCOPE, LOCAL_DEV_TOKEN, localTokenProvider } from '../../src/graph/tokenProvider.js';
import type { LoopbackServer } from '../support/loopbackServer.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import { loopbackCertificate, startLocalAuthority, tokenRequests } from './localAuthority.js';
import type { LoopbackCertificate } from './localAuthority.js';

const APP_ID = '5f8a1c2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b';

function fakeCredential(token: string): TokenCredential & { getToken: sinon.SinonSpy } {
  const accessToken: AccessToken = { token, expiresOnTimestamp: Date.now() + 3_600_000 };
  return { getToken: sinon.fake.resolves(accessToken) };
}

function fakeConstructors(): { [K in keyof CredentialConstructors]: sinon.SinonSpy } {
  return {
    secret: sinon.fake((tenantId: string) => fakeCredential(`secret-${tenantId}`)),
    certificate: sinon.fake((tenantId: string) => fakeCredential(`certificate-${tenantId}`)),
    managedIdentity: sinon.fake(() => fakeCredential('managed-identity')),
  };
}

describe('CredentialTokenProvider', () => {
  it('builds one credential per tenant, keeps it, and asks it for the Graph .default scope', async () => {
    const credentials = new Map<string, ReturnType<typeof fakeCredential>>();
    const factory = sinon.fake((tenantId: string) => {
      const credential = fakeCredential(`token-${tenantId}`);
      credentials.set(tenantId, credential);
      return credential;
    });
    const provider = new CredentialTokenProvider(factory);

    assert.equal(await provider.getToken('tenant-a'), 'token-tenant-a');
    assert.equal(await provider.getToken('tenant-b'), 'token-tenant-b');
    assert.equal(await provider.getToken('tenant-a'), 'token-tenant-a');

    assert.deepEqual(factory.args, [['tenant-a'], ['tenant-b']]);
    assert.equal(credentials.get('tenant-a')!.getToken.callCount, 2);
    assert.deepEqual(credentials.get('tenant-a')!.getToken.firstCall.args, [GRAPH_DEFAULT_SCOPE]);
  });

  it('rejects when a credential gives no token', async () => {
    const provider = new CredentialTokenProvider(() => ({ getToken: async () => null }));
    await assert.rejects(provider.getToken('tenant-a'), /returned no token/);
  });
});

describe('localTokenProvider', () => {
  it('gives the fixed dev token for any tenant', async () => {
    assert.equal(await localTokenProvider.getToken('any'), LOCAL_DEV_TOKEN);
  });
});

describe('graphCredentialFactory chooses the credential settings name', () => {
  const base = { MicrosoftAppId: APP_ID, GRAPH_TOKEN_AUTHORITY: 'https://login.microsoftonline.us' };

  it('secret: a ClientSecretCredential per tenant with the configured authority', () => {
    const constructors = fakeConstructors();
    const factory = graphCredentialFactory(loadSettings({ ...base, MicrosoftAppPassword: 'pw' }).graph, { constructors });

    factory('tenant-a');

    assert.deepEqual(constructors.secret.firstCall.args, ['tenant-a', APP_ID, 'pw', { authorityHost: 'https://login.microsoftonline.us' }]);
    assert.equal(constructors.certificate.callCount + constructors.managedIdentity.callCount, 0);
  });

  it('certificate: a ClientCertificateCredential with the PEM path', () => {
    const constructors = fakeConstructors();
    const graph = loadSettings({ ...base, GRAPH_CREDENTIAL: 'certificate', GRAPH_CERTIFICATE_PATH: '/etc/rally/graph.pem' }).graph;

    graphCredentialFactory(graph, { constructors, credentialOptions: { disableInstanceDiscovery: true } })('tenant-b');

    assert.deepEqual(constructors.certificate.firstCall.args, [
      'tenant-b', APP_ID, '/etc/rally/graph.pem', { authorityHost: 'https://login.microsoftonline.us', disableInstanceDiscovery: true },
    ]);
  });

  it('managed identity: one ManagedIdentityCredential with its client id, shared by every tenant', () => {
    const constructors = fakeConstructors();
    const graph = loadSettings({ ...base, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 'home-tenant' }).graph;
    const factory = graphCredentialFactory(graph, { constructors });

    assert.equal(factory('tenant-a'), factory('tenant-b'));
    assert.deepEqual(constructors.managedIdentity.args, [[APP_ID]]);
  });
});

describe('@azure/identity credentials against a local stand-in authority', () => {
  let certificate: LoopbackCertificate;
  let authority: LoopbackServer;

  before(async () => {
    certificate = await loopbackCertificate();
  });

  beforeEach(async () => {
    authority = await startLocalAuthority(certificate);
  });

  afterEach(() => authority.close());

  // MSAL would first ask the public cloud to validate an unknown authority: switched off, and only this certificate trusted.
  const localOnly = () => ({ disableInstanceDiscovery: true, tlsOptions: { ca: certificate.cert } });

  it('ClientSecretCredential: one token per tenant, each fetched once, with the app id and secret', async () => {
    const graph = loadSettings({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'local-test-secret', GRAPH_TOKEN_AUTHORITY: authority.url }).graph;
    const provider = new CredentialTokenProvider(graphCredentialFactory(graph, { constructors: azureIdentityConstructors, credentialOptions: localOnly() }));

    assert.equal(await provider.getToken('tenant-a'), 'token-for-tenant-a');
    assert.equal(await provider.getToken('tenant-b'), 'token-for-tenant-b');
    assert.equal(await provider.getToken('tenant-a'), 'token-for-tenant-a');

    const requests = tokenRequests(authority);
    assert.deepEqual(requests.map((r) => r.tenant), ['tenant-a', 'tenant-b']);
    const form = requests[0]!.form;
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), APP_ID);
    assert.equal(form.get('client_secret'), 'local-test-secret');
    assert.equal(form.get('scope'), GRAPH_DEFAULT_SCOPE);
  });

  it('ClientCertificateCredential: signs a client assertion with the certificate from the PEM file', async () => {
    const dir = await makeTempDirectory('rally-graph-');
    try {
      const certificatePath = join(dir.path, 'graph.pem');
      await writeFile(certificatePath, `${certificate.key}\n${certificate.cert}`);
      const graph = loadSettings({ MicrosoftAppId: APP_ID, GRAPH_CREDENTIAL: 'certificate', GRAPH_CERTIFICATE_PATH: certificatePath, GRAPH_TOKEN_AUTHORITY: authority.url }).graph;
      const provider = new CredentialTokenProvider(graphCredentialFactory(graph, { credentialOptions: localOnly() }));

      assert.equal(await provider.getToken('tenant-c'), 'token-for-tenant-c');

      const [request] = tokenRequests(authority);
      assert.equal(request!.form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      assert.equal(request!.form.get('client_secret'), null);
      const [, payload] = request!.form.get('client_assertion')!.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
      assert.equal(claims.iss, APP_ID);
      assert.equal(claims.sub, APP_ID);
      assert.equal(claims.aud, `${authority.url}/tenant-c/oauth2/v2.0/token`);
    } finally {
      await dir.remove();
    }
  });
});
