// `npm start`: Rally on its settings. With no MicrosoftAppId and no GRAPH_BASE_URL it runs on embedded defaults:
// the Graph calling simulator in-process and the Microsoft 365 Agents Playground as the Teams client.
import { startRally } from './app.js';
import { loadSettings, SettingsError } from './config/settings.js';
import type { Settings } from './config/settings.js';
import { startPlayground } from './localMode/playground.js';
import { createLogger } from './log/logger.js';
import { DEMO_DELIVERY_DELAY_MS, startGraphSimulator } from './simulator/index.js';

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings(process.env);
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`Rally cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(settings.logLevel);
  const stops: (() => Promise<void>)[] = [];

  if (settings.graph.baseUrl === undefined && settings.localMode) {
    const simulator = await startGraphSimulator({ deliveryDelayMs: DEMO_DELIVERY_DELAY_MS });
    stops.push(() => simulator.close());
    settings = {
      ...settings,
      graph: { ...settings.graph, baseUrl: simulator.baseUrl },
      calling: { ...settings.calling, openIdMetadataUrl: simulator.openIdMetadataUrl },
    };
    log.info({ graph: simulator.baseUrl }, 'local mode: Graph calling simulator started');
  }

  const rally = await startRally(settings, { log });
  stops.unshift(() => rally.close());
  log.info({ url: rally.server.url }, 'Rally is listening');

  if (settings.localMode && process.env.RALLY_PLAYGROUND !== 'off') {
    const playground = await startPlayground({ botEndpoint: `http://127.0.0.1:${rally.server.port}/api/messages`, log });
    stops.unshift(() => playground.close());
    console.log(
      [
        '',
        `  Rally runs locally. Open ${playground.url} and try, in the chat:`,
        '    help',
        '    call adelev@contoso.com',
        '    call adelev@contoso.com alexw@contoso.com',
        '    invite +14255550100',
        '    escalate alexw@contoso.com',
        '    call meganb@contoso.com        (declines)',
        '    hangup',
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    for (const close of stops) await close().catch((error: unknown) => log.warn({ err: error }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Rally failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
