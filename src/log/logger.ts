import { pino } from 'pino';
import type { Logger, DestinationStream } from 'pino';
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

function errorWithoutRequests(error: Error): object {
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(error) };
  for (const field of REQUEST_CARRYING_FIELDS) delete serialized[field];
  return serialized;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rally' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errorWithoutRequests },
      mixin: requestIdField,
    },
    destination,
  );
}

/** Every line written while a request's work runs names that request. */
function requestIdField(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId === undefined ? {} : { requestId };
}
