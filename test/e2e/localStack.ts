// Rally in local mode, composed in-process as src/main.ts does: the Graph calling simulator, Rally, and the Agents
// Playground as the Teams client. Everything listens on 127.0.0.1.
import { startRally } from '../../src/app.js';
import type { RunningRally } from '../../src/app.js';
import { loadSettings } from '../../src/config/settings.js';
import { startPlayground } from '../../src/localMode/playground.js';
import type { RunningPlayground } from '../../src/localMode/playground.js';
import { createLogger } from '../../src/log/logger.js';
import { startGraphSimulator } from '../../src/simulator/index.js';
import type { GraphSimulator } from '../../src/simulator/index.js';
import { freePort } from '../support/freePort.js';
import { makeTempDirectory } from '../support/tempDirectory.js';

export interface LocalStack {
  sim: GraphSimulator;
  rally: RunningRally;
  playground: RunningPlayground;
  close(): Promise<void>;
}

/** Long enough that "Connecting…" is on screen before "Connected", short enough to keep the suite quick. */
const DELIVERY_DELAY_MS = 200;

export async function startLocalStack(): Promise<LocalStack> {
  const log = createLogger('silent');
  const dataDir = await makeTempDirectory('rally-e2e-data-');
  const sim = await startGraphSimulator({ deliveryDelayMs: DELIVERY_DELAY_MS });
  // Rally's callback URI carries its port, so it needs a fixed one rather than 0.
  const port = await freePort();
  const settings = loadSettings({
    PORT: String(port),
    BOT_PUBLIC_URL: `http://127.0.0.1:${port}`,
    GRAPH_BASE_URL: sim.baseUrl,
    CALLING_OPENID_METADATA_URL: sim.openIdMetadataUrl,
    PSTN_APPLICATION_INSTANCE_ID: '0b6a3c1e-4d2f-4e8a-9b7c-5d1e2f3a4b5c',
    RALLY_DATA_DIR: dataDir.path,
    LOG_LEVEL: 'silent',
  });
  const rally = await startRally(settings, { log, host: '127.0.0.1' });
  const playground = await startPlayground({ botEndpoint: `http://127.0.0.1:${port}/api/messages`, port: await freePort(), log });
  return {
    sim,
    rally,
    playground,
    async close() {
      await playground.close();
      await rally.close();
      await sim.close();
      await dataDir.remove();
    },
  };
}

