// Every failure Rally reports is a RallyError: a stable code for logs and tests, the cause for operators,
// and one sentence a person in the chat can act on.

export abstract class RallyError extends Error {
  abstract readonly code: string;
  /** One sentence, safe to show in chat: no secrets, no stack, tells the person what to do. */
  readonly userMessage: string;

  constructor(userMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(options?.detail ?? userMessage, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.userMessage = userMessage;
  }
}

/** The person asked for something Rally cannot build a request for (bad number, unreadable link, too many people). */
export class InvalidRequestError extends RallyError {
  readonly code: string;
  constructor(code: string, userMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(userMessage, options);
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

  constructor(code: string, userMessage: string, details: GraphErrorDetails, options?: { cause?: unknown }) {
    super(userMessage, {
      cause: options?.cause,
      detail: `Graph ${details.status}${details.graphCode ? ` ${details.graphCode}` : ''}: ${details.graphMessage ?? userMessage}` +
        (details.requestId ? ` (request-id ${details.requestId})` : ''),
    });
    this.code = code;
    this.details = details;
  }
}

/** The sentence to show a person for any failure: a RallyError's own, or the fallback for the unforeseen. */
export function userMessageOf(error: unknown, fallback: string): string {
  return error instanceof RallyError ? error.userMessage : fallback;
}
