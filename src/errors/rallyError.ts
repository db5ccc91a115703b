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

/** The sentence to show a person for any failure: a RallyError's own, or the fallback for the unforeseen. */
export function userMessageOf(error: unknown, fallback: string): string {
  return error instanceof RallyError ? error.userMessage : fallback;
}
