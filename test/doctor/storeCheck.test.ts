// The store check: with Rally's own store's probe (inside Rally), and on its own (npm run doctor) against a real
// directory, next to a file store holding its lock, and against Azurite standing in for Blob Storage.
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSettings } from '../../src/config/settings.js';
import type { StoreSettings } from '../../src/config/storeSettings.js';
import { formatReport } from '../../src/doctor/checkResult.js';
import type { CheckResult } from '../../src/doctor/checkResult.js';
import { doctorFor, runDoctor } from '../../src/doctor/doctor.js';
import { checkStore, reasonOf } from '../../src/doctor/storeCheck.js';
import { StaticTokenProvider } from '../../src/graph/tokenProvider.js';
import { FileDocumentStore } from '../../src/storage/fileDocumentStore.js';
import { StoreUnavailableError } from '../../src/storage/storageErrors.js';
import { startAzurite } from '../support/azurite.js';
import type { Azurite } from '../support/azurite.js';
import { freePort } from '../support/freePort.js';
import { useTempDirectory } from '../support/tempDirectory.js';
import { Translator } from '../../src/i18n/translator.js';
import { english } from '../support/english.js';

const CLIENT_ID = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const ACCOUNT_URL = 'https://rallyabcdef.blob.core.windows.net';
const managedIdentityBlob: StoreSettings = { kind: 'blob', container: 'rally', accountUrl: ACCOUNT_URL, managedIdentityClientId: CLIENT_ID };

/** What the Blob SDK throws when the identity lacks the data role: a RestError, wrapped by Rally's store. */
function roleMissing(): StoreUnavailableError {
  const restError = Object.assign(new Error('This request is not authorized to perform this operation using this permission.\nRequestId:1a2b\nTime:2025-01-01T00:00:00Z'), {
    statusCode: 403,
    code: 'AuthorizationPermissionMismatch',
  });
  return new StoreUnavailableError('readiness check', 'rally', { cause: restError });
}

