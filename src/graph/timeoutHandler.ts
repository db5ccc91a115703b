import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * Aborts each attempt (a retry gets a fresh timer) after `timeoutMs`; the same signal also bounds reading the body.
 * The abort rejects with a DOMException named `TimeoutError`. The retry handler never retries a rejection, only a
 * response, so a timed-out POST is never sent again.
 */
export class TimeoutHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
