import { z } from 'zod';
import { loadPolicySettings } from './policySettings.js';
import type { PolicySettings } from './policySettings.js';
import { loadOperationsSettings } from './operationsSettings.js';
import type { OperationsSettings } from './operationsSettings.js';
import { readSettings, SettingsError } from './settingsError.js';
import { loadStoreSettings } from './storeSettings.js';
import type { StoreSettings } from './storeSettings.js';

// Rally's settings: the Graph calling contract (app identity, callback, Graph endpoints) plus what Rally needs beyond it.
// Names are the environment variable names so an operator can grep for them.

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: `must be an http(s) URL (${what})` })
    .transform((v) => v.replace(/\/+$/, ''));

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').positive('must be above 0').default(fallback);

const schema = z
  .object({
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535, 'must be a port number (0-65535)').default(3978),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    MicrosoftAppType: z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' })
      .optional(),
    BOT_PUBLIC_URL: url('the public base URL Graph calls back').optional(),
    GRAPH_BASE_URL: url('Graph root including version, e.g. https://graph.microsoft.com/v1.0').optional(),
    GRAPH_TOKEN_AUTHORITY: url('Entra authority host').default('https://login.microsoftonline.com'),
    GRAPH_CREDENTIAL: z
      .enum(['secret', 'certificate', 'managedIdentity'], { message: 'must be secret, certificate or managedIdentity' })
      .optional(),
    GRAPH_CERTIFICATE_PATH: optionalText,
    MANAGED_IDENTITY_CLIENT_ID: optionalText,
    GRAPH_TIMEOUT_MS: positiveInt(15_000),
    GRAPH_MAX_RETRIES: z.coerce.number({ message: 'must be a whole number' }).int().min(0).max(10, 'must be 10 or less').default(3),
    PSTN_APPLICATION_INSTANCE_ID: optionalText.refine((v) => v === undefined || guid.test(v), {
      message: 'must be the object id (a GUID) of the resource account that owns the phone number',
    }),
    PSTN_APPLICATION_INSTANCE_NAME: optionalText,
    CALLING_OPENID_METADATA_URL: url('OpenID metadata for calling notifications').default(
      'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration',
    ),
    BOT_DISPLAY_NAME: z.string().trim().min(1).default('Rally'),
    RALLY_PAGE_PROMPT_URL: url('the WAV file Graph plays to a paged person').optional(),
    RALLY_DATA_DIR: z.string().trim().min(1).default('.rally-data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((s, ctx) => {
    if (s.MicrosoftAppId !== undefined && !guid.test(s.MicrosoftAppId)) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: 'must be the bot\'s Entra application (client) id, a GUID' });
    }
    if (s.MicrosoftAppType && s.MicrosoftAppType !== 'MultiTenant' && s.MicrosoftAppId && !s.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: `is required when MicrosoftAppType is ${s.MicrosoftAppType}` });
    }
    const credential = credentialKind(s);
    if (s.MicrosoftAppId && credential === 'secret' && !s.MicrosoftAppPassword) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required for Graph tokens with a client secret (or set GRAPH_CREDENTIAL=certificate or managedIdentity)' });
    }
    if (credential === 'certificate' && !s.GRAPH_CERTIFICATE_PATH) {
      ctx.addIssue({ code: 'custom', path: ['GRAPH_CERTIFICATE_PATH'], message: 'is required when GRAPH_CREDENTIAL is certificate (a PEM file with the private key and certificate)' });
    }
    if (credential !== 'secret' && !s.MicrosoftAppId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: `is required when GRAPH_CREDENTIAL is ${credential}` });
    }
  });

function credentialKind(s: { GRAPH_CREDENTIAL?: GraphCredentialKind; MicrosoftAppType?: string }): GraphCredentialKind {
  return s.GRAPH_CREDENTIAL ?? (s.MicrosoftAppType === 'UserAssignedMSI' ? 'managedIdentity' : 'secret');
}

