// The operator's rules on who may ring whom (policySettings.ts), applied before any request leaves for Graph.
// A refusal tells the person what they cannot do and whom to ask, not how the lists are made; the log gets the code,
// the person's object id and tenant, and of a phone number only its country code and kind.
import { EVERYONE } from '../../config/policySettings.js';
import type { AllowList, PolicySettings } from '../../config/policySettings.js';
import type { Logger } from '../../log/logger.js';
import { RallyError } from '../../errors/rallyError.js';
import { sentence } from '../../i18n/sentence.js';
import type { Sentence } from '../../i18n/sentence.js';
import type { CallTarget } from '../targets/people.js';
import { parsePhoneNumber } from '../targets/phoneNumber.js';
import type { PhoneNumber } from '../targets/phoneNumber.js';
import { SlidingWindowRateLimiter } from './rateLimiter.js';
import type { RateWindow } from './rateLimiter.js';
import type { RecordStore } from '../records/recordStore.js';

export type PolicyRefusalCode =
  | 'tenantNotAllowed'
  | 'notAllowedToCall'
  | 'notAllowedToDial'
  | 'countryNotAllowed'
  | 'numberTypeRefused'
  | 'rateLimited';

/** The rules do not let this person do this. Nothing was sent to Graph. */
export class PolicyRefusedError extends RallyError {
  constructor(
    readonly code: PolicyRefusalCode,
    said: Sentence,
    /** For the log: never holds more of a phone number than its country code. */
    readonly logFields: Record<string, string> = {},
  ) {
    // The chat sentence may quote the number; the message that reaches logs names only the rule.
    super(said, { detail: `Refused by the calling policy: ${code}` });
  }
}

/** Who asks: the Entra object id of the person in the chat, and the chat's tenant. */
export interface Requester {
  id: string;
  tenantId: string;
}


export function allows(list: AllowList, entry: string): boolean {
  return list === EVERYONE || list.includes(entry);
}

export function isTenantAllowed(policy: PolicySettings, tenantId: string | undefined): boolean {
  return policy.allowedTenants === EVERYONE || (tenantId !== undefined && allows(policy.allowedTenants, tenantId.toLowerCase()));
}

/** May this person start a call or invitation ringing these targets (none for a meeting)? Throws PolicyRefusedError. */
export function checkCall(policy: PolicySettings, requester: Requester, targets: readonly CallTarget[]): void {
  if (!isTenantAllowed(policy, requester.tenantId)) {
    throw new PolicyRefusedError('tenantNotAllowed', sentence('calling.policy.tenantNotAllowed'));
  }
  if (!allows(policy.allowedCallers, requester.id.toLowerCase())) {
    throw new PolicyRefusedError('notAllowedToCall', sentence('calling.policy.notAllowedToCall'));
  }
  for (const target of targets) {
    if (target.kind === 'phone') checkDial(policy, requester, parsePhoneNumber(target.number));
  }
}

/** May this person ring this phone number? Throws PolicyRefusedError. */
export function checkDial(policy: PolicySettings, requester: Requester, number: PhoneNumber): void {
  if (!allows(policy.allowedDialers, requester.id.toLowerCase())) {
    throw new PolicyRefusedError('notAllowedToDial', sentence('calling.policy.notAllowedToDial'));
  }
  const fields = { countryCallingCode: number.countryCallingCode, numberType: number.type ?? 'unknown' };
  const region = number.country;
  if (!allows(policy.allowedCountries, number.countryCallingCode) && !(region !== undefined && allows(policy.allowedCountries, region))) {
    const refusal = region
      ? sentence('calling.policy.regionNotAllowed', { region: { region }, number: number.e164 })
      : sentence('calling.policy.countryCodeNotAllowed', { code: number.countryCallingCode, number: number.e164 });
    throw new PolicyRefusedError('countryNotAllowed', refusal, fields);
  }
  if (number.type === undefined || !policy.allowedNumberTypes.includes(number.type)) {
    // Each kind of number is named in words of its own (premium-rate numbers, landlines...).
    const kind = sentence(`calling.policy.numberKind.${number.type ?? 'unknown'}`);
    throw new PolicyRefusedError('numberTypeRefused', sentence('calling.policy.numberTypeRefused', { kind, number: number.e164 }), fields);
  }
}

export interface CallPolicyOptions {
  settings: PolicySettings;
  /** Counts calls and invitations per person; none when CALL_RATE_LIMIT is off. */
  limiter?: SlidingWindowRateLimiter;
  log?: Pick<Logger, 'warn'>;
}

/** The rules plus the rate limit, for the calling desk: `admit` before each request that rings someone. */
export class CallPolicy {
  constructor(private readonly options: CallPolicyOptions) {}

  /**
   * Checks the rules, then counts the action (once per `actionId`; without one, nothing is counted: hanging up
   * changes a call but rings nobody) against the person's rate limit. Rejects (and
   * logs) with PolicyRefusedError.
   */
  async admit(requester: Requester, targets: readonly CallTarget[], actionId: string | undefined): Promise<void> {
    try {
      checkCall(this.options.settings, requester, targets);
      const decision = actionId === undefined ? undefined : await this.options.limiter?.take(`${requester.tenantId.toLowerCase()}/${requester.id.toLowerCase()}`, actionId);
      if (decision?.allowed === false) {
        const minutes = Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
        throw new PolicyRefusedError('rateLimited', sentence('calling.policy.rateLimited', { minutes }));
      }
    } catch (error) {
      if (error instanceof PolicyRefusedError) {
        this.options.log?.warn({ code: error.code, requester: requester.id, tenantId: requester.tenantId, ...error.logFields }, 'request refused by policy');
      }
      throw error;
    }
  }
}

/** The policy as the settings say, with its rate limit counted in `windows` (shared by every instance). */
export function createCallPolicy(settings: PolicySettings, windows: RecordStore<RateWindow>, log?: Pick<Logger, 'warn'>): CallPolicy {
  const limit = settings.callRateLimit;
  return new CallPolicy({ settings, ...(limit ? { limiter: new SlidingWindowRateLimiter(limit, windows) } : {}), ...(log ? { log } : {}) });
}
