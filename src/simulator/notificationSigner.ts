// Signs notification POSTs as Graph's calling service does (RS256 bearer token, issuer api.botframework.com,
// audience = the bot's app id, a `tid` claim, five minutes of life) and publishes the key as OpenID metadata + JWKS,
// so the bot checks simulated notifications with the same code as real ones.
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const NOTIFICATION_ISSUER = 'https://api.botframework.com';
const TOKEN_LIFETIME_SECONDS = 300;

// Generating an RSA key takes a noticeable fraction of a second; simulators started in one process share one key.
let processKey: Promise<{ privateKey: CryptoKey; publicJwk: JWK }> | undefined;

async function newKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' } };
}

export class NotificationSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly audience: string,
  ) {}

  static async create(audience: string): Promise<NotificationSigner> {
    processKey ??= newKey();
    const { privateKey, publicJwk } = await processKey;
    return new NotificationSigner(privateKey, publicJwk, audience);
  }

  async token(tenantId: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tid: tenantId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.publicJwk.kid })
      .setIssuer(NOTIFICATION_ISSUER)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + TOKEN_LIFETIME_SECONDS)
      .sign(this.privateKey);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  static openIdMetadata(jwksUri: string): object {
    return {
      issuer: NOTIFICATION_ISSUER,
      jwks_uri: jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    };
  }
}
