import { z } from 'zod';
import { durationMs, isDuration } from './duration.js';
import { readSettings } from './settingsError.js';

// Settings for running Rally rather than for calling: who may run the admin commands, and where telemetry goes.

export interface OperationsSettings {
  /** Entra object ids (lower case) of the people who may run `doctor` in chat. Empty: nobody. */
  admins: readonly string[];
  /** Azure Monitor (Application Insights); telemetry is off when undefined. */
  applicationInsightsConnectionString?: string;
  /** RALLY_RETENTION: how long an ended call, its card and operations, and an idle chat's records are kept. */
  retentionMs: number;
  /** RALLY_RECONCILE_INTERVAL: how often Rally asks Graph about the calls it believes are alive. */
  reconcileEveryMs: number;
}

export const DEFAULT_RETENTION = '7d';
export const DEFAULT_RECONCILE_INTERVAL = '1m';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const schema = z.object({
  ADMINS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))
    .refine((ids) => ids.every((id) => guid.test(id)), { message: 'must be Entra object ids (GUIDs) separated by commas' }),
  RALLY_RETENTION: z
    .string()
    .trim()
    .default(DEFAULT_RETENTION)
    .refine((v) => isDuration(v, ['s', 'm', 'h', 'd']), { message: 'must be a duration like 30s, 15m, 12h or 7d' }),
  RALLY_RECONCILE_INTERVAL: z
    .string()
    .trim()
    .default(DEFAULT_RECONCILE_INTERVAL)
    .refine((v) => isDuration(v, ['s', 'm', 'h']) && durationMs(v) >= 5_000, { message: 'must be a duration of at least 5s, like 30s or 1m' }),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

export function loadOperationsSettings(env: Readonly<Record<string, string | undefined>>): OperationsSettings {
  const settings = readSettings(schema, env);
  return {
    admins: settings.ADMINS,
    applicationInsightsConnectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING,
    retentionMs: durationMs(settings.RALLY_RETENTION),
    reconcileEveryMs: durationMs(settings.RALLY_RECONCILE_INTERVAL),
  };
}
