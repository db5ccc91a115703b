// `npm run doctor` as a process, against the simulator and a stand-in for Rally's public address on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startGraphSimulator } from '../../src/simulator/index.js';
import type { GraphSimulator } from '../../src/simulator/index.js';
import { startAzurite } from '../support/azurite.js';
import type { Azurite } from '../support/azurite.js';
import { freePort } from '../support/freePort.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';

const CLI = fileURLToPath(new URL('../../src/doctor/cli.ts', import.meta.url));

/** Runs the CLI with only these settings (and PATH), so nothing from the machine's environment reaches beyond loopback. */
function doctor(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout) => {
      resolve({ code: error ? Number(error.code) : 0, out: stdout });
    });
  });
}

describe('npm run doctor', function () {
  this.timeout(20_000);
  let sim: GraphSimulator;
  let rally: LoopbackServer;
  let data: TempDirectory;
  let azurite: Azurite;
  before(async () => {
    sim = await startGraphSimulator();
    rally = await LoopbackServer.start((request, res) => sendJson(res, request.url === '/healthz' ? 200 : 404, { status: 'ok' }));
    data = await makeTempDirectory('rally-doctor-cli-');
    azurite = await startAzurite();
  });
  after(async () => {
    await sim.close();
    await rally.close();
    await data.remove();
    await azurite.stop();
  });

  const localSetup = () => ({
    GRAPH_BASE_URL: sim.baseUrl,
    CALLING_OPENID_METADATA_URL: sim.openIdMetadataUrl,
    MicrosoftAppTenantId: 'contoso',
    RALLY_DATA_DIR: data.path,
  });

  it('prints one line per check and exits 0 when nothing failed', async () => {
    const { code, out } = await doctor({ ...localSetup(), BOT_PUBLIC_URL: rally.url });
    assert.equal(code, 0, out);
    assert.match(out, /^✔ Rally answers at .*\/healthz\.$/m);
    assert.match(out, /^ℹ PSTN off/m);
    assert.equal(out.match(/^✔ Store: .*$/m)?.[0], `✔ Store: the data directory ${data.path} can be written (checked without its lock, which a running Rally holds).`);
    assert.doesNotMatch(out, /✘/);
  });

  it('checks a Blob store by opening the container, writing and closing it', async () => {
    const { RALLY_DATA_DIR: _fileOnly, ...setup } = localSetup();
    const { code, out } = await doctor({ ...setup, BOT_PUBLIC_URL: rally.url, RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
    assert.equal(code, 0, out);
    assert.match(out, /^✔ Store: the Blob container rally \(AZURE_STORAGE_CONNECTION_STRING, account devstoreaccount1\) can be read and written\.$/m);
  });

  it('fails the store line, with what to fix, when Blob Storage cannot be reached', async () => {
    const { RALLY_DATA_DIR: _fileOnly, ...setup } = localSetup();
    const nobody = azurite.connectionString.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${await freePort()}`);
    const { code, out } = await doctor({ ...setup, BOT_PUBLIC_URL: rally.url, RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: nobody });
    assert.equal(code, 1, out);
    assert.match(out, /^✘ Store: the Blob container rally .* cannot be written \(.*ECONNREFUSED.*\)\. Fix: .*firewall and network rules/m);
    assert.doesNotMatch(out, /AccountKey|Eby8vdM02x/, 'no key in the report');
  });

  it('exits non-zero when a check fails', async () => {
    const { code, out } = await doctor({ ...localSetup(), BOT_PUBLIC_URL: `${sim.origin}/not-rally` });
    assert.equal(code, 1, out);
    assert.match(out, /^✘ .*\/not-rally\/healthz answered 404, not 200\. Fix: /m);
  });
});
