import type { Logger } from './logger.js';

// Azure Monitor (Application Insights) through OpenTelemetry, switched on by APPLICATIONINSIGHTS_CONNECTION_STRING.
// The distro is not one of Rally's dependencies: releases from 1.19 need Node 22, and it brings about 190 packages,
// one of them with an install script, to every install that never uses it. A deployment that wants it adds it
// (`npm i @azure/monitor-opentelemetry@~1.18.0` on Node 20); Rally loads it only when the setting is there.
const DISTRO = '@azure/monitor-opentelemetry';

/** The part of the distro's API Rally calls. */
export interface AzureMonitorDistro {
  useAzureMonitor(options: { azureMonitorExporterOptions: { connectionString: string } }): void;
  shutdownAzureMonitor(): Promise<void>;
}

export interface Telemetry {
  /** Sends what is still buffered; call it last on the way out. */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { shutdown: async () => undefined };

/**
 * Starts exporting traces to Azure Monitor when a connection string is set; otherwise does nothing. Call it before
 * Rally starts serving so its HTTP instrumentation sees every request. A missing distro is one warning, not a failure.
 */
export async function startTelemetry(
  connectionString: string | undefined,
  log: Logger,
  load: () => Promise<AzureMonitorDistro> = () => import(DISTRO) as Promise<AzureMonitorDistro>,
): Promise<Telemetry> {
  if (connectionString === undefined) return OFF;
  let distro: AzureMonitorDistro;
  try {
    distro = await load();
  } catch (error) {
    if (!isMissing(error)) throw error;
    log.warn(`APPLICATIONINSIGHTS_CONNECTION_STRING is set but ${DISTRO} is not installed: no telemetry is sent. Install it with "npm i ${DISTRO}@~1.18.0".`);
    return OFF;
  }
  distro.useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  log.info('Azure Monitor telemetry is on');
  return { shutdown: () => distro.shutdownAzureMonitor() };
}

/** The distro itself is absent (not one of its own dependencies: that is a broken install, and should say so). */
function isMissing(error: unknown): boolean {
  const { code, message } = error as NodeJS.ErrnoException;
  return code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`'${DISTRO}'`);
}
