import assert from 'node:assert/strict';
import { loadStoreSettings } from '../../src/config/storeSettings.js';
import { SettingsError } from '../../src/config/settingsError.js';

const CONNECTION = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';

function refused(env: Record<string, string>, setting: string): SettingsError {
  try {
    loadStoreSettings(env);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    assert.match(error.message, new RegExp(`^Setting ${setting} `));
    assert.doesNotMatch(error.message, /c2VjcmV0|AccountKey/, 'the message never quotes the connection string');
    return error;
  }
  return assert.fail('the settings were accepted');
}

describe('store settings', () => {
  it('defaults to the embedded file store in .rally-data', () => {
    assert.deepEqual(loadStoreSettings({}), { kind: 'file', dataDir: '.rally-data' });
    assert.deepEqual(loadStoreSettings({ RALLY_DATA_DIR: '/data' }), { kind: 'file', dataDir: '/data' });
  });

  it('blob with a connection string (development, Azurite) or an account URL with a managed identity', () => {
    assert.deepEqual(loadStoreSettings({ RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: CONNECTION }), { kind: 'blob', container: 'rally', connectionString: CONNECTION });
    assert.deepEqual(
      loadStoreSettings({ RALLY_STORE: 'blob', AZURE_STORAGE_ACCOUNT_URL: 'https://rallyprod.blob.core.windows.net/', RALLY_BLOB_CONTAINER: 'rally-state', STORAGE_MANAGED_IDENTITY_CLIENT_ID: 'abc' }),
      { kind: 'blob', container: 'rally-state', accountUrl: 'https://rallyprod.blob.core.windows.net', managedIdentityClientId: 'abc' },
    );
  });

  it('stops startup with one line on a missing, contradictory or malformed storage setting', () => {
    refused({ RALLY_STORE: 'cosmos' }, 'RALLY_STORE');
    refused({ RALLY_STORE: 'blob' }, 'RALLY_STORE');
    refused({ RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: CONNECTION, AZURE_STORAGE_ACCOUNT_URL: 'https://a.blob.core.windows.net' }, 'AZURE_STORAGE_ACCOUNT_URL');
    refused({ AZURE_STORAGE_CONNECTION_STRING: CONNECTION }, 'AZURE_STORAGE_CONNECTION_STRING');
    refused({ RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: CONNECTION, STORAGE_MANAGED_IDENTITY_CLIENT_ID: 'abc' }, 'STORAGE_MANAGED_IDENTITY_CLIENT_ID');
    refused({ RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: CONNECTION, RALLY_BLOB_CONTAINER: 'Rally_State' }, 'RALLY_BLOB_CONTAINER');
    refused({ RALLY_STORE: 'blob', AZURE_STORAGE_ACCOUNT_URL: 'https://a.blob.core.windows.net/container/path' }, 'AZURE_STORAGE_ACCOUNT_URL');
  });
});