describe('doctor: the store', () => {
  const tempDirectory = useTempDirectory('rally-doctor-');

  describe('with Rally\'s own store', () => {
    it('passes when the store\'s probe resolves, naming the store', async () => {
      const result = await checkStore(managedIdentityBlob, async () => {});
      assert.deepEqual([result.status, english(result.text)], ['pass', `Store: Rally can read and write its Blob container rally at ${ACCOUNT_URL}.`]);
    });

    it('fails a Blob store with Azure\'s status and code, and says to assign the role, open the firewall and check the container', async () => {
      const result = await checkStore(managedIdentityBlob, () => Promise.reject(roleMissing()));
      assert.equal(result.status, 'fail');
      assert.equal(
        english(result.text),
        `Store: the Blob container rally at ${ACCOUNT_URL} cannot be written (403 AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission.).`,
      );
      assert.match(english(result.fix!), /"Storage Blob Data Contributor"/);
      assert.match(english(result.fix!), new RegExp(`client id ${CLIENT_ID}`));
      assert.match(english(result.fix!), /firewall and network rules/);
      assert.match(english(result.fix!), /RALLY_BLOB_CONTAINER \(rally\)/);
      assert.equal(formatReport([result], new Translator()).split('\n').length, 1, 'one line');
    });

    it('names the system-assigned identity when no client id is set', async () => {
      const result = await checkStore({ kind: 'blob', container: 'rally', accountUrl: ACCOUNT_URL }, () => Promise.reject(roleMissing()));
      assert.match(english(result.fix!), /the system-assigned managed identity/);
    });

    it('never prints a connection string\'s key, only its account', async () => {
      const key = 'c2VjcmV0LWtleS1ub3QtcmVhbA==';
      const store: StoreSettings = { kind: 'blob', container: 'rally', connectionString: `DefaultEndpointsProtocol=https;AccountName=rallydev;AccountKey=${key};EndpointSuffix=core.windows.net` };
      const result = await checkStore(store, () => Promise.reject(new Error('boom')));
      assert.equal(english(result.text), 'Store: the Blob container rally (AZURE_STORAGE_CONNECTION_STRING, account rallydev) cannot be written (boom).');
      assert.doesNotMatch(formatReport([result], new Translator()), new RegExp(key.slice(0, 10)));
      assert.match(english(result.fix!), /AZURE_STORAGE_CONNECTION_STRING/);
      assert.doesNotMatch(english(result.fix!), /Storage Blob Data Contributor/, 'a key needs no role');
    });

    it('fails a probe that does not answer in time', async () => {
      const result = await checkStore(managedIdentityBlob, () => new Promise(() => {}), { timeoutMs: 50 });
      assert.equal(result.status, 'fail');
      assert.match(english(result.text), /\(no answer within 50 ms\)/);
    });

    it('asks the file store Rally holds, and fails it once it is closed, saying what to fix in the data directory', async () => {
      const directory = path.join(tempDirectory(), 'data');
      const store = await FileDocumentStore.open(directory);
      const settings: StoreSettings = { kind: 'file', dataDir: directory };
      const open = await checkStore(settings, () => store.checkReady());
      assert.deepEqual([open.status, english(open.text), open.fix], ['pass', `Store: Rally can read and write its data directory ${directory}.`, undefined]);
      await store.close();
      const closed = await checkStore(settings, () => store.checkReady());
      assert.equal(closed.status, 'fail');
      assert.match(english(closed.text), /cannot be written \(the store is closed\)/);
      assert.match(english(closed.fix!), new RegExp(`RALLY_DATA_DIR ${directory} \\(owner and permissions`));
      assert.match(english(closed.fix!), /disk/);
    });
  });

  describe('on its own, for the file store', () => {
    it('writes and removes a probe in the data directory, leaving nothing behind', async () => {
      const directory = tempDirectory();
      const result = await checkStore({ kind: 'file', dataDir: directory });
      assert.deepEqual([result.status, english(result.text)], ['pass', `Store: the data directory ${directory} can be written (checked without its lock, which a running Rally holds).`]);
      assert.deepEqual(await readdir(directory), []);
    });

    it('does not need the lock a running Rally holds, and leaves that store as it was', async () => {
      const directory = tempDirectory();
      const store = await FileDocumentStore.open(directory);
      try {
        await store.createIfAbsent('calls/1', { state: 'established' });
        assert.equal((await checkStore({ kind: 'file', dataDir: directory })).status, 'pass');
        const keys: string[] = [];
        for await (const key of store.listByPrefix('')) keys.push(key);
        assert.deepEqual(keys, ['calls/1']);
        assert.equal(await store.sweepTempFiles(0), 0, 'no probe file left to sweep');
        await store.checkReady();
      } finally {
        await store.close();
      }
    });

    it('when the directory does not exist yet, checks where Rally would create it, and creates nothing', async () => {
      const directory = path.join(tempDirectory(), 'not', 'yet');
      const result = await checkStore({ kind: 'file', dataDir: directory });
      assert.deepEqual([result.status, english(result.text)], ['pass', `Store: the data directory ${directory} does not exist yet; Rally creates it in ${tempDirectory()}, which can be written.`]);
      await assert.rejects(stat(path.dirname(directory)), { code: 'ENOENT' });
    });

    it('fails when the data directory is not a directory it can write in', async () => {
      const file = path.join(tempDirectory(), 'a-file');
      await writeFile(file, 'not a directory');
      for (const dataDir of [file, path.join(file, 'data')]) {
        const result = await checkStore({ kind: 'file', dataDir });
        assert.equal(result.status, 'fail', dataDir);
        assert.match(english(result.text), /cannot be written \(ENOTDIR: not a directory/);
        assert.match(english(result.fix!), /RALLY_DATA_DIR/);
      }
    });
  });

  describe('on its own, for Blob Storage (Azurite)', function () {
    this.timeout(30_000);
    let azurite: Azurite;
    before(async () => {
      azurite = await startAzurite();
    });
    after(() => azurite.stop());

    it('opens the container as Rally does (creating it), writes and deletes a probe blob', async () => {
      const store: StoreSettings = { kind: 'blob', container: 'doctor-check', connectionString: azurite.connectionString };
      const result = await checkStore(store);
      assert.deepEqual([result.status, english(result.text)], ['pass', 'Store: the Blob container doctor-check (AZURE_STORAGE_CONNECTION_STRING, account devstoreaccount1) can be read and written.']);
    });

    it('fails when Blob Storage does not answer', async () => {
      const nobody = azurite.connectionString.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${await freePort()}`);
      const result = await checkStore({ kind: 'blob', container: 'rally', connectionString: nobody });
      assert.equal(result.status, 'fail');
      assert.match(english(result.text), /^Store: the Blob container rally \(AZURE_STORAGE_CONNECTION_STRING, account devstoreaccount1\) cannot be written \(.*ECONNREFUSED/);
    });
  });

  describe('in the report', () => {
    it('comes right after the Graph lines, when the subject names a store', async () => {
      const subject = { appId: 'rally-local', localMode: true, tenantId: 'contoso', publicUrl: 'http://127.0.0.1:9', pstnApplicationInstanceId: undefined, openIdMetadataUrl: undefined };
      const get = () => Promise.resolve({ status: 200, body: '' });
      const deps = { tokenProvider: new StaticTokenProvider('dev'), get };
      const without = await runDoctor(subject, deps);
      assert.ok(!without.some((r) => english(r.text).startsWith('Store:')));
      const withStore = await runDoctor({ ...subject, store: managedIdentityBlob }, { ...deps, storeProbe: async () => {} });
      assert.deepEqual(withStore.map((r) => english(r.text).split(' ')[0]), ['Graph', 'Graph', 'Store:', 'BOT_PUBLIC_URL', 'Rally', 'PSTN', 'Calling']);
    });
  });

  describe('doctorFor (the chat doctor)', () => {
    it('has a store line only when Rally hands it its store\'s probe', async () => {
      const settings = loadSettings({ RALLY_DATA_DIR: tempDirectory(), BOT_PUBLIC_URL: `http://127.0.0.1:${await freePort()}` });
      const storeLines = (results: CheckResult[]) => results.filter((r) => english(r.text).startsWith('Store:')).map((r) => [r.status, english(r.text)]);
      assert.deepEqual(storeLines(await doctorFor(settings)('contoso')), []);
      let asked = 0;
      const probe = async () => {
        asked++;
      };
      assert.deepEqual(storeLines(await doctorFor(settings, { checkReady: probe })('contoso')), [['pass', `Store: Rally can read and write its data directory ${tempDirectory()}.`]]);
      assert.equal(asked, 1);
    });
  });

  it('reads the innermost cause, on one line', () => {
    assert.equal(reasonOf(new StoreUnavailableError('open', '/data', { cause: Object.assign(new Error('EACCES: permission denied, mkdir \'/data\''), { code: 'EACCES' }) })), 'EACCES: permission denied, mkdir \'/data\'');
    assert.equal(reasonOf('plain'), 'plain');
    assert.equal(reasonOf(new Error('x'.repeat(300))).length, 200);
  });
});
