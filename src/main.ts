// `npm start`: Rally on its settings. With no MicrosoftAppId and no GRAPH_BASE_URL it runs on embedded defaults:
// the Graph calling simulator in-process and the Microsoft 365 Agents Playground as the Teams client.
// The console log is JSON, or in local mode on a terminal lines a person reads (LOG_FORMAT, src/log/logFormat.ts).
import { loadSettings, SettingsError } from './config/settings.js';
import type { Settings } from './config/settings.js';
import { withoutHttpParserDeprecation } from './localMode/dependencyWarnings.js';
import { startPlayground } from './localMode/playground.js';
import { createConsoleLogger, logFormatFrom } from './log/logFormat.js';
import type { LogFormat } from './log/logFormat.js';
import { startTelemetry } from './log/telemetry.js';
import { DEMO_DELIVERY_DELAY_MS, startGraphSimulator } from './simulator/index.js';

/** The demo resource account that owns Rally's phone line in local mode (the simulator accepts any). */
const LOCAL_PSTN_APPLICATION_INSTANCE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4aff';

async function main(): Promise<void> {
  let settings: Settings;
  let logFormat: LogFormat;
  try {
    settings = loadSettings(process.env);
    logFormat = logFormatFrom(process.env, { localMode: settings.localMode, terminal: process.stdout.isTTY === true });
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`Rally cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // Loaded here, not imported above, so that local mode can load restify without a warning it prints twice.
  const loadApp = () => import('./app.js');
  const { startRally } = await (settings.localMode ? withoutHttpParserDeprecation(loadApp) : loadApp());
  const log = await createConsoleLogger(settings.logLevel, logFormat);
  const telemetry = await startTelemetry(settings.operations.applicationInsightsConnectionString, log);
  const stops: (() => Promise<void>)[] = [];

  // The first signal stops taking requests, lets those being answered and the chat posts they started finish, stops the
  // simulator and the Playground (which removes its temp folder), then exits; a second one exits at once. Set up before
  // anything starts, so that Ctrl-C during startup stops what has started.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'stopping now, without waiting');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping: finishing the requests under way');
    for (const close of [...stops, () => telemetry.shutdown()]) {
      await close().catch((error: unknown) => log.warn({ err: error }, 'error while stopping'));
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (settings.graph.baseUrl === undefined && settings.localMode) {
    const simulator = await startGraphSimulator({ deliveryDelayMs: DEMO_DELIVERY_DELAY_MS });
    stops.push(() => simulator.close());
    settings = {
      ...settings,
      graph: { ...settings.graph, baseUrl: simulator.baseUrl },
      calling: { ...settings.calling, openIdMetadataUrl: simulator.openIdMetadataUrl },
      // The simulator's phone lines need an application instance to dial from; a real one is the operator's to set.
      pstn: { applicationInstanceId: settings.pstn.applicationInstanceId ?? LOCAL_PSTN_APPLICATION_INSTANCE_ID, applicationInstanceName: settings.pstn.applicationInstanceName ?? 'Rally (local line)' },
    };
    log.debug({ graph: simulator.baseUrl }, 'local mode: Graph calling simulator started');
  }

  // Local mode takes chat messages without a token: only this machine may send them.
  const rally = await startRally(settings, { log, ...(settings.localMode ? { host: '127.0.0.1' } : {}) });
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
}

main().catch((error: unknown) => {
  console.error('Rally failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
