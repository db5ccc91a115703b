import { randomUUID } from 'node:crypto';
import { sentence } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';

/**
 * Makes the opaque `clientContext` an invite carries. Graph echoes it in the operation's notifications, and that echo
 * is how Rally finds which chat and which request a result belongs to, so every invite needs a fresh one.
 */
export type NewClientContext = () => string;

export const randomClientContext: NewClientContext = () => randomUUID();

/** Graph's documented limit (000: "Max limit is 256 chars"). */
export const MAX_CLIENT_CONTEXT_LENGTH = 256;

/** Refuses a clientContext Graph would reject or Rally could not correlate. */
export function checkClientContext(clientContext: string): string {
  if (clientContext.length === 0 || clientContext.length > MAX_CLIENT_CONTEXT_LENGTH) {
    throw new InvalidRequestError(
      'invalidClientContext',
      sentence('calling.request.unlabelled'),
      { detail: `clientContext must be 1..${MAX_CLIENT_CONTEXT_LENGTH} characters, got ${clientContext.length}` },
    );
  }
  return clientContext;
}
