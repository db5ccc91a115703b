// The Graph token check against a local stand-in for Entra (HTTPS on 127.0.0.1) that issues app-only tokens with the
// roles a test chooses, through the same @azure/identity credential Rally uses.
import assert from 'node:assert/strict';
import { UnsecuredJWT } from 'jose';
import { loadSettings } from '../../src/config/settings.js';
import { graphCredentialFactory } from '../../src/graph/azureCredentials.js';
import { CredentialTokenProvider, localTokenProvider } from '../../src/graph/tokenProvider.js';
import type { TokenProvider } from '../../src/graph/tokenProvider.js';
import { formatReport } from '../../src/doctor/checkResult.js';
import { REQUIRED_APPLICATION_PERMISSIONS } from '../../src/calling/requests/permissions.js';
import { checkGraphToken } from '../../src/doctor/graphTokenCheck.js';
import type { LoopbackServer } from '../support/loopbackServer.js';
import { loopbackCertificate, startLocalAuthority } from '../graph/localAuthority.js';
import type { AccessTokenFor, LoopbackCertificate } from '../graph/localAuthority.js';
import { Translator } from '../../src/i18n/translator.js';
import { english } from '../support/english.js';

const APP_ID = '5f8a1c2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b';
const TENANT = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

/** An app-only Graph token as Entra shapes it: the granted application permissions in `roles`. */
const appOnlyToken = (roles: string[]): AccessTokenFor => (tenant) =>
  new UnsecuredJWT({ aud: 'https://graph.microsoft.com', tid: tenant, appid: APP_ID, roles }).setIssuedAt().setExpirationTime('1h').encode();

describe('doctor: Graph token and permissions', () => {
  let certificate: LoopbackCertificate;
  let authority: LoopbackServer | undefined;

  before(async () => {
    certificate = await loopbackCertificate();
  });
  afterEach(() => authority?.close());

  async function tokensFrom(accessToken: AccessTokenFor): Promise<TokenProvider> {
    authority = await startLocalAuthority(certificate, accessToken);
    const graph = loadSettings({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'local-test-secret', GRAPH_TOKEN_AUTHORITY: authority.url }).graph;
    return new CredentialTokenProvider(
      graphCredentialFactory(graph, { credentialOptions: { disableInstanceDiscovery: true, tlsOptions: { ca: certificate.cert } } }),
    );
  }

  it('passes when the token holds every permission Rally needs, one line each', async () => {
    const results = await checkGraphToken({ tokenProvider: await tokensFrom(appOnlyToken([...REQUIRED_APPLICATION_PERMISSIONS])), tenantId: TENANT, localMode: false });
    assert.deepEqual(results.map((r) => r.status), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    assert.deepEqual(REQUIRED_APPLICATION_PERMISSIONS, [
      'Calls.Initiate.All', 'Calls.InitiateGroupCall.All', 'Calls.JoinGroupCall.All', 'Calls.JoinGroupCallAsGuest.All', 'Calls.AccessMedia.All', 'User.Read.All',
      'OnlineMeetings.ReadWrite.All',
    ]);
  });

  it('names each missing permission on its own failed line, with how to grant it', async () => {
    const tokens = await tokensFrom(appOnlyToken(['Calls.Initiate.All', 'Calls.InitiateGroupCall.All', 'Calls.JoinGroupCall.All', 'Chat.Read.All']));
    const results = await checkGraphToken({ tokenProvider: tokens, tenantId: TENANT, localMode: false });
    const failed = results.filter((r) => r.status === 'fail');
    assert.deepEqual(failed.map((r) => english(r.text)), [
      'Graph permission Calls.JoinGroupCallAsGuest.All: missing.',
      'Graph permission Calls.AccessMedia.All: missing.',
      'Graph permission User.Read.All: missing.',
      'Graph permission OnlineMeetings.ReadWrite.All: missing.',
    ]);
    assert.match(english(failed[2]!.fix!), /application permission User\.Read\.All .* admin consent/);
    assert.match(formatReport(results, new Translator()), /^✔ Graph token for tenant .*: obtained\.$/m);
    assert.match(formatReport(results, new Translator()), /^✘ Graph permission User\.Read\.All: missing\. Fix: in Entra/m);
  });

  it('fails with Entra\'s reason when no token can be had', async () => {
    const [result, ...rest] = await checkGraphToken({ tokenProvider: await tokensFrom(() => undefined), tenantId: TENANT, localMode: false });
    assert.equal(rest.length, 0);
    assert.equal(result!.status, 'fail');
    assert.match(english(result!.text), /could not get one \(.*AADSTS7000215/);
    assert.match(english(result!.fix!), /MicrosoftAppId and its credential/);
  });

  it('fails when the token is not a JWT whose roles can be read', async () => {
    const results = await checkGraphToken({ tokenProvider: await tokensFrom((tenant) => `token-for-${tenant}`), tenantId: TENANT, localMode: false });
    assert.deepEqual(results.map((r) => r.status), ['pass', 'fail']);
    assert.match(english(results[1]!.text), /not a JWT/);
  });

  it('asks for a tenant when nothing names one', async () => {
    const [result] = await checkGraphToken({ tokenProvider: localTokenProvider, tenantId: undefined, localMode: false });
    assert.equal(result!.status, 'fail');
    assert.match(english(result!.fix!), /MicrosoftAppTenantId.*--tenant/);
  });

  it('in local mode takes the simulator\'s dev token and does not read roles it cannot carry', async () => {
    const results = await checkGraphToken({ tokenProvider: localTokenProvider, tenantId: TENANT, localMode: true });
    assert.deepEqual(results.map((r) => r.status), ['pass', 'info']);
    assert.match(formatReport(results, new Translator()), /local dev token[\s\S]*not checked in local mode/);
  });
});
