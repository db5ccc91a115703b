import { z } from 'zod';
import { SettingsError } from './settingsError.js';

// Settings for running Rally rather than for calling: who may run the admin commands, and where telemetry goes.

export interface OperationsSettings {
  /** Entra object ids (lower case) of the people who may run `doctor` in chat. Empty: nobody. */
  admins: readonly string[];
  /** Azure Monitor (Application Insights); telemetry is off when undefined. */
  applicationInsightsConnectionString?: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const schema = z.object({
  ADMINS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))
    .refine((ids) => ids.every((id) => guid.test(id)), { message: 'must be Entra object ids (GUIDs) separated by commas' }),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

export function loadOperationsSettings(env: Readonly<Record<string, string | undefined>>): OperationsSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const setting = String(issue.path[0]);
    throw new SettingsError(setting, `Setting ${setting} ${issue.message}.`);
  }
  return { admins: parsed.data.ADMINS, applicationInsightsConnectionString: parsed.data.APPLICATIONINSIGHTS_CONNECTION_STRING };
}
