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
import { stopSignalRule } from './stopSignals.js';

/** The demo resource account that owns Rally's phone line in local mode (the simulator accepts any). */
const LOCAL_PSTN_APPLICATION_INSTANCE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4aff';

type Part = 'rally' | 'playground' | 'simulator' | 'telemetry';
// Rally first: the turns and jobs it lets finish call the simulator and post to the Playground's chat.
const STOP_ORDER: readonly Part[] = ['rally', 'playground', 'simulator', 'telemetry'];

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
  const closes = new Map<Part, () => Promise<void>>([['telemetry', () => telemetry.shutdown()]]);

  // The first signal stops taking requests, lets those being answered and the chat posts they started finish, stops the
  // Playground (which removes its temp folder) and the simulator, then exits. Copies of it that come with the same
  // Ctrl-C (src/stopSignals.ts says from where) change nothing; a signal more than a second later exits at once. Set up
  // before anything starts, so that Ctrl-C during startup stops what has started.
  const decide = stopSignalRule(() => performance.now());
  const stop = async (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopping: finishing the requests under way');
    const began = performance.now();
    for (const part of STOP_ORDER) {
      const close = closes.get(part);
      if (!close) continue;
      const at = performance.now();
      try {
        await close();
      } catch (error) {
        log.warn({ err: error, part }, 'error while stopping');
      }
      // Which part a slow stop waited on, without a debugger.
      log.debug({ part, ms: Math.round(performance.now() - at) }, 'stopped part');
    }
    log.info({ ms: Math.round(performance.now() - began) }, 'stopped');
    process.exit(0);
  };
  const onStopSignal = (signal: NodeJS.Signals) => {
    switch (decide()) {
      case 'drain':
        void stop(signal);
        return;
      case 'same request':
        log.info({ signal }, 'already stopping (a signal more than 1 s after the first stops at once)');
        return;
      case 'exit now':
        log.warn({ signal }, 'stopping now, without waiting');
        process.exit(1);
    }
  };
  process.on('SIGINT', onStopSignal);
  process.on('SIGTERM', onStopSignal);

  if (settings.graph.baseUrl === undefined && settings.localMode) {
    const simulator = await startGraphSimulator({ deliveryDelayMs: DEMO_DELIVERY_DELAY_MS });
    closes.set('simulator', () => simulator.close());
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
  closes.set('rally', () => rally.close());
  log.info({ url: rally.server.url }, 'Rally is listening');

  if (settings.localMode && process.env.RALLY_PLAYGROUND !== 'off') {
    const playground = await startPlayground({ botEndpoint: `http://127.0.0.1:${rally.server.port}/api/messages`, log });
    closes.set('playground', () => playground.close());
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
