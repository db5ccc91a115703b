import type { z } from 'zod';

/** A setting is missing or wrong. The message is one line naming the setting and how to fix it; it never holds a value. */
export class SettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/**
 * The settings `schema` reads from `input`, or a SettingsError for the first setting that is wrong: its name and the
 * rule only, never its value (it may be a secret, such as a password or a connection string with an account key).
 */
export function readSettings<S extends z.ZodType>(schema: S, input: unknown, fallbackName = 'settings'): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const setting = String(issue.path[0] ?? fallbackName);
  throw new SettingsError(setting, `Setting ${setting} ${issue.message}.`);
}
