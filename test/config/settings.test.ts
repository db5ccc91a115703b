import assert from 'node:assert/strict';
import { loadSettings, SettingsError, LOCAL_APP_ID } from '../../src/config/settings.js';

const appId = '11111111-2222-3333-4444-555555555555';

describe('settings', () => {
  it('runs in local mode on the contract defaults', () => {
    const s = loadSettings({});
    assert.equal(s.port, 3978);
    assert.equal(s.localMode, true);
    assert.equal(s.callbackUri, 'http://localhost:3978/api/calling');
    assert.equal(s.graph.baseUrl, undefined);
    assert.equal(s.graph.authority, 'https://login.microsoftonline.com');
    assert.equal(s.calling.openIdMetadataUrl, 'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration');
    assert.equal(s.calling.audience, LOCAL_APP_ID);
    assert.equal(s.pstn.applicationInstanceId, undefined);
  });

  it('derives the callback URI from BOT_PUBLIC_URL and trims trailing slashes', () => {
    const s = loadSettings({ BOT_PUBLIC_URL: 'https://rally.contoso.com/', PORT: '8080', GRAPH_BASE_URL: 'http://127.0.0.1:9000/v1.0/' });
    assert.equal(s.callbackUri, 'https://rally.contoso.com/api/calling');
    assert.equal(s.port, 8080);
    assert.equal(s.graph.baseUrl, 'http://127.0.0.1:9000/v1.0');
  });

  it('takes the page prompt from RALLY_PAGE_PROMPT_URL only when it is set (else Rally serves its own), and refuses a bad one by name', () => {
    assert.equal(loadSettings({ BOT_PUBLIC_URL: 'https://rally.contoso.com/' }).pagePromptUrl, undefined);
    assert.equal(loadSettings({ RALLY_PAGE_PROMPT_URL: 'https://cdn.contoso.com/page.wav' }).pagePromptUrl, 'https://cdn.contoso.com/page.wav');
    assert.throws(() => loadSettings({ RALLY_PAGE_PROMPT_URL: 'page.wav' }), (error: unknown) => error instanceof SettingsError && /RALLY_PAGE_PROMPT_URL/.test(error.message));
  });

  it('uses the app id as the calling audience and the app password as the Graph secret', () => {
    const s = loadSettings({ MicrosoftAppId: appId, MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 't' });
    assert.equal(s.localMode, false);
    assert.equal(s.calling.audience, appId);
    assert.equal(s.graph.credential, 'secret');
    assert.equal(s.graph.clientSecret, 'pw');
  });

  it('chooses a managed identity for UserAssignedMSI bots', () => {
    const s = loadSettings({ MicrosoftAppId: appId, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' });
    assert.equal(s.graph.credential, 'managedIdentity');
    assert.equal(s.graph.managedIdentityClientId, appId);
  });

  const refusals: [string, Record<string, string>, string][] = [
    ['PORT', { PORT: 'eighty' }, 'PORT'],
    ['BOT_PUBLIC_URL', { BOT_PUBLIC_URL: 'rally.contoso.com' }, 'BOT_PUBLIC_URL'],
    ['GRAPH_BASE_URL', { GRAPH_BASE_URL: 'ftp://graph' }, 'GRAPH_BASE_URL'],
    ['MicrosoftAppId', { MicrosoftAppId: 'not-a-guid', MicrosoftAppPassword: 'x' }, 'MicrosoftAppId'],
    ['MicrosoftAppPassword', { MicrosoftAppId: appId }, 'MicrosoftAppPassword'],
    ['MicrosoftAppTenantId', { MicrosoftAppId: appId, MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    ['GRAPH_CERTIFICATE_PATH', { MicrosoftAppId: appId, GRAPH_CREDENTIAL: 'certificate' }, 'GRAPH_CERTIFICATE_PATH'],
    ['PSTN_APPLICATION_INSTANCE_ID', { PSTN_APPLICATION_INSTANCE_ID: '+14255550100' }, 'PSTN_APPLICATION_INSTANCE_ID'],
    ['MicrosoftAppType', { MicrosoftAppType: 'Anonymous' }, 'MicrosoftAppType'],
  ];
  for (const [name, env, setting] of refusals) {
    it(`refuses a bad ${name} with one line naming it`, () => {
      assert.throws(() => loadSettings(env), (e: unknown) => {
        assert.ok(e instanceof SettingsError);
        assert.equal(e.setting, setting);
        assert.match(e.message, new RegExp(`^Setting ${setting} `));
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
    });
  }

  it('never repeats a secret value in its error', () => {
    const secret = 'hunter2-SECRET-value';
    assert.throws(() => loadSettings({ MicrosoftAppId: secret, MicrosoftAppPassword: secret }), (e: unknown) => {
      assert.ok(e instanceof SettingsError);
      assert.ok(!e.message.includes(secret));
      return true;
    });
  });
});
