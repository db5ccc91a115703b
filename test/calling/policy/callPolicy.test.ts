import assert from 'node:assert/strict';
import { CallPolicy, checkCall, checkDial, isTenantAllowed, PolicyRefusedError } from '../../../src/calling/policy/callPolicy.js';
import type { PolicyRefusalCode, Requester } from '../../../src/calling/policy/callPolicy.js';
import type { CallTarget } from '../../../src/calling/targets/people.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';
import { SlidingWindowRateLimiter } from '../../../src/calling/policy/rateLimiter.js';
import type { RateWindow } from '../../../src/calling/policy/rateLimiter.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';
import { DEFAULT_NUMBER_TYPES, EVERYONE } from '../../../src/config/policySettings.js';
import type { PolicySettings } from '../../../src/config/policySettings.js';
import { Translator } from '../../../src/i18n/translator.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const PAT = '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60';
const SAM = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';
const pat: Requester = { id: PAT.toUpperCase(), tenantId: TENANT };
const sam: Requester = { id: SAM, tenantId: TENANT };

const policy = (overrides: Partial<PolicySettings> = {}): PolicySettings => ({
  allowedTenants: [TENANT],
  allowedCallers: EVERYONE,
  allowedDialers: [PAT],
  allowedCountries: ['1', 'GB'],
  allowedNumberTypes: DEFAULT_NUMBER_TYPES,
  ...overrides,
});

const user: CallTarget = { kind: 'user', id: SAM };
const phone = (text: string): CallTarget => ({ kind: 'phone', number: parsePhoneNumber(text).e164 });

function refusal(act: () => void): PolicyRefusedError {
  try {
    act();
  } catch (error) {
    assert.ok(error instanceof PolicyRefusedError, `expected PolicyRefusedError, got ${String(error)}`);
    return error;
  }
  assert.fail('the request was admitted');
}

const refusedWith = (code: PolicyRefusalCode, act: () => void) => {
  const error = refusal(act);
  assert.equal(error.code, code);
  return error;
};

