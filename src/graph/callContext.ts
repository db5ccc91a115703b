import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';

/**
 * What one CallingApi call hands the middleware chain (the tenant whose token to use), and what the chain hands back
 * when it fails. The Graph client wraps anything thrown inside the chain into a GraphError that keeps only the message,
 * losing the error's class and cause (ECONNREFUSED, a token failure); the original is kept here instead.
 */
export class GraphCallContext implements MiddlewareOptions {
  failure: unknown;

  constructor(readonly tenantId: string) {}

  static of(context: Context): GraphCallContext | undefined {
    return context.middlewareControl?.getMiddlewareOptions(GraphCallContext) as GraphCallContext | undefined;
  }
}

/** First in the chain: records whatever the rest of the chain throws on the call's context, then rethrows it. */
export class FailureCaptureHandler implements Middleware {
  private next?: Middleware;

  async execute(context: Context): Promise<void> {
    try {
      await this.next!.execute(context);
    } catch (error) {
      const call = GraphCallContext.of(context);
      if (call) call.failure = error;
      throw error;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
