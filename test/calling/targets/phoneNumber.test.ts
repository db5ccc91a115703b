import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidRequestError } from '../../../src/calling/errors.js';
import { RallyError } from '../../../src/errors/rallyError.js';
import { looksLikePhoneNumber, parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';

function refusal(text: string): InvalidRequestError {
  try {
    parsePhoneNumber(text);
  } catch (error) {
    assert.ok(error instanceof InvalidRequestError, `expected InvalidRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${text} was accepted`);
}

describe('parsePhoneNumber', () => {
  for (const spelling of ['+14255550100', '+1 (425) 555-0100', '+1-425-555-0100', '+1.425.555.0100', '  +1 425 555 0100  ']) {
    it(`reads ${JSON.stringify(spelling)} as +14255550100`, () => {
      const number = parsePhoneNumber(spelling);
      assert.equal(number.e164, '+14255550100');
      assert.equal(number.countryCallingCode, '1');
      assert.equal(number.country, 'US');
    });
  }

  it('accepts the 00 international prefix', () => {
    const number = parsePhoneNumber('00 44 20 7946 0958');
    assert.equal(number.e164, '+442079460958');
    assert.equal(number.country, 'GB');
    assert.equal(number.type, 'FIXED_LINE');
  });

  it('tells premium-rate and toll-free numbers apart for the dialing policy', () => {
    assert.equal(parsePhoneNumber('+1 900 555 0100').type, 'PREMIUM_RATE');
    assert.equal(parsePhoneNumber('+44 909 879 0000').type, 'PREMIUM_RATE');
    assert.equal(parsePhoneNumber('+1 800 555 0100').type, 'TOLL_FREE');
  });

  const refusals: [string, string, RegExp][] = [
    ['4255550100', 'phoneNumberMissingCountryCode', /leading \+ and its country code/],
    ['(425) 555-0100', 'phoneNumberMissingCountryCode', /country code/],
    ['+999 1234567', 'phoneNumberUnknownCountryCode', /known country code/],
    ['+1 23', 'phoneNumberTooShort', /too short/],
    ['+1 (425) 555-01', 'phoneNumberTooShort', /too short/],
    ['+1425555010012345678', 'phoneNumberTooLong', /too long/],
    ['+44 20 7946 095', 'phoneNumberInvalid', /not a valid phone number for country code \+44/],
    ['+1 425 555 0100 ext. 12', 'phoneNumberExtension', /extensions/],
    ['alice@contoso.com', 'notAPhoneNumber', /not a phone number/],
    ['+', 'notAPhoneNumber', /not a phone number/],
    ['', 'notAPhoneNumber', /not a phone number/],
    ['call +14255550100', 'notAPhoneNumber', /not a phone number/],
  ];
  for (const [text, code, message] of refusals) {
    it(`refuses ${JSON.stringify(text)} (${code})`, () => {
      const error = refusal(text);
      assert.equal(error.code, code);
      assert.match(error.userMessage, message);
    });
  }

  it('clips a long paste in its message', () => {
    const error = refusal(`not a number ${'x'.repeat(500)}`);
    assert.ok(error.userMessage.length < 120, error.userMessage);
  });

  it('throws nothing but RallyError and returns only E.164', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^(\+|00)?[\d\s().-]{0,20}$/)), (text) => {
        try {
          assert.match(parsePhoneNumber(text).e164, /^\+[1-9]\d{1,14}$/);
        } catch (error) {
          assert.ok(error instanceof RallyError, String(error));
        }
      }),
    );
  });
});

describe('looksLikePhoneNumber', () => {
  for (const text of ['+14255550100', '+1 (425) 555-0100', '4255550100', '00 44 20 7946 0958', '+1 23']) {
    it(`says yes to ${JSON.stringify(text)}`, () => assert.equal(looksLikePhoneNumber(text), true));
  }
  for (const text of ['alice@contoso.com', '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96', '#1', '+', '', '<at>Alice</at>']) {
    it(`says no to ${JSON.stringify(text)}`, () => assert.equal(looksLikePhoneNumber(text), false));
  }
});
