import { ParseError, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumberType } from 'libphonenumber-js/max';
import { sentence } from '../../i18n/sentence.js';
import type { Sentence } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';

// Phone numbers are parsed by libphonenumber-js with its "max" metadata: it knows every country's number ranges and
// each range's type, which the dialing policy needs to refuse premium-rate numbers.

export type { CountryCode, PhoneNumberType };

/** A phone number in E.164 (`+14255550100`). Only `parsePhoneNumber` makes one, so a builder holding it needs no check. */
export type E164 = string & { readonly __brand: 'E164' };

export interface PhoneNumber {
  e164: E164;
  /** Without the `+`: `1`, `44`. */
  countryCallingCode: string;
  /** Undefined for non-geographic numbers (`+800`, `+882`...). */
  country?: CountryCode;
  /** The kind of line the number's range is assigned to, when the metadata says; the dialing policy reads it. */
  type?: PhoneNumberType;
}

const EXAMPLE = '+14255550100';

/**
 * The one normal form for comparing numbers: digits only. Graph's roster may spell a number Rally dialed as
 * `+14255550100` or `14255550100`; both are the same line.
 */
export function phoneDigits(number: string): string {
  return number.replace(/[^\d]/g, '');
}

/**
 * Reads a phone number as people type it: `+1 (425) 555-0100`, `+1-425-555-0100`, `+44 20 7946 0958`, and with the
 * `00` international prefix (`00 44 20 7946 0958`) that most of the world dials. Numbers without a country code are
 * refused: Rally serves many countries and cannot guess which one was meant.
 * Throws `InvalidRequestError` saying what is wrong, and nothing else, whatever the text.
 */
export function parsePhoneNumber(text: string): PhoneNumber {
  const trimmed = text.trim();
  const international = trimmed.replace(/^00\s*/, '+');
  if (!international.startsWith('+')) {
    throw looksLikePhoneNumber(trimmed)
      ? refuse('phoneNumberMissingCountryCode', sentence('calling.phone.missingCountryCode', { number: quote(trimmed), example: EXAMPLE }))
      : notANumber(trimmed);
  }
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(international, { extract: false });
  } catch (error) {
    throw explainReason(trimmed, error instanceof ParseError ? error.message : undefined, error) ?? notANumber(trimmed, error);
  }
  if (parsed.ext) {
    throw refuse('phoneNumberExtension', sentence('calling.phone.extension', { number: quote(trimmed) }));
  }
  if (!parsed.isValid()) {
    throw explainReason(trimmed, validatePhoneNumberLength(international)) ??
      refuse('phoneNumberInvalid', sentence('calling.phone.invalidForCountryCode', { number: quote(trimmed), code: parsed.countryCallingCode }));
  }
  return {
    e164: parsed.number as E164,
    countryCallingCode: parsed.countryCallingCode,
    country: parsed.country,
    type: parsed.getType(),
  };
}

/** A number as people read it, with its country code and digits grouped: `+1 425 555 0100`. */
export function displayPhoneNumber(number: E164): string {
  return parsePhoneNumberWithError(number).formatInternational();
}

/**
 * Cheap test for the command parser: does this word look like someone meant a phone number (digits and phone
 * punctuation only)? A yes is then read by `parsePhoneNumber`, which explains any mistake.
 */
export function looksLikePhoneNumber(text: string): boolean {
  return /^\s*\+?[\d\s().\-/]*\d[\d\s().\-/]*$/.test(text);
}

/** Explains libphonenumber's reason codes (`ParseError.message`, `validatePhoneNumberLength`). */
function explainReason(text: string, reason: string | undefined, cause?: unknown): InvalidRequestError | undefined {
  switch (reason) {
    case 'TOO_SHORT':
      return refuse('phoneNumberTooShort', sentence('calling.phone.tooShort', { number: quote(text) }), cause);
    case 'TOO_LONG':
      return refuse('phoneNumberTooLong', sentence('calling.phone.tooLong', { number: quote(text) }), cause);
    case 'INVALID_LENGTH':
      return refuse('phoneNumberInvalid', sentence('calling.phone.invalidLength', { number: quote(text) }), cause);
    case 'INVALID_COUNTRY':
      return refuse('phoneNumberUnknownCountryCode', sentence('calling.phone.unknownCountryCode', { number: quote(text) }), cause);
    case 'NOT_A_NUMBER':
      return notANumber(text, cause);
    default:
      return undefined;
  }
}

function notANumber(text: string, cause?: unknown): InvalidRequestError {
  return refuse('notAPhoneNumber', sentence('calling.phone.notANumber', { number: quote(text), example: EXAMPLE }), cause);
}

function refuse(code: string, said: Sentence, cause?: unknown): InvalidRequestError {
  return new InvalidRequestError(code, said, cause === undefined ? undefined : { cause });
}

/**
 * Echoes what the person typed so they see which number is meant (the sentence quotes it as its language quotes),
 * clipped so a paste can't flood the chat.
 */
function quote(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
