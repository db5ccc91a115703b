import { LOCAL_APP_ID, PUBLIC_GRAPH_BASE_URL } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import type { StoreSettings } from '../config/storeSettings.js';
import { tokenProviderFor } from '../graph/createCallingApi.js';
import type { TokenProvider } from '../graph/tokenProvider.js';
import type { CheckResult } from './checkResult.js';
import { checkOpenIdMetadata, checkPstn, checkPublicUrl } from './endpointChecks.js';
import { checkGraphToken } from './graphTokenCheck.js';
import { fetchGet } from './httpGet.js';
import { checkMeetingAccessPolicy } from './meetingPolicyCheck.js';
import type { HttpGet } from './httpGet.js';
import { checkStore } from './storeCheck.js';
import type { StoreProbe } from './storeCheck.js';

/** What the doctor examines: the parts of the settings it checks, and the tenant whose Graph token it asks for. */
export interface DoctorSubject {
  localMode: boolean;
  tenantId?: string;
  publicUrl: string;
  pstnApplicationInstanceId?: string;
  /** Undefined in local mode before `npm start` started the simulator: nothing to check yet. */
  openIdMetadataUrl?: string;
  /** The store to check; no store line when undefined. */
  store?: StoreSettings;
  /** Graph root including the version; undefined in local mode before the simulator started. */
  graphBaseUrl?: string;
  appId: string;
  /** An organizer whose meetings `bridge` would make: whether the access policy covers them is checked. */
  organizerId?: string;
}

export interface DoctorDeps {
  tokenProvider: TokenProvider;
  get?: HttpGet;
  /**
   * Inside Rally, its own store's `checkReady` (what /readyz asks). Without it the doctor checks the store on its own
   * (storeCheck.ts): the Blob container opened anew, or the file store's directory written without taking its lock.
   */
  storeProbe?: StoreProbe;
}

export function doctorSubject(settings: Settings, tenantId: string | undefined = settings.bot.appTenantId, organizerId?: string): DoctorSubject {
  const simulatorNotStarted = settings.localMode && settings.graph.baseUrl === undefined;
  return {
    localMode: settings.localMode,
    tenantId,
    publicUrl: settings.publicUrl,
    pstnApplicationInstanceId: settings.pstn.applicationInstanceId,
    openIdMetadataUrl: simulatorNotStarted ? undefined : settings.calling.openIdMetadataUrl,
    store: settings.store,
    graphBaseUrl: simulatorNotStarted ? undefined : (settings.graph.baseUrl ?? PUBLIC_GRAPH_BASE_URL),
    appId: settings.bot.appId ?? LOCAL_APP_ID,
    ...(organizerId === undefined ? {} : { organizerId }),
  };
}

/** Runs every check, in the order an operator fixes things: credentials and the store first, then what reaches Rally. */
export async function runDoctor(subject: DoctorSubject, deps: DoctorDeps): Promise<CheckResult[]> {
  const get = deps.get ?? fetchGet;
  const { graphBaseUrl } = subject;
  const [token, meetingPolicy, store, publicUrl, metadata] = await Promise.all([
    checkGraphToken({ tokenProvider: deps.tokenProvider, tenantId: subject.tenantId, localMode: subject.localMode }),
    graphBaseUrl === undefined
      ? undefined
      : checkMeetingAccessPolicy({ tokenProvider: deps.tokenProvider, tenantId: subject.tenantId, graphBaseUrl, organizerId: subject.organizerId, appId: subject.appId, get }),
    subject.store === undefined ? undefined : checkStore(subject.store, deps.storeProbe),
    checkPublicUrl(subject.publicUrl, subject.localMode, get),
    checkOpenIdMetadata(subject.openIdMetadataUrl, get),
  ]);
  return [
    ...token,
    ...(meetingPolicy === undefined ? [] : [meetingPolicy]),
    ...(store === undefined ? [] : [store]),
    ...publicUrl,
    checkPstn(subject.pstnApplicationInstanceId),
    metadata,
  ];
}

/**
 * The checks for these settings, for any tenant (and the admin asking, as an organizer of bridges): what `doctor`
 * runs in chat. Each run builds its own token provider,
 * so its token is fresh and shows permissions an admin granted since Rally started, not a cached token's.
 * `storeProbe` is Rally's own store's `checkReady`; the store line is there only with it (the chat doctor asks the
 * store Rally runs on, and does not open a second one).
 */
export function doctorFor(settings: Settings, store?: { checkReady(): Promise<void> }): (tenantId: string, organizerId?: string) => Promise<CheckResult[]> {
  const storeProbe: StoreProbe | undefined = store && (() => store.checkReady());
  return (tenantId, organizerId) => {
    const subject = doctorSubject(settings, tenantId, organizerId);
    return runDoctor(storeProbe === undefined ? { ...subject, store: undefined } : subject, { tokenProvider: tokenProviderFor(settings), storeProbe });
  };
}
