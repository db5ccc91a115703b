// Phone numbers in free text on their way to the log: the sentence of a refusal quotes what the person typed
// ("+1 425 555 0100 999" is too long...), and an error's message, stack or userMessage may too. Each number keeps its
// country code and last two digits ("+1***********99"), as the audit trail writes numbers (calling/policy/auditTrail.ts):
// enough to match a complaint to a line, not a directory of who rang whom.
import { AsYouType } from 'libphonenumber-js/max';

// Digits with phone punctuation between them, not part of a longer word or id (a GUID, a host name), optionally
// after a `+`. Both ends are digits, so the quotes and full stop around a number stay.
const PHONE_LIKE = /(?<![\w+\-/.])\+?\d[\d ().\-/]*\d(?![\w\-/]|\.\d)/g;
/** Fewer digits than this is a count, a port or a status code, not a phone number (the shortest E.164 numbers have 7). */
const MIN_DIGITS = 7;
// Shapes with enough digits that are not phone numbers and that an operator wants to read: dates, IPv4 addresses, GUIDs.
const NOT_PHONE_NUMBERS = [/^\d{4}-\d{2}-\d{2}$/, /^\d{1,3}(\.\d{1,3}){3}$/, /^\d{8}-\d{4}-\d{4}-\d{4}-\d{12}$/];

/** The text with every phone-number-like run of digits masked. */
export function maskPhoneNumbersIn(text: string): string {
  return text.replace(PHONE_LIKE, (run) => {
    const digits = run.replace(/\D/g, '');
    if (digits.length < MIN_DIGITS || NOT_PHONE_NUMBERS.some((shape) => shape.test(run))) return run;
    // `+44 20…` and `00 44 20…` (the international prefix most of the world dials) name their country code.
    const international = run.startsWith('+') ? run : /^00\s*[1-9]/.test(run) ? `+${run.replace(/^00\s*/, '')}` : undefined;
    if (international === undefined) return masked('', digits);
    const countryCode = callingCodeOf(international);
    return `+${masked(countryCode, international.replace(/\D/g, ''))}`;
  });
}

/** `countryCode` and the last two of the digits after it; a star for each digit between. */
function masked(countryCode: string, digits: string): string {
  const rest = digits.slice(countryCode.length);
  return `${countryCode}${'*'.repeat(Math.max(rest.length - 2, 0))}${rest.slice(-2)}`;
}

/**
 * Every string in `value`, and in the objects and arrays it holds at any depth (a serialized error and its nested
 * errors), masked: a copy of what JSON.stringify would write. Values that write themselves (toJSON: dates, buffers) stay.
 */
export function maskPhoneNumbersDeep<T>(value: T, ancestors: readonly object[] = []): T {
  if (typeof value === 'string') return maskPhoneNumbersIn(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.includes(value)) return '[Circular]' as T;
  const within = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item: unknown) => maskPhoneNumbersDeep(item, within)) as T;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskPhoneNumbersDeep(item, within)])) as T;
}

/** The calling code a `+`-number starts with, as libphonenumber reads it even from an invalid number; '' when none. */
function callingCodeOf(text: string): string {
  const typed = new AsYouType();
  typed.input(text);
  return typed.getCallingCode() ?? '';
}
