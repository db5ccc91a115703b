import { fail, info, pass } from './checkResult.js';
import type { CheckResult } from './checkResult.js';
import { unreachableReason } from './httpGet.js';
import type { HttpGet } from './httpGet.js';

/**
 * (c) BOT_PUBLIC_URL: https (Graph calls back only https URLs; local mode runs on http against the simulator), and
 * Rally answers there: `GET /healthz` from outside the process proves DNS, TLS and the ingress all work.
 */
export async function checkPublicUrl(publicUrl: string, localMode: boolean, get: HttpGet): Promise<CheckResult[]> {
  const https = new URL(publicUrl).protocol === 'https:';
  const scheme = https
    ? pass(`BOT_PUBLIC_URL ${publicUrl} is https.`)
    : localMode
      ? info(`BOT_PUBLIC_URL ${publicUrl} is http: local mode, http is fine here.`)
      : fail(`BOT_PUBLIC_URL ${publicUrl} is not https: Graph sends calling notifications only to https URLs.`, 'set BOT_PUBLIC_URL to the https address Rally is published at.');
  const healthz = `${publicUrl}/healthz`;
  const fixReach = 'check that BOT_PUBLIC_URL is the address Rally is published at, that it resolves and its certificate is valid, and that the ingress forwards it to Rally\'s PORT.';
  try {
    const { status } = await get(healthz);
    if (status === 200) return [scheme, pass(`Rally answers at ${healthz}.`)];
    return [scheme, fail(`${healthz} answered ${status}, not 200.`, fixReach)];
  } catch (error) {
    return [scheme, fail(`${healthz} cannot be reached (${unreachableReason(error)}).`, fixReach)];
  }
}

/** (d) PSTN needs the resource account that owns the number; without one PSTN is simply off. */
export function checkPstn(applicationInstanceId: string | undefined): CheckResult {
  return applicationInstanceId === undefined
    ? info('PSTN off: PSTN_APPLICATION_INSTANCE_ID is not set, so Rally does not call phone numbers.')
    : pass(`PSTN: calls come from application instance ${applicationInstanceId}.`);
}

/** (e) The OpenID metadata whose keys sign calling notifications: unreachable, and every notification is refused. */
export async function checkOpenIdMetadata(url: string | undefined, get: HttpGet): Promise<CheckResult> {
  if (url === undefined) return info('Calling OpenID metadata: local mode, the simulator npm start runs signs notifications.');
  const fix = 'check CALLING_OPENID_METADATA_URL (default https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration) and that Rally may reach it through the firewall or proxy.';
  try {
    const { status, body } = await get(url);
    if (status !== 200) return fail(`Calling OpenID metadata ${url} answered ${status}, not 200.`, fix);
    if (!hasJwksUri(body)) return fail(`Calling OpenID metadata ${url} answered, but without a jwks_uri.`, fix);
    return pass(`Calling OpenID metadata ${url} answers.`);
  } catch (error) {
    return fail(`Calling OpenID metadata ${url} cannot be reached (${unreachableReason(error)}).`, fix);
  }
}

function hasJwksUri(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { jwks_uri?: unknown } | null;
    return typeof parsed?.jwks_uri === 'string';
  } catch {
    return false;
  }
}
