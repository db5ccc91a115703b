import { decodeJwt } from 'jose';
import { REQUIRED_APPLICATION_PERMISSIONS } from '../calling/requests/permissions.js';
import type { TokenProvider } from '../graph/tokenProvider.js';
import { sentence } from '../i18n/sentence.js';
import { fail, info, pass } from './checkResult.js';
import type { CheckResult } from './checkResult.js';

export interface GraphTokenCheckInput {
  tokenProvider: TokenProvider;
  /** The tenant to get a token for; undefined when nothing names one. */
  tenantId?: string;
  /** Local mode signs with the simulator's fixed dev token, which carries no claims. */
  localMode: boolean;
}

/** (a) a Graph token can be had for the tenant; (b) it carries every application permission Rally needs, each on its own line. */
export async function checkGraphToken({ tokenProvider, tenantId, localMode }: GraphTokenCheckInput): Promise<CheckResult[]> {
  if (tenantId === undefined) {
    return [fail(sentence('doctor.token.noTenant'), sentence('doctor.token.noTenant.fix'))];
  }
  let token: string;
  try {
    token = await tokenProvider.getToken(tenantId);
  } catch (error) {
    return [fail(sentence('doctor.token.failed', { tenant: tenantId, reason: reasonOf(error) }), sentence('doctor.token.failed.fix'))];
  }
  if (localMode) {
    return [pass(sentence('doctor.token.local')), info(sentence('doctor.permissions.local'))];
  }
  const obtained = pass(sentence('doctor.token.obtained', { tenant: tenantId }));
  // Our own token, fresh from Entra: read, not verified (only Graph can verify its tokens).
  let roles: unknown;
  try {
    roles = decodeJwt(token).roles;
  } catch (error) {
    return [obtained, fail(sentence('doctor.permissions.notJwt', { reason: reasonOf(error) }), sentence('doctor.permissions.notJwt.fix'))];
  }
  const granted = new Set(Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []);
  return [
    obtained,
    ...REQUIRED_APPLICATION_PERMISSIONS.map((permission) =>
      granted.has(permission)
        ? pass(sentence('doctor.permission.granted', { permission }))
        : fail(sentence('doctor.permission.missing', { permission }), sentence('doctor.permission.missing.fix', { permission, tenant: tenantId })),
    ),
  ];
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Entra errors run to several lines with trace ids: the first line says what went wrong.
  return message.split('\n')[0]!.trim();
}
