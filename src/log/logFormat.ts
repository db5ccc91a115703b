// How Rally writes its log to the console: JSON lines (pino's own, what log pipelines, `npm test` and CI read), or
// `pretty`, one line a person reads per record. Pretty is the default only in local mode on a terminal: `npm start` to
// try Rally; piped or redirected, and outside local mode, the log stays JSON unless LOG_FORMAT says otherwise.
import { pino } from 'pino';
import type { Level } from 'pino';
import type PinoPretty from 'pino-pretty';
import { SettingsError } from '../config/settingsError.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';

export type LogFormat = 'json' | 'pretty';

export const LOG_FORMAT_SETTING = 'LOG_FORMAT';

/** LOG_FORMAT (`json` or `pretty`), or the default for where Rally runs; throws SettingsError for any other value. */
export function logFormatFrom(env: Readonly<Record<string, string | undefined>>, where: { localMode: boolean; terminal: boolean }): LogFormat {
  const value = (env[LOG_FORMAT_SETTING] ?? '').trim();
  if (value === '') return where.localMode && where.terminal ? 'pretty' : 'json';
  if (value === 'json' || value === 'pretty') return value;
  throw new SettingsError(LOG_FORMAT_SETTING, `Setting ${LOG_FORMAT_SETTING} must be json or pretty.`);
}

/**
 * Rally's logger on the console (stdout, or `write` in tests) in `format`. Pretty lines come from pino-pretty, run in
 * this thread and written synchronously, so a line logged just before the process exits is not lost. pino-pretty is
 * a development dependency (local mode runs from a full install): where it is not installed the log is JSON, and says so.
 */
export async function createConsoleLogger(level: Level | 'silent', format: LogFormat, write?: (text: string) => void): Promise<Logger> {
  const json = () => (write === undefined ? createLogger(level) : createLogger(level, { write }));
  if (format === 'json') return json();
  let prettyFactory: typeof PinoPretty.prettyFactory;
  try {
    ({ prettyFactory } = await import('pino-pretty'));
  } catch (error) {
    if (!isMissing(error)) throw error;
    const log = json();
    log.warn(`${LOG_FORMAT_SETTING}=pretty needs pino-pretty, a development dependency, which is not installed: the log is JSON`);
    return log;
  }
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss',
    // Every line says `service: rally`; the requestId ties lines to Graph's and stays in the JSON log.
    ignore: 'service,requestId',
    singleLine: true,
    ...(write === undefined ? {} : { colorize: false }),
  });
  const out = write ?? stdoutWriter();
  return createLogger(level, { write: (line: string) => out(prettify(line)) });
}

function stdoutWriter(): (text: string) => void {
  const stdout = pino.destination({ dest: 1, sync: true });
  return (text) => void stdout.write(text);
}

/** pino-pretty itself is absent (not one of its own dependencies: that is a broken install, and should say so). */
function isMissing(error: unknown): boolean {
  const { code, message } = error as NodeJS.ErrnoException;
  return code === 'ERR_MODULE_NOT_FOUND' && String(message).includes("'pino-pretty'");
}
