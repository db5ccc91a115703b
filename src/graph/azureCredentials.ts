import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { AuthorityValidationOptions, TokenCredential, TokenCredentialOptions } from '@azure/identity';
import { SettingsError } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import type { CredentialFactory } from './tokenProvider.js';

/** Options for the tenant-bound credentials (secret, certificate). Tests use them to trust a local stand-in authority. */
export type TenantCredentialOptions = TokenCredentialOptions & AuthorityValidationOptions;

/** How each kind of credential is built; injectable so tests never build a managed identity against the real endpoint. */
export interface CredentialConstructors {
  secret(tenantId: string, clientId: string, clientSecret: string, options: TenantCredentialOptions): TokenCredential;
  certificate(tenantId: string, clientId: string, certificatePath: string, options: TenantCredentialOptions): TokenCredential;
  managedIdentity(clientId: string | undefined): TokenCredential;
}

export const azureIdentityConstructors: CredentialConstructors = {
  secret: (tenantId, clientId, clientSecret, options) => new ClientSecretCredential(tenantId, clientId, clientSecret, options),
  certificate: (tenantId, clientId, certificatePath, options) =>
    new ClientCertificateCredential(tenantId, clientId, { certificatePath }, options),
  managedIdentity: (clientId) => (clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential()),
};

export interface GraphCredentialOptions {
  /** Merged over `{ authorityHost: settings.graph.authority }` for secret and certificate credentials. */
  credentialOptions?: TenantCredentialOptions;
  constructors?: CredentialConstructors;
}

/**
 * The credential kind `settings.graph.credential` names, for any tenant. A managed identity gets tokens only for the
 * tenant it lives in, so all tenants share one; a multi-tenant Rally uses a secret or a certificate.
 */
export function graphCredentialFactory(graph: Settings['graph'], options: GraphCredentialOptions = {}): CredentialFactory {
  const build = options.constructors ?? azureIdentityConstructors;
  const tenantOptions: TenantCredentialOptions = { authorityHost: graph.authority, ...options.credentialOptions };

  if (graph.credential === 'managedIdentity') {
    let shared: TokenCredential | undefined;
    return () => (shared ??= build.managedIdentity(graph.managedIdentityClientId));
  }
  const clientId = required(graph.clientId, 'MicrosoftAppId', 'the app registration Rally signs in to Graph with');
  if (graph.credential === 'certificate') {
    const certificatePath = required(graph.certificatePath, 'GRAPH_CERTIFICATE_PATH', 'a PEM file with the private key and certificate');
    return (tenantId) => build.certificate(tenantId, clientId, certificatePath, tenantOptions);
  }
  const clientSecret = required(graph.clientSecret, 'MicrosoftAppPassword', 'the client secret of the app registration');
  return (tenantId) => build.secret(tenantId, clientId, clientSecret, tenantOptions);
}

function required(value: string | undefined, setting: string, what: string): string {
  if (value === undefined) throw new SettingsError(setting, `Setting ${setting} is required for Graph tokens (${what}).`);
  return value;
}
