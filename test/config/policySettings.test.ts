import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_NUMBER_TYPES, EVERYONE, loadPolicySettings } from '../../src/config/policySettings.js';
import { loadSettings, SettingsError } from '../../src/config/settings.js';
import { useTempDirectory } from '../support/tempDirectory.js';

const appId = '11111111-2222-3333-4444-555555555555';
const tenant = 'AAAAAAAA-0000-4000-8000-000000000001';
const person = '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60';
const production = { MicrosoftAppId: appId, MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: tenant };

function refusal(env: Record<string, string>): SettingsError {
  try {
    loadSettings(env);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return error;
  }
  assert.fail('the settings were accepted');
}

describe('policy settings', () => {
  it('opens everything but the number types in local mode, with no rate limit, so the demo works', () => {
    assert.deepEqual(loadSettings({}).policy, {
      allowedTenants: EVERYONE,
      allowedCallers: EVERYONE,
      allowedDialers: EVERYONE,
      allowedCountries: EVERYONE,
      allowedNumberTypes: DEFAULT_NUMBER_TYPES,
      callRateLimit: undefined,
    });
  });

  it('limits calls to 10 per 5 minutes outside local mode unless CALL_RATE_LIMIT says otherwise', () => {
    assert.deepEqual(loadSettings(production).policy.callRateLimit, { max: 10, windowMs: 300_000 });
    assert.deepEqual(loadSettings({ ...production, CALL_RATE_LIMIT: ' ' }).policy.callRateLimit, { max: 10, windowMs: 300_000 });
  });

  it('keeps a CALL_RATE_LIMIT that is set in local mode', () => {
    assert.deepEqual(loadSettings({ CALL_RATE_LIMIT: '2/1m' }).policy.callRateLimit, { max: 2, windowMs: 60_000 });
  });

  it('serves only the bot\'s own tenant in production and dials nothing until told', () => {
    const { policy } = loadSettings(production);
    assert.deepEqual(policy.allowedTenants, [tenant.toLowerCase()]);
    assert.equal(policy.allowedCallers, EVERYONE);
    assert.deepEqual(policy.allowedDialers, []);
    assert.deepEqual(policy.allowedCountries, []);
  });

  it('serves no tenant in production when neither ALLOWED_TENANTS nor MicrosoftAppTenantId is set', () => {
    assert.deepEqual(loadSettings({ MicrosoftAppId: appId, MicrosoftAppPassword: 'pw' }).policy.allowedTenants, []);
  });

  it('reads lists, normalizing case, + and spaces', () => {
    const { policy } = loadSettings({
      ...production,
      ALLOWED_TENANTS: ` ${tenant} `,
      ALLOWED_CALLERS: '*',
      ALLOWED_DIALERS: ` ${person.toUpperCase()} ,`,
      ALLOWED_COUNTRY_CODES: '+1, 44,us',
      ALLOWED_NUMBER_TYPES: 'FIXED_LINE,MOBILE',
      CALL_RATE_LIMIT: '3/2h',
    });
    assert.deepEqual(policy, {
      allowedTenants: [tenant.toLowerCase()],
      allowedCallers: EVERYONE,
      allowedDialers: [person],
      allowedCountries: ['1', '44', 'US'],
      allowedNumberTypes: ['FIXED_LINE', 'MOBILE'],
      callRateLimit: { max: 3, windowMs: 7_200_000 },
    });
  });

  it('turns the rate limit off with "off"', () => {
    assert.equal(loadSettings({ CALL_RATE_LIMIT: 'off' }).policy.callRateLimit, undefined);
  });

  for (const [setting, value] of [
    ['ALLOWED_TENANTS', 'contoso.onmicrosoft.com'],
    ['ALLOWED_CALLERS', 'pat@contoso.com'],
    ['ALLOWED_DIALERS', `${person},*`],
    ['ALLOWED_COUNTRY_CODES', '999'],
    ['ALLOWED_COUNTRY_CODES', 'XX'],
    ['ALLOWED_NUMBER_TYPES', 'EXPENSIVE'],
    ['ALLOWED_NUMBER_TYPES', '*'],
    ['CALL_RATE_LIMIT', '7'],
    ['CALL_RATE_LIMIT', '0/9m'],
    ['CALL_RATE_LIMIT', '7/9d'],
  ] as const) {
    it(`stops on ${setting}=${value} with one line naming it, not its value`, () => {
      const error = refusal({ ...production, [setting]: value });
      assert.equal(error.setting, setting);
      assert.match(error.message, new RegExp(`^Setting ${setting} must [^\\n]+\\.$`));
      assert.ok(!error.message.includes(value), error.message);
    });
  }

  describe('RALLY_POLICY_FILE', () => {
    const directory = useTempDirectory();
    const policyFile = async (content: unknown) => {
      const file = path.join(directory(), 'policy.json');
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    };

    it('reads the same settings from a JSON file, lists as arrays or strings; a variable that is set wins', async () => {
      const file = await policyFile({ ALLOWED_DIALERS: [person], ALLOWED_COUNTRY_CODES: '44', CALL_RATE_LIMIT: '5/1m' });
      const policy = loadPolicySettings({ RALLY_POLICY_FILE: file, ALLOWED_COUNTRY_CODES: '1', CALL_RATE_LIMIT: ' ' }, { localMode: false });
      assert.deepEqual(policy.allowedDialers, [person]);
      assert.deepEqual(policy.allowedCountries, ['1']);
      assert.deepEqual(policy.callRateLimit, { max: 5, windowMs: 60_000 });
    });

    it('keeps a CALL_RATE_LIMIT from the file in local mode', async () => {
      const file = await policyFile({ CALL_RATE_LIMIT: '4/1h' });
      assert.deepEqual(loadPolicySettings({ RALLY_POLICY_FILE: file }, { localMode: true }).callRateLimit, { max: 4, windowMs: 3_600_000 });
    });

    it('names the file when a value in it is wrong', async () => {
      const error = refusal({ ...production, RALLY_POLICY_FILE: await policyFile({ ALLOWED_CALLERS: ['pat@contoso.com'] }) });
      assert.equal(error.setting, 'ALLOWED_CALLERS');
      assert.match(error.message, /^Setting ALLOWED_CALLERS \(in RALLY_POLICY_FILE\) must /);
    });

    for (const [what, content, pattern] of [
      ['not JSON', '{"ALLOWED_CALLERS": [', /is not JSON/],
      ['not an object', '["*"]', /JSON object/],
      ['an unknown setting', { ALLOWED_CALLER: '*' }, /"ALLOWED_CALLER", which is not one of/],
      ['a list that is not of strings', { ALLOWED_DIALERS: [1] }, /ALLOWED_DIALERS \(in RALLY_POLICY_FILE\) must/],
    ] as const) {
      it(`stops on a file that is ${what}`, async () => {
        assert.match(refusal({ ...production, RALLY_POLICY_FILE: await policyFile(content) }).message, pattern);
      });
    }

    it('stops on a file it cannot read', () => {
      const error = refusal({ ...production, RALLY_POLICY_FILE: path.join(directory(), 'missing.json') });
      assert.equal(error.setting, 'RALLY_POLICY_FILE');
      assert.match(error.message, /cannot read \(ENOENT\)/);
    });
  });
});
