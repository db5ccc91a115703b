import { durationMs, isDuration } from './duration.js';
import { readFileSync } from 'node:fs';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { PhoneNumberType } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';
import { z } from 'zod';
import { SettingsError } from './settingsError.js';

// Who may use Rally and what it may dial. A bot that rings people and phone numbers from chat invites toll fraud and
// harassment, so outside local mode the defaults are narrow: the bot's own tenant, and no phone numbers until an
// operator names who may dial and where. Local mode talks to the simulator only, so there everything is open except
// the number types (the demo shows a premium-rate refusal), and there is no rate limit: trying the README's demo
// commands a few times must not end in "try again in 5 minutes".
// Settings come from the environment and, for lists too long for a variable, a JSON file named by RALLY_POLICY_FILE
// whose keys are the same names; a variable that is set wins over the file.

/** Everyone (every tenant, caller, country). */
export const EVERYONE = '*';
/** `*`, or the allowed entries: lower-case GUIDs, calling codes without `+` (`44`), or upper-case regions (`US`). */
export type AllowList = typeof EVERYONE | readonly string[];

export interface RateLimit {
  /** Calls and invitations one person may start... */
  max: number;
  /** ...in any window of this length. */
  windowMs: number;
}

export interface PolicySettings {
  /** Tenants whose chats and calling notifications Rally serves. An empty list serves nobody. */
  allowedTenants: AllowList;
  /** Entra object ids of the people who may place calls, join meetings and invite. */
  allowedCallers: AllowList;
  /** Entra object ids of the people who may ring phone numbers. */
  allowedDialers: AllowList;
  /** Where numbers may be dialed: calling codes (`1` = all of +1) and regions (`US` = only the United States' +1 numbers). */
  allowedCountries: AllowList;
  /** The kinds of line Rally dials, as libphonenumber names them; a number of any other or unknown kind is refused. */
  allowedNumberTypes: readonly PhoneNumberType[];
  /** Undefined when CALL_RATE_LIMIT is `off`. */
  callRateLimit?: RateLimit;
}

export const POLICY_FILE_SETTING = 'RALLY_POLICY_FILE';

const NUMBER_TYPES = [
  'FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST',
  'PERSONAL_NUMBER', 'VOIP', 'PAGER', 'UAN', 'VOICEMAIL',
] as const satisfies readonly PhoneNumberType[];

/** Ordinary lines and free numbers: what a person reaches on purpose, at no surprise cost. */
export const DEFAULT_NUMBER_TYPES: readonly PhoneNumberType[] = ['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE'];
/** Outside local mode; local mode has none unless CALL_RATE_LIMIT says so. */
export const DEFAULT_CALL_RATE_LIMIT = '10/5m';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const callingCodes = new Set(Object.keys(metadata.country_calling_codes));

/** Comma-separated in a variable, a JSON array (or the same string) in the file; blank means "use the default". */
const entries = z
  .union([z.string(), z.array(z.string())], { message: 'must be a list of values separated by commas' })
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter((s) => s !== ''))
  .transform((items) => (items.length === 0 ? undefined : items));

const allowList = (isEntry: (entry: string) => boolean, normalize: (entry: string) => string, rule: string) =>
  entries
    .refine((items) => items === undefined || (items.length === 1 && items[0] === EVERYONE) || items.every(isEntry), { message: rule })
    .transform((items): AllowList | undefined => {
      if (items === undefined) return undefined;
      return items[0] === EVERYONE ? EVERYONE : items.map(normalize);
    });

const objectIds = (who: string) =>
  allowList((e) => guid.test(e), (e) => e.toLowerCase(), `must be ${who} as Entra object ids (GUIDs) separated by commas, or *`);

