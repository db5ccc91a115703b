// The calling domain's failures. Each carries the sentence the chat shows (see RallyError), said in the reader's
// language at the edge; the log reads it in English.
import { RallyError, inEnglish } from '../errors/rallyError.js';
import { sentence } from '../i18n/sentence.js';
import type { Sentence, Words } from '../i18n/sentence.js';
import type { CallRecord } from './records/callRecord.js';

/**
 * The person asked for something Rally cannot build a request for (bad number, unreadable link, too many people).
 * Its words are a sentence; text only where they come back from an intent recorded before Rally spoke languages.
 */
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
  constructor(said: Sentence) {
    super(said);
  }
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

/** What an uncertain failure says went wrong when nothing more precise was given. */
const NO_CLEAR_ANSWER = sentence('graph.clause.noClearAnswer');

/** A Graph request failed. Thrown by the Graph access layer, read by the domain and the chat surface. */
export class CallingApiError extends RallyError {
  readonly code: string;
  readonly details: GraphErrorDetails;

  /**
   * The request may have reached Graph and been carried out although no success came back (a timeout, a broken
   * connection, a 5xx, an unreadable answer): what it asked for must be looked for, never assumed undone.
   */
  readonly uncertain: boolean;

  /**
   * What went wrong, as a clause to open another sentence with ("Microsoft Graph did not answer within 10 seconds"):
   * the sentences that go on to say what Rally does about an uncertain request begin with it.
   */
  readonly clause: Sentence;

  constructor(code: string, said: Sentence, details: GraphErrorDetails, options?: { cause?: unknown; uncertain?: boolean; clause?: Sentence }) {
    super(said, {
      cause: options?.cause,
      detail: `Graph ${details.status}${details.graphCode ? ` ${details.graphCode}` : ''}: ${details.graphMessage ?? inEnglish(said)}` +
        (details.requestId ? ` (request-id ${details.requestId})` : ''),
    });
    this.code = code;
    this.details = details;
    this.uncertain = options?.uncertain ?? false;
    this.clause = options?.clause ?? NO_CLEAR_ANSWER;
  }
}

/** A request named a call this chat does not have, or one that has ended. */
export class CallNotFoundError extends InvalidRequestError {
  constructor(said: Sentence) {
    super('callNotInChat', said);
  }
}

/** Rally asked Graph for a call but does not know whether Graph placed it; the chat hears either way. */
export class CallUnconfirmedError extends RallyError {
  readonly code = 'callUnconfirmed';
  constructor(said: Sentence, options?: { cause?: unknown; detail?: string }) {
    super(said, options);
  }
}

/** The same request is already being carried out (a redelivery, or a second instance got it too). */
export class AlreadyUnderWayError extends RallyError {
  readonly code = 'alreadyUnderWay';
  constructor(said: Sentence) {
    super(said);
  }
}

/**
 * The requests that act on the chat's one live call when they name none, each with the message that shows it naming
 * one (`invite … to #1`): a message per request, so that each language writes its example in its own command words.
 */
export const CALL_NAMING_EXAMPLES = {
  invite: 'calling.whichCall.example.invite',
  escalate: 'calling.whichCall.example.escalate',
  hangup: 'calling.whichCall.example.hangup',
  mute: 'calling.whichCall.example.mute',
  remove: 'calling.whichCall.example.remove',
  status: 'calling.whichCall.example.status',
} as const;

export type CallNamingRequest = keyof typeof CALL_NAMING_EXAMPLES;

/** More than one call could be meant: the person is asked which, with the handles to name. */
export class WhichCallError extends RallyError {
  readonly code = 'whichCall';
  readonly handles: string[];

  constructor(asked: CallNamingRequest, calls: readonly CallRecord[]) {
    const handles = calls.map((c) => c.handle ?? c.callId).reverse();
    const command = sentence(CALL_NAMING_EXAMPLES[asked], { call: handles[0]! });
    super(sentence('calling.whichCall', { count: calls.length, handles: { list: handles }, command }));
    this.handles = handles;
  }
}
