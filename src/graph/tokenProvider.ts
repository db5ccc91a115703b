import type { TokenCredential } from '@azure/identity';

/** Where Graph access tokens come from: one app-only token per tenant, fetched for each request. */
export interface TokenProvider {
  getToken(tenantId: string): Promise<string>;
}

/** App-only access to Microsoft Graph in the public cloud: every permission granted to the app registration. */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

/** The same token for every tenant: local mode against the simulator, and tests. */
export class StaticTokenProvider implements TokenProvider {
  constructor(private readonly token: string) {}

  async getToken(): Promise<string> {
    return this.token;
  }
}

/** A fixed, non-secret token the simulator accepts; it opens nothing anywhere else. */
export const LOCAL_DEV_TOKEN = 'rally-local-dev-token';

export const localTokenProvider: TokenProvider = new StaticTokenProvider(LOCAL_DEV_TOKEN);

/** Builds the credential that signs Rally in to one tenant. */
export type CredentialFactory = (tenantId: string) => TokenCredential;

/**
 * Tokens from @azure/identity credentials, one credential per tenant kept for the life of the process: each credential
 * caches its tokens and refreshes them before they expire, so caching the credential is caching the token.
 */
export class CredentialTokenProvider implements TokenProvider {
  private readonly credentials = new Map<string, TokenCredential>();

  constructor(
    private readonly createCredential: CredentialFactory,
    private readonly scope: string = GRAPH_DEFAULT_SCOPE,
  ) {}

  async getToken(tenantId: string): Promise<string> {
    let credential = this.credentials.get(tenantId);
    if (!credential) {
      credential = this.createCredential(tenantId);
      this.credentials.set(tenantId, credential);
    }
    const token = await credential.getToken(this.scope);
    if (!token) throw new Error(`The credential for tenant ${tenantId} returned no token for ${this.scope}.`);
    return token.token;
  }
}
