// Stands in for the calling service's key publishing (OpenID metadata naming a JWKS) on 127.0.0.1, and signs tokens
// the way the service does, so the validator is tested over real HTTP with real signatures.
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';

export const AUDIENCE = 'rally-test-app';
export const TENANT = '8a0e5a2c-1f4b-4c3e-9d6a-2b7c1e0f3a45';
export const OTHER_TENANT = '0f6b1d2e-3c4a-4b5d-8e9f-a1b2c3d4e5f6';
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const GRAPH_ISSUER = 'https://graph.microsoft.com';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  /** Claims beyond iss/aud/iat/nbf/exp; `tid` defaults to TENANT. */
  claims?: JWTPayload;
  /** Seconds relative to now. */
  notBeforeIn?: number;
  expiresIn?: number;
  /** Sign with this key's private key but name another key id. */
  kid?: string;
  /** Leave out `exp`. */
  noExpiry?: boolean;
}

/** A token as Graph's calling service sends it: RS256, five minutes of life, `tid` of the tenant. */
export async function signToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ tid: TENANT, ...options.claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? key.kid })
    .setIssuer(options.issuer ?? BOT_FRAMEWORK_ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now + (options.notBeforeIn ?? 0));
  if (!options.noExpiry) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  return jwt.sign(key.privateKey);
}

/** `alg: none` with otherwise valid claims: what an attacker who cannot sign would send. */
export function unsignedToken(kid: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ alg: 'none', typ: 'JWT', kid });
  const payload = part({ iss: BOT_FRAMEWORK_ISSUER, aud: AUDIENCE, tid: TENANT, iat: now, nbf: now, exp: now + 300 });
  return `${header}.${payload}.`;
}

/** Serves `/metadata` (OpenID metadata with `jwks_uri`) and `/jwks`; either can be made to fail. */
export class CallingKeyServer {
  readonly published: JWK[] = [];
  /** When set, that path answers with this status instead. */
  readonly failing: { metadata?: number; jwks?: number } = {};

  private server!: LoopbackServer;

  private constructor() {}

  static async start(): Promise<CallingKeyServer> {
    const keyServer = new CallingKeyServer();
    keyServer.server = await LoopbackServer.start((request, response) => keyServer.answer(request.url, response));
    return keyServer;
  }

  get metadataUrl(): string {
    return `${this.server.url}/metadata`;
  }

  publish(key: SigningKey): void {
    this.published.push(key.publicJwk);
  }

  /** How many times each document was fetched. */
  fetches(path: 'metadata' | 'jwks'): number {
    return this.server.requests.filter((r) => r.url === `/${path}`).length;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(url: string, response: Parameters<typeof sendJson>[0]): void {
    const path = url === '/metadata' ? 'metadata' : url === '/jwks' ? 'jwks' : undefined;
    const failure = path && this.failing[path];
    if (!path || failure) {
      sendJson(response, failure || 404, { error: 'unavailable' });
    } else if (path === 'metadata') {
      sendJson(response, 200, {
        issuer: BOT_FRAMEWORK_ISSUER,
        jwks_uri: `${this.server.url}/jwks`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else {
      sendJson(response, 200, { keys: this.published });
    }
  }
}
