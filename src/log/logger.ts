import { pino } from 'pino';
import type { Logger, DestinationStream, LogFn } from 'pino';
import { maskPhoneNumbersDeep, maskPhoneNumbersIn } from './maskPhoneNumbers.js';
import { currentRequestId } from './requestContext.js';

export type { Logger };

// Anything that could carry a credential is removed before a record is written, wherever it appears.
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.token',
  '*.accessToken',
  '*.clientSecret',
  '*.appPassword',
  '*.MicrosoftAppPassword',
  '*.passcode',
  'passcode',
  'meeting.passcode',
  '*.meeting.passcode',
];

// HTTP client errors (botbuilder's connector, the Graph client) carry the request they failed on, Authorization
// header included, deeper than redact paths reach: an error is logged without them.
const REQUEST_CARRYING_FIELDS = ['request', 'response', 'config', 'headers', 'options'];

// Phone numbers keep their country code and last two digits in the free text of a line: its message, a `detail`
// (a refusal's sentence may quote the number a person typed) and an error's message, stack and fields.
function errorWithoutRequests(error: Error): object {
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(error) };
  for (const field of REQUEST_CARRYING_FIELDS) delete serialized[field];
  return maskPhoneNumbersDeep(serialized);
}

/** JSON lines, one per record, to `destination` (stdout when none): what operators' log pipelines and the tests read. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rally' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errorWithoutRequests, detail: maskPhoneNumbersDeep, msg: maskPhoneNumbersDeep },
      hooks: { logMethod: maskedMessage },
      mixin: requestIdField,
    },
    destination,
  );
}

/**
 * Masks phone numbers in the message of a log call. Called with an error (or `{ err }`) and no message, pino takes the
 * error's message as the line's: it is given here, masked, instead.
 */
function maskedMessage(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as unknown[];
  const mask = (value: unknown) => (typeof value === 'string' ? maskPhoneNumbersIn(value) : value);
  const log = method as (this: Logger, ...values: unknown[]) => void;
  if (typeof first !== 'object' || first === null) {
    log.apply(this, args.map(mask));
    return;
  }
  const object = first instanceof Error ? { err: first } : (first as { err?: unknown; msg?: unknown });
  let message = rest.shift();
  if (message === undefined && object.msg === undefined && object.err) message = (object.err as { message?: unknown }).message;
  log.apply(this, [object, ...(message === undefined ? [] : [mask(message)]), ...rest.map(mask)]);
}

/** Every line written while a request's work runs names that request. */
function requestIdField(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId === undefined ? {} : { requestId };
}
