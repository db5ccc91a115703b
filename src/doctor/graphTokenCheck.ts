import { decodeJwt } from 'jose';
import { REQUIRED_APPLICATION_PERMISSIONS } from '../calling/requests/permissions.js';
import type { TokenProvider } from '../graph/tokenProvider.js';
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
    return [fail('Graph token: no tenant to ask for one.', 'set MicrosoftAppTenantId, or run doctor with --tenant <tenant id>.')];
  }
  let token: string;
  try {
    token = await tokenProvider.getToken(tenantId);
  } catch (error) {
    return [
      fail(
        `Graph token for tenant ${tenantId}: could not get one (${reasonOf(error)}).`,
        'check MicrosoftAppId and its credential (MicrosoftAppPassword, GRAPH_CERTIFICATE_PATH or the managed identity), and that an admin of this tenant has consented to Rally.',
      ),
    ];
  }
  if (localMode) {
    return [pass('Graph token: the local dev token of the simulator.'), info('Graph permissions: not checked in local mode (the simulator grants them).')];
  }
  const obtained = pass(`Graph token for tenant ${tenantId}: obtained.`);
  // Our own token, fresh from Entra: read, not verified (only Graph can verify its tokens).
  let roles: unknown;
  try {
    roles = decodeJwt(token).roles;
  } catch (error) {
    return [obtained, fail(`Graph permissions: the token is not a JWT whose roles can be read (${reasonOf(error)}).`, 'check GRAPH_TOKEN_AUTHORITY: it must be the Entra authority.')];
  }
  const granted = new Set(Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []);
  return [
    obtained,
    ...REQUIRED_APPLICATION_PERMISSIONS.map((permission) =>
      granted.has(permission)
        ? pass(`Graph permission ${permission}: granted.`)
        : fail(
            `Graph permission ${permission}: missing.`,
            `in Entra, add the Microsoft Graph application permission ${permission} to Rally's app registration and grant admin consent for tenant ${tenantId}.`,
          ),
    ),
  ];
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Entra errors run to several lines with trace ids: the first line says what went wrong.
  return message.split('\n')[0]!.trim();
}
