import assert from 'node:assert/strict';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

describe('operations settings', () => {
  it('reads ADMINS as lower-case Entra object ids, and nobody when unset', () => {
    assert.deepEqual(loadSettings({}).operations.admins, []);
    const admins = loadSettings({ ADMINS: ' 0D2B7A4E-5F1C-4C41-9A7E-1B2C3D4E5F60 ,, 6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01' }).operations.admins;
    assert.deepEqual(admins, ['0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60', '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01']);
  });

  it('refuses an admin that is not an object id, naming the setting only', () => {
    assert.throws(() => loadSettings({ ADMINS: 'pat@contoso.com' }), (error: unknown) =>
      error instanceof SettingsError && error.setting === 'ADMINS' && !error.message.includes('pat@'));
  });

  it('keeps the Application Insights connection string, blank meaning off', () => {
    assert.equal(loadSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: ' ' }).operations.applicationInsightsConnectionString, undefined);
    assert.equal(loadSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }).operations.applicationInsightsConnectionString, 'InstrumentationKey=x');
  });

  it('reads RALLY_RETENTION and RALLY_RECONCILE_INTERVAL as durations, 7 days and 1 minute by default', () => {
    assert.equal(loadSettings({}).operations.retentionMs, 7 * 86_400_000);
    assert.equal(loadSettings({}).operations.reconcileEveryMs, 60_000);
    assert.equal(loadSettings({ RALLY_RETENTION: '30s' }).operations.retentionMs, 30_000);
    assert.equal(loadSettings({ RALLY_RETENTION: '15m', RALLY_RECONCILE_INTERVAL: '5s' }).operations.reconcileEveryMs, 5_000);
  });

  it('stops startup with one line on a retention or interval that is not a duration', () => {
    for (const [setting, value] of [['RALLY_RETENTION', '7 days'], ['RALLY_RETENTION', '0d'], ['RALLY_RETENTION', '-1h'], ['RALLY_RECONCILE_INTERVAL', '1s'], ['RALLY_RECONCILE_INTERVAL', '2d']]) {
      assert.throws(() => loadSettings({ [setting!]: value }), (error: unknown) => error instanceof SettingsError && error.setting === setting && /duration/.test(error.message), `${setting}=${value}`);
    }
  });
});