const schema = z.object({
  ALLOWED_TENANTS: objectIds('tenant ids'),
  // Object ids only: a Teams message names its sender by object id; a UPN would cost a lookup on every command.
  ALLOWED_CALLERS: objectIds('people'),
  ALLOWED_DIALERS: objectIds('people'),
  ALLOWED_COUNTRY_CODES: allowList(
    (e) => callingCodes.has(e.replace(/^\+/, '')) || isSupportedCountry(e.toUpperCase()),
    (e) => e.replace(/^\+/, '').toUpperCase(),
    'must be country calling codes (like 1 or 44) or two-letter regions (like US) separated by commas, or *',
  ),
  ALLOWED_NUMBER_TYPES: entries.refine((items) => items === undefined || items.every((t) => (NUMBER_TYPES as readonly string[]).includes(t)), {
    message: `must be number types separated by commas, from ${NUMBER_TYPES.join(', ')}`,
  }),
  CALL_RATE_LIMIT: z
    .string({ message: 'must be a text like 10/5m' })
    .trim()
    .refine((v) => v === '' || v === 'off' || (/^[1-9]\d*\/[^/]+$/.test(v) && isDuration(v.split('/')[1]!, ['s', 'm', 'h'])), {
      message: 'must be calls per window like 10/5m (window in s, m or h), or off',
    })
    .optional(),
});

type PolicyKey = keyof z.input<typeof schema>;
const POLICY_KEYS = Object.keys(schema.shape) as PolicyKey[];

export interface PolicyContext {
  localMode: boolean;
  /** MicrosoftAppTenantId: the default tenant outside local mode. */
  appTenantId?: string;
}

/** Reads the policy settings; throws SettingsError naming the first wrong one (never its value). */
export function loadPolicySettings(env: Readonly<Record<string, string | undefined>>, context: PolicyContext): PolicySettings {
  const file = readPolicyFile(env[POLICY_FILE_SETTING]);
  const fromEnv = Object.fromEntries(POLICY_KEYS.filter((k) => (env[k] ?? '').trim() !== '').map((k) => [k, env[k]]));
  const parsed = schema.safeParse({ ...file, ...fromEnv });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const setting = String(issue.path[0] ?? POLICY_FILE_SETTING);
    const where = setting in fromEnv ? '' : ` (in ${POLICY_FILE_SETTING})`;
    throw new SettingsError(setting, `Setting ${setting}${where} ${issue.message}.`);
  }
  const p = parsed.data;
  const open = (value: AllowList | undefined, production: AllowList): AllowList => value ?? (context.localMode ? EVERYONE : production);
  return {
    allowedTenants: open(p.ALLOWED_TENANTS, context.appTenantId ? [context.appTenantId.toLowerCase()] : []),
    allowedCallers: p.ALLOWED_CALLERS ?? EVERYONE,
    allowedDialers: open(p.ALLOWED_DIALERS, []),
    allowedCountries: open(p.ALLOWED_COUNTRY_CODES, []),
    allowedNumberTypes: (p.ALLOWED_NUMBER_TYPES as PhoneNumberType[] | undefined) ?? DEFAULT_NUMBER_TYPES,
    callRateLimit: rateLimit(p.CALL_RATE_LIMIT || (context.localMode ? 'off' : DEFAULT_CALL_RATE_LIMIT)),
  };
}

function rateLimit(text: string): RateLimit | undefined {
  if (text === 'off') return undefined;
  const [max, window] = text.split('/') as [string, string];
  return { max: Number(max), windowMs: durationMs(window) };
}

function readPolicyFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined || path.trim() === '') return {};
  let text: string;
  try {
    text = readFileSync(path.trim(), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SettingsError(POLICY_FILE_SETTING, `Setting ${POLICY_FILE_SETTING} names a file Rally cannot read (${reason}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SettingsError(POLICY_FILE_SETTING, `Setting ${POLICY_FILE_SETTING} names a file that is not JSON.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SettingsError(POLICY_FILE_SETTING, `Setting ${POLICY_FILE_SETTING} must name a JSON object of policy settings.`);
  }
  const unknown = Object.keys(json).find((k) => !(POLICY_KEYS as string[]).includes(k));
  if (unknown !== undefined) {
    throw new SettingsError(
      POLICY_FILE_SETTING,
      `Setting ${POLICY_FILE_SETTING} holds ${JSON.stringify(unknown.slice(0, 40))}, which is not one of ${POLICY_KEYS.join(', ')}.`,
    );
  }
  return json as Record<string, unknown>;
}