describe('calling policy', () => {
  describe('libphonenumber-js/max types the numbers these tests rely on', () => {
    // If a metadata update reclassifies a range, these fail first and say why a policy test below changed.
    for (const [number, type] of [
      ['+44 909 879 0000', 'PREMIUM_RATE'],
      ['+44 843 123 4567', 'PREMIUM_RATE'], // 084x was shared cost; Ofcom made it a service (premium) range
      ['+1 900 555 0100', 'PREMIUM_RATE'],
      ['+34 901 123 456', 'SHARED_COST'],
      ['+44 70 1234 5678', 'PERSONAL_NUMBER'],
      ['+44 56 1234 5678', 'VOIP'],
      ['+44 303 123 4567', 'UAN'],
      ['+1 800 555 0100', 'TOLL_FREE'],
      ['+1 425 555 0100', 'FIXED_LINE_OR_MOBILE'],
      ['+44 20 7946 0958', 'FIXED_LINE'],
      ['+1 876 555 0100', 'MOBILE'],
    ] as const) {
      it(`${number} is ${type}`, () => assert.equal(parsePhoneNumber(number).type, type));
    }
  });

  describe('checkCall', () => {
    it('admits anyone in an allowed tenant to call people when callers are *', () => {
      checkCall(policy(), sam, [user]);
      checkCall(policy(), sam, []);
    });

    it('refuses a tenant not on the list, whoever asks', () => {
      const error = refusedWith('tenantNotAllowed', () => checkCall(policy(), { ...pat, tenantId: '22222222-2222-4222-8222-222222222222' }, [user]));
      assert.match(error.userMessage, /not enabled for your organization/);
    });

    it('refuses every tenant when the list is empty, and none when it is *', () => {
      assert.equal(isTenantAllowed(policy({ allowedTenants: [] }), TENANT), false);
      assert.equal(isTenantAllowed(policy({ allowedTenants: EVERYONE }), 'anything'), true);
      assert.equal(isTenantAllowed(policy(), TENANT.toUpperCase()), true);
      assert.equal(isTenantAllowed(policy(), undefined), false);
    });

    it('refuses a caller not on the list, without naming the list', () => {
      const error = refusedWith('notAllowedToCall', () => checkCall(policy({ allowedCallers: [PAT] }), sam, [user]));
      assert.match(error.userMessage, /not allowed to place or change calls/);
      assert.doesNotMatch(error.userMessage, new RegExp(PAT, 'i'));
      checkCall(policy({ allowedCallers: [PAT] }), pat, [user]);
    });

    it('checks every phone number among the targets', () => {
      checkCall(policy(), pat, [user, phone('+14255550100')]);
      refusedWith('notAllowedToDial', () => checkCall(policy(), sam, [user, phone('+14255550100')]));
      refusedWith('numberTypeRefused', () => checkCall(policy(), pat, [phone('+14255550100'), phone('+449098790000')]));
    });
  });

  describe('checkDial', () => {
    const dial = (text: string, settings = policy(), who = pat) => checkDial(settings, who, parsePhoneNumber(text));

    it('admits landlines, mobiles and toll-free numbers in allowed countries', () => {
      for (const number of ['+1 425 555 0100', '+1 800 555 0100', '+44 20 7946 0958']) dial(number);
    });

    it('refuses a person who may call but not dial', () => {
      const error = refusedWith('notAllowedToDial', () => dial('+14255550100', policy(), sam));
      assert.match(error.userMessage, /not allowed to dial phone numbers/);
    });

    it('refuses every number when no country is allowed', () => {
      refusedWith('countryNotAllowed', () => dial('+14255550100', policy({ allowedCountries: [] })));
    });

    it('refuses a country not on the list and names it', () => {
      const error = refusedWith('countryNotAllowed', () => dial('+49 30 1234567'));
      assert.match(error.userMessage, /numbers in Germany/);
      assert.deepEqual(error.logFields, { countryCallingCode: '49', numberType: 'FIXED_LINE' });
    });

    it('names the country, and the kind of number, as the reader\'s language does', () => {
      const french = new Translator({ locale: 'fr' });
      assert.match(french.say(refusedWith('countryNotAllowed', () => dial('+49 30 1234567')).sentence), /\(Allemagne\)/);
      assert.match(new Translator({ locale: 'ja' }).say(refusedWith('countryNotAllowed', () => dial('+49 30 1234567')).sentence), /ドイツ/);
      assert.match(french.say(refusedWith('numberTypeRefused', () => dial('+44 909 879 0000')).sentence), /^Rally ne compose pas de numéros surtaxés ; il n’appellera donc pas le \+449098790000\.$/);
    });

    it('reads a region entry as that region only, and a calling code as all of it', () => {
      // +1 876 is Jamaica: allowed through "1", refused when only "US" is listed.
      dial('+1 876 555 0100');
      refusedWith('countryNotAllowed', () => dial('+1 876 555 0100', policy({ allowedCountries: ['US'] })));
      dial('+1 425 555 0100', policy({ allowedCountries: ['US'] }));
      dial('+44 20 7946 0958', policy({ allowedCountries: ['44'] }));
    });

    for (const [number, kind] of [
      ['+44 909 879 0000', /premium-rate/],
      ['+44 843 123 4567', /premium-rate/],
      ['+1 900 555 0100', /premium-rate/],
      ['+44 70 1234 5678', /personal/],
      ['+44 56 1234 5678', /VoIP/],
      ['+44 303 123 4567', /service numbers/],
    ] as const) {
      it(`refuses ${number} by its kind`, () => {
        const error = refusedWith('numberTypeRefused', () => dial(number));
        assert.match(error.userMessage, kind);
      });
    }

    it('refuses a shared-cost number', () => {
      refusedWith('numberTypeRefused', () => dial('+34 901 123 456', policy({ allowedCountries: EVERYONE })));
    });

    it('dials a kind the operator added, and refuses one the operator left out', () => {
      dial('+34 901 123 456', policy({ allowedCountries: EVERYONE, allowedNumberTypes: ['SHARED_COST'] }));
      refusedWith('numberTypeRefused', () => dial('+1 800 555 0100', policy({ allowedNumberTypes: ['FIXED_LINE_OR_MOBILE'] })));
    });

    it('keeps the number out of the error message that reaches logs', () => {
      const error = refusedWith('numberTypeRefused', () => dial('+44 909 879 0000'));
      assert.match(error.userMessage, /\+449098790000/, 'the chat sees which number');
      assert.doesNotMatch(error.message, /909/);
    });
  });

  describe('CallPolicy.admit', () => {
    const warnings: unknown[] = [];
    const log = { warn: (fields: unknown) => void warnings.push(fields) };
    beforeEach(() => (warnings.length = 0));
    let actions = 0;
    const admit = (gate: CallPolicy, who: typeof pat, targets: Parameters<CallPolicy['admit']>[1]) => gate.admit(who, targets, `action-${++actions}`);
    const limiterOf = (limit: { max: number; windowMs: number }, now: () => number) =>
      new SlidingWindowRateLimiter(limit, new DocumentRecordStore<RateWindow>(new MemoryDocumentStore(), 'rateWindows/'), now);
    const rejectedWith = async (code: PolicyRefusalCode, act: () => Promise<void>): Promise<PolicyRefusedError> => {
      try {
        await act();
      } catch (error) {
        assert.ok(error instanceof PolicyRefusedError, String(error));
        assert.equal(error.code, code);
        return error;
      }
      return assert.fail('the request was admitted');
    };

    it('counts admitted requests per person and refuses the one over the limit', async () => {
      let now = 0;
      const gate = new CallPolicy({ settings: policy(), limiter: limiterOf({ max: 2, windowMs: 300_000 }, () => now), log });
      await admit(gate, pat, [user]);
      await admit(gate, pat, []);
      await admit(gate, sam, [user]);
      now = 60_000;
      const error = await rejectedWith('rateLimited', () => admit(gate, pat, [user]));
      assert.match(error.userMessage, /try again in 4 minutes/);
      assert.deepEqual(warnings, [{ code: 'rateLimited', requester: pat.id, tenantId: TENANT }]);
      now = 300_001;
      await admit(gate, pat, [user]);
    });

    it('does not count a refused request against the limit', async () => {
      const gate = new CallPolicy({ settings: policy(), limiter: limiterOf({ max: 1, windowMs: 60_000 }, () => 0), log });
      await rejectedWith('numberTypeRefused', () => admit(gate, pat, [phone('+449098790000')]));
      await admit(gate, pat, [user]);
    });

    it('logs a refused number by country code and kind only', async () => {
      const gate = new CallPolicy({ settings: policy(), log });
      await rejectedWith('numberTypeRefused', () => admit(gate, pat, [phone('+449098790000')]));
      assert.deepEqual(warnings, [{ code: 'numberTypeRefused', requester: pat.id, tenantId: TENANT, countryCallingCode: '44', numberType: 'PREMIUM_RATE' }]);
    });
  });
});
