import type { CallingApi } from '../calling/requests/callingApi.js';
import { PUBLIC_GRAPH_BASE_URL, SettingsError } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import { graphCredentialFactory } from './azureCredentials.js';
import type { GraphCredentialOptions } from './azureCredentials.js';
import { GraphCallingApi } from './graphCallingApi.js';
import { CredentialTokenProvider, localTokenProvider } from './tokenProvider.js';
import type { TokenProvider } from './tokenProvider.js';

export interface CallingApiDependencies extends GraphCredentialOptions {
  /** Replaces the token source settings would choose. */
  tokenProvider?: TokenProvider;
}

/**
 * The CallingApi for these settings. Local mode signs with the simulator's fixed dev token and needs
 * `settings.graph.baseUrl` (the simulator's URL: main.ts sets it when it starts the simulator); otherwise tokens come
 * from the credential `settings.graph.credential` names, and the base URL defaults to the public Graph.
 */
export function createCallingApi(settings: Settings, deps: CallingApiDependencies = {}): CallingApi {
  const { baseUrl } = settings.graph;
  if (settings.localMode && baseUrl === undefined && deps.tokenProvider === undefined) {
    // Never send the dev token to the public Graph.
    throw new SettingsError('GRAPH_BASE_URL', 'Setting GRAPH_BASE_URL is required in local mode: point it at the Graph simulator.');
  }
  return new GraphCallingApi({
    baseUrl: baseUrl ?? PUBLIC_GRAPH_BASE_URL,
    tokenProvider: deps.tokenProvider ?? tokenProviderFor(settings, deps),
    timeoutMs: settings.graph.timeoutMs,
    maxRetries: settings.graph.maxRetries,
  });
}

/** Where Graph tokens come from for these settings: the simulator's dev token in local mode, else the configured credential. */
export function tokenProviderFor(settings: Settings, deps: GraphCredentialOptions = {}): TokenProvider {
  return settings.localMode ? localTokenProvider : new CredentialTokenProvider(graphCredentialFactory(settings.graph, deps));
}
