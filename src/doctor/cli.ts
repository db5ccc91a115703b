// `npm run doctor [-- --tenant <tenant id>] [--organizer <object id>]`: checks Rally's settings against the services
// they name, one line per check, and exits non-zero when any check failed. The tenant defaults to
// MicrosoftAppTenantId; with an organizer, whether the meeting access policy `bridge` needs covers them.
// The store is checked on its own, next to a Rally that may be running (storeCheck.ts): a Blob container is opened as
// Rally opens it, written, and closed; the file store's directory is written without taking the lock Rally holds.
import { parseArgs } from 'node:util';
import { loadSettings, SettingsError } from '../config/settings.js';
import { tokenProviderFor } from '../graph/createCallingApi.js';
import { Translator } from '../i18n/translator.js';
import { anyFailed, formatReport } from './checkResult.js';
import { doctorSubject, runDoctor } from './doctor.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' }, organizer: { type: 'string' } } });
  try {
    const settings = loadSettings(process.env);
    const results = await runDoctor(doctorSubject(settings, values.tenant ?? settings.bot.appTenantId, values.organizer), { tokenProvider: tokenProviderFor(settings) });
    // An operator's terminal has no Teams client to name a language: the report is in English, as the log is.
    console.log(formatReport(results, new Translator()));
    return anyFailed(results) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.log(`✘ ${error.message}`);
    return 2;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error('doctor failed:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
