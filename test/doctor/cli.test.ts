// `npm run doctor` as a process, against the simulator and a stand-in for Rally's public address on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startGraphSimulator } from '../../src/simulator/index.js';
import type { GraphSimulator } from '../../src/simulator/index.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';

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
  before(async () => {
    sim = await startGraphSimulator();
    rally = await LoopbackServer.start((request, res) => sendJson(res, request.url === '/healthz' ? 200 : 404, { status: 'ok' }));
  });
  after(async () => {
    await sim.close();
    await rally.close();
  });

  const localSetup = () => ({ GRAPH_BASE_URL: sim.baseUrl, CALLING_OPENID_METADATA_URL: sim.openIdMetadataUrl, MicrosoftAppTenantId: 'contoso' });

  it('prints one line per check and exits 0 when nothing failed', async () => {
    const { code, out } = await doctor({ ...localSetup(), BOT_PUBLIC_URL: rally.url });
    assert.equal(code, 0, out);
    assert.match(out, /^✔ Rally answers at .*\/healthz\.$/m);
    assert.match(out, /^ℹ PSTN off/m);
    assert.doesNotMatch(out, /✘/);
  });

  it('exits non-zero when a check fails', async () => {
    const { code, out } = await doctor({ ...localSetup(), BOT_PUBLIC_URL: `${sim.origin}/not-rally` });
    assert.equal(code, 1, out);
    assert.match(out, /^✘ .*\/not-rally\/healthz answered 404, not 200\. Fix: /m);
  });
});