export type GraphCredentialKind = 'secret' | 'certificate' | 'managedIdentity';

/** Local mode: no Bot Framework identity, so no inbound Bot Framework auth and calling tokens for `rally-local`. */
export const LOCAL_APP_ID = 'rally-local';

export interface Settings {
  port: number;
  /** True when no MicrosoftAppId is set. */
  localMode: boolean;
  bot: {
    appId?: string;
    appPassword?: string;
    appTenantId?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    displayName: string;
  };
  /** `${BOT_PUBLIC_URL}`, without a trailing slash. */
  publicUrl: string;
  /** `${BOT_PUBLIC_URL}/api/calling`: Graph's callbackUri. */
  callbackUri: string;
  /**
   * RALLY_PAGE_PROMPT_URL: one "press 1 to accept" WAV Graph downloads and plays to every paged person, in place of
   * Rally's own recordings (one per language, served under publicUrl: http/pagePrompt.ts).
   */
  pagePromptUrl?: string;
  graph: {
    /** Undefined means "not set": local mode then starts the simulator, otherwise the public Graph. */
    baseUrl?: string;
    authority: string;
    credential: GraphCredentialKind;
    clientId?: string;
    clientSecret?: string;
    certificatePath?: string;
    managedIdentityClientId?: string;
    timeoutMs: number;
    maxRetries: number;
  };
  pstn: { applicationInstanceId?: string; applicationInstanceName?: string };
  calling: {
    openIdMetadataUrl: string;
    /** Audience expected on inbound calling notifications. */
    audience: string;
  };
  /** Who may call, dial what, how often (policySettings.ts). */
  policy: PolicySettings;
  /** Admins and telemetry (operationsSettings.ts). */
  operations: OperationsSettings;
  /** Where state is kept (storeSettings.ts). */
  store: StoreSettings;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const PUBLIC_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

export { SettingsError };

export function loadSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const s = readSettings(schema, env);
  const publicUrl = s.BOT_PUBLIC_URL ?? `http://localhost:${s.PORT}`;
  const localMode = s.MicrosoftAppId === undefined;
  return {
    port: s.PORT,
    localMode,
    bot: {
      appId: s.MicrosoftAppId,
      appPassword: s.MicrosoftAppPassword,
      appTenantId: s.MicrosoftAppTenantId,
      appType: s.MicrosoftAppType ?? 'MultiTenant',
      displayName: s.BOT_DISPLAY_NAME,
    },
    publicUrl,
    callbackUri: `${publicUrl}/api/calling`,
    pagePromptUrl: s.RALLY_PAGE_PROMPT_URL,
    graph: {
      baseUrl: s.GRAPH_BASE_URL,
      authority: s.GRAPH_TOKEN_AUTHORITY,
      credential: credentialKind(s),
      clientId: s.MicrosoftAppId,
      clientSecret: s.MicrosoftAppPassword,
      certificatePath: s.GRAPH_CERTIFICATE_PATH,
      managedIdentityClientId: s.MANAGED_IDENTITY_CLIENT_ID ?? (s.MicrosoftAppType === 'UserAssignedMSI' ? s.MicrosoftAppId : undefined),
      timeoutMs: s.GRAPH_TIMEOUT_MS,
      maxRetries: s.GRAPH_MAX_RETRIES,
    },
    pstn: { applicationInstanceId: s.PSTN_APPLICATION_INSTANCE_ID, applicationInstanceName: s.PSTN_APPLICATION_INSTANCE_NAME },
    calling: { openIdMetadataUrl: s.CALLING_OPENID_METADATA_URL, audience: s.MicrosoftAppId ?? LOCAL_APP_ID },
    policy: loadPolicySettings(env, { localMode, appTenantId: s.MicrosoftAppTenantId }),
    operations: loadOperationsSettings(env),
    store: loadStoreSettings(env),
    dataDir: s.RALLY_DATA_DIR,
    logLevel: s.LOG_LEVEL,
  };
}
