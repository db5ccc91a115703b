import type { Settings } from '../config/settings.js';
import { tokenProviderFor } from '../graph/createCallingApi.js';
import type { TokenProvider } from '../graph/tokenProvider.js';
import type { CheckResult } from './checkResult.js';
import { checkOpenIdMetadata, checkPstn, checkPublicUrl } from './endpointChecks.js';
import { checkGraphToken } from './graphTokenCheck.js';
import { fetchGet } from './httpGet.js';
import type { HttpGet } from './httpGet.js';

/** What the doctor examines: the parts of the settings it checks, and the tenant whose Graph token it asks for. */
export interface DoctorSubject {
  localMode: boolean;
  tenantId?: string;
  publicUrl: string;
  pstnApplicationInstanceId?: string;
  /** Undefined in local mode before `npm start` started the simulator: nothing to check yet. */
  openIdMetadataUrl?: string;
}

export interface DoctorDeps {
  tokenProvider: TokenProvider;
  get?: HttpGet;
}

export function doctorSubject(settings: Settings, tenantId: string | undefined = settings.bot.appTenantId): DoctorSubject {
  const simulatorNotStarted = settings.localMode && settings.graph.baseUrl === undefined;
  return {
    localMode: settings.localMode,
    tenantId,
    publicUrl: settings.publicUrl,
    pstnApplicationInstanceId: settings.pstn.applicationInstanceId,
    openIdMetadataUrl: simulatorNotStarted ? undefined : settings.calling.openIdMetadataUrl,
  };
}

/** Runs every check, in the order an operator fixes things: credentials first, then what reaches Rally. */
export async function runDoctor(subject: DoctorSubject, deps: DoctorDeps): Promise<CheckResult[]> {
  const get = deps.get ?? fetchGet;
  const [token, publicUrl, metadata] = await Promise.all([
    checkGraphToken({ tokenProvider: deps.tokenProvider, tenantId: subject.tenantId, localMode: subject.localMode }),
    checkPublicUrl(subject.publicUrl, subject.localMode, get),
    checkOpenIdMetadata(subject.openIdMetadataUrl, get),
  ]);
  return [...token, ...publicUrl, checkPstn(subject.pstnApplicationInstanceId), metadata];
}

/**
 * The checks for these settings, for any tenant: what `doctor` runs in chat. Each run builds its own token provider,
 * so its token is fresh and shows permissions an admin granted since Rally started, not a cached token's.
 */
export function doctorFor(settings: Settings): (tenantId: string) => Promise<CheckResult[]> {
  return (tenantId) => runDoctor(doctorSubject(settings, tenantId), { tokenProvider: tokenProviderFor(settings) });
}
