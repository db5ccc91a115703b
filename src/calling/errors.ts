// The calling domain's failures. Each carries the sentence the chat shows (see RallyError).
import { RallyError } from '../errors/rallyError.js';
import type { Words } from '../i18n/sentence.js';
import type { CallRecord } from './records/callRecord.js';

/** The person asked for something Rally cannot build a request for (bad number, unreadable link, too many people). */
export class InvalidRequestError extends RallyError {
  readonly code: string;
  constructor(code: string, said: Words, options?: { cause?: unknown; detail?: string }) {
    super(said, options);
    this.code = code;
  }
}

/** Rally is not set up for what was asked (for example PSTN without an application instance). */
export class NotConfiguredError extends RallyError {
  readonly code = 'notConfigured';
}

/** Details Graph returns with an error, kept for logs and support requests. */
export interface GraphErrorDetails {
  status: number;
  /** `error.code` from Graph's error body, when it had one. */
  graphCode?: string;
  graphMessage?: string;
  requestId?: string;
  date?: string;
}

/** A Graph request failed. Thrown by the Graph access layer, read by the domain and the chat surface. */
export class CallingApiError extends RallyError {
  readonly code: string;
  readonly details: GraphErrorDetails;

  /**
   * The request may have reached Graph and been carried out although no success came back (a timeout, a broken
   * connection, a 5xx, an unreadable answer): what it asked for must be looked for, never assumed undone.
   */
  readonly uncertain: boolean;

  constructor(code: string, userMessage: string, details: GraphErrorDetails, options?: { cause?: unknown; uncertain?: boolean }) {
    super(userMessage, {
      cause: options?.cause,
      detail: `Graph ${details.status}${details.graphCode ? ` ${details.graphCode}` : ''}: ${details.graphMessage ?? userMessage}` +
        (details.requestId ? ` (request-id ${details.requestId})` : ''),
    });
    this.code = code;
    this.details = details;
    this.uncertain = options?.uncertain ?? false;
  }
}

/** A request named a call this chat does not have, or one that has ended. */
export class CallNotFoundError extends InvalidRequestError {
  constructor(userMessage: string) {
    super('callNotInChat', userMessage);
  }
}

/** Rally asked Graph for a call but does not know whether Graph placed it; the chat hears either way. */
export class CallUnconfirmedError extends RallyError {
  readonly code = 'callUnconfirmed';
}

/** The same request is already being carried out (a redelivery, or a second instance got it too). */
export class AlreadyUnderWayError extends RallyError {
  readonly code = 'alreadyUnderWay';
}

/** More than one call could be meant: the person is asked which, with the handles to name. */
export class WhichCallError extends RallyError {
  readonly code = 'whichCall';
  readonly handles: string[];

  constructor(verb: string, calls: readonly CallRecord[]) {
    const handles = calls.map((c) => c.handle ?? c.callId).reverse();
    const list = handles.length === 2 ? `${handles[0]} and ${handles[1]}` : `${handles.slice(0, -1).join(', ')} and ${handles.at(-1)}`;
    super(`This chat has ${calls.length} calls going on (${list}): which one? Say "${verb} ${handles[0]}", for example.`);
    this.handles = handles;
  }
}
