import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { GraphCallContext } from './callContext.js';
import type { TokenProvider } from './tokenProvider.js';

/** Getting a token failed: wrong credentials, or Rally is not consented in that tenant. */
export class TokenAcquisitionError extends Error {
  constructor(readonly tenantId: string, cause: unknown) {
    super(`Could not get a Graph token for tenant ${tenantId}.`, { cause });
    this.name = 'TokenAcquisitionError';
  }
}

/**
 * Adds `Authorization: Bearer` with a token for the tenant the call names. Ours rather than the library's
 * AuthenticationHandler: that one knows no tenant and sends tokens only to https hosts, and local runs use http.
 */
export class TenantTokenHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly tokens: TokenProvider) {}

  async execute(context: Context): Promise<void> {
    const call = GraphCallContext.of(context);
    if (!call) throw new Error('A Graph request was sent without a GraphCallContext naming its tenant.');
    let token: string;
    try {
      token = await this.tokens.getToken(call.tenantId);
    } catch (error) {
      throw new TokenAcquisitionError(call.tenantId, error);
    }
    const headers = new Headers(context.options?.headers);
    headers.set('Authorization', `Bearer ${token}`);
    context.options = { ...context.options, headers };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
