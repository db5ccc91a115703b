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
});
