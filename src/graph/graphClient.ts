import { Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Middleware } from '@microsoft/microsoft-graph-client';
import { FailureCaptureHandler } from './callContext.js';
import { createRetryHandler } from './retryPolicy.js';
import { TenantTokenHandler } from './tenantTokenHandler.js';
import { TimeoutHandler } from './timeoutHandler.js';
import type { TokenProvider } from './tokenProvider.js';

export interface GraphClientOptions {
  /** Graph root including the version, e.g. `https://graph.microsoft.com/v1.0` or `http://127.0.0.1:4321/beta`. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  /** Per attempt; also the longest Retry-After Rally waits out. */
  timeoutMs: number;
  maxRetries: number;
}

/**
 * A Graph client whose requests pass, in order: failure capture → tenant token (once per call) → retry →
 * timeout (per attempt) → fetch. Each request must carry a GraphCallContext in its middleware options.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const chain: Middleware[] = [
    new FailureCaptureHandler(),
    new TenantTokenHandler(options.tokenProvider),
    createRetryHandler(options.maxRetries, options.timeoutMs),
    new TimeoutHandler(options.timeoutMs),
    new HTTPMessageHandler(),
  ];
  chain.reduce((previous, next) => {
    previous.setNext!(next);
    return next;
  });
  return Client.initWithMiddleware({ middleware: chain[0], ...graphRoot(options.baseUrl) });
}

/**
 * The client joins `baseUrl`, `defaultVersion` and the path; the configured base holds the version as its last
 * segment, so split it there (`http://127.0.0.1:4321/v1.0` → `http://127.0.0.1:4321` + `v1.0`).
 */
export function graphRoot(baseUrl: string): { baseUrl: string; defaultVersion: string } {
  const url = new URL(baseUrl);
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const defaultVersion = segments.pop() ?? '';
  return { baseUrl: [url.origin, ...segments].join('/'), defaultVersion };
}
