import assert from 'node:assert/strict';
import { PackageSettingsError, readPackageSettings } from '../../scripts/appPackage/packageSettings.js';

const appId = '11111111-2222-3333-4444-555555555555';

describe('package settings', () => {
  it('takes the app id and the host of BOT_PUBLIC_URL', () => {
    assert.deepEqual(readPackageSettings({ MicrosoftAppId: ` ${appId} `, BOT_PUBLIC_URL: 'https://rally.contoso.com:443/bot/' }), {
      appId,
      host: 'rally.contoso.com',
    });
  });

  const refusals: [string, Record<string, string | undefined>, string][] = [
    ['a missing app id', { BOT_PUBLIC_URL: 'https://rally.contoso.com' }, 'MicrosoftAppId'],
    ['a blank app id', { MicrosoftAppId: '  ', BOT_PUBLIC_URL: 'https://rally.contoso.com' }, 'MicrosoftAppId'],
    ['an app id that is not a GUID', { MicrosoftAppId: 'rally-local', BOT_PUBLIC_URL: 'https://rally.contoso.com' }, 'MicrosoftAppId'],
    ['a missing public URL', { MicrosoftAppId: appId }, 'BOT_PUBLIC_URL'],
    ['a plain http URL', { MicrosoftAppId: appId, BOT_PUBLIC_URL: 'http://rally.contoso.com' }, 'BOT_PUBLIC_URL'],
    ['a host without a domain', { MicrosoftAppId: appId, BOT_PUBLIC_URL: 'https://localhost:3978' }, 'BOT_PUBLIC_URL'],
    ['an IP address', { MicrosoftAppId: appId, BOT_PUBLIC_URL: 'https://127.0.0.1' }, 'BOT_PUBLIC_URL'],
    ['a host name alone', { MicrosoftAppId: appId, BOT_PUBLIC_URL: 'rally.contoso.com' }, 'BOT_PUBLIC_URL'],
  ];
  for (const [what, env, setting] of refusals) {
    it(`refuses ${what} with one line naming ${setting}`, () => {
      assert.throws(
        () => readPackageSettings(env),
        (e: unknown) =>
          e instanceof PackageSettingsError && e.setting === setting && e.message.startsWith(`Setting ${setting} `) && !e.message.includes('\n'),
      );
    });
  }
});
