import { generate } from 'selfsigned';
import type { ServerResponse } from 'node:http';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import type { ReceivedRequest } from '../support/loopbackServer.js';

/** A certificate for https://127.0.0.1, to serve the stand-in authority and to sign certificate credentials. */
export interface LoopbackCertificate {
  key: string;
  cert: string;
}

export async function loopbackCertificate(): Promise<LoopbackCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The access token the stand-in issues for a tenant; undefined refuses the client, as Entra does a wrong secret. */
export type AccessTokenFor = (tenant: string) => string | undefined;

/**
 * A stand-in for the Entra authority on https://127.0.0.1 (MSAL accepts https authorities only): the OpenID
 * configuration of any tenant and a token endpoint that issues `token-for-<tenant>`, or what `accessToken` says.
 */
export function startLocalAuthority(certificate: LoopbackCertificate, accessToken: AccessTokenFor = (tenant) => `token-for-${tenant}`): Promise<LoopbackServer> {
  return LoopbackServer.start((request, res) => answer(request, res, accessToken), { tls: certificate });
}

function answer(request: ReceivedRequest, res: ServerResponse, accessToken: AccessTokenFor): void {
  const tenant = tenantOf(request);
  const base = `https://${request.headers.host}/${tenant}`;
  if (request.url.endsWith('/.well-known/openid-configuration')) {
    sendJson(res, 200, {
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    });
  } else if (request.method === 'POST' && request.url.startsWith(`/${tenant}/oauth2/v2.0/token`)) {
    const token = accessToken(tenant);
    if (token === undefined) sendJson(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    else sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  } else {
    sendJson(res, 404, { error: 'not_found' });
  }
}

export function tenantOf(request: ReceivedRequest): string {
  return request.url.split('/')[1] ?? '';
}

/** The token requests the authority received, as form fields. */
export function tokenRequests(server: LoopbackServer): { tenant: string; form: URLSearchParams }[] {
  return server.requests
    .filter((r) => r.method === 'POST' && r.url.includes('/oauth2/v2.0/token'))
    .map((r) => ({ tenant: tenantOf(r), form: new URLSearchParams(r.body) }));
}
