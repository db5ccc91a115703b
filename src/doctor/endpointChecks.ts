import { sentence } from '../i18n/sentence.js';
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
    ? pass(sentence('doctor.publicUrl.https', { url: publicUrl }))
    : localMode
      ? info(sentence('doctor.publicUrl.httpLocal', { url: publicUrl }))
      : fail(sentence('doctor.publicUrl.notHttps', { url: publicUrl }), sentence('doctor.publicUrl.notHttps.fix'));
  const healthz = `${publicUrl}/healthz`;
  const fixReach = sentence('doctor.healthz.fix');
  try {
    const { status } = await get(healthz);
    if (status === 200) return [scheme, pass(sentence('doctor.healthz.answers', { url: healthz }))];
    return [scheme, fail(sentence('doctor.healthz.status', { url: healthz, status: String(status) }), fixReach)];
  } catch (error) {
    return [scheme, fail(sentence('doctor.healthz.unreachable', { url: healthz, reason: unreachableReason(error) }), fixReach)];
  }
}

/** (d) PSTN needs the resource account that owns the number; without one PSTN is simply off. */
export function checkPstn(applicationInstanceId: string | undefined): CheckResult {
  return applicationInstanceId === undefined
    ? info(sentence('doctor.pstn.off'))
    : pass(sentence('doctor.pstn.on', { id: applicationInstanceId }));
}

/** (e) The OpenID metadata whose keys sign calling notifications: unreachable, and every notification is refused. */
export async function checkOpenIdMetadata(url: string | undefined, get: HttpGet): Promise<CheckResult> {
  if (url === undefined) return info(sentence('doctor.openId.local'));
  const fix = sentence('doctor.openId.fix');
  try {
    const { status, body } = await get(url);
    if (status !== 200) return fail(sentence('doctor.openId.status', { url, status: String(status) }), fix);
    if (!hasJwksUri(body)) return fail(sentence('doctor.openId.noJwksUri', { url }), fix);
    return pass(sentence('doctor.openId.answers', { url }));
  } catch (error) {
    return fail(sentence('doctor.openId.unreachable', { url, reason: unreachableReason(error) }), fix);
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
