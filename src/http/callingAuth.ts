// Who may post calling notifications: checks the bearer token Graph's calling service puts on every POST to the
// callback URL, as Microsoft's calling samples do (AuthenticationProvider.ValidateInboundRequestAsync): keys published
// through the OpenID metadata at CALLING_OPENID_METADATA_URL, issuer api.botframework.com or graph.microsoft.com,
// audience = the bot's app id, tenant from `tid`. jose does the JWT work; this file decides what is acceptable and
// says why a token was refused, without ever repeating the token.
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey, RemoteJWKSet } from 'jose';
import { LRUCache } from 'lru-cache';
import { RallyError } from '../errors/rallyError.js';
import type { Logger } from '../log/logger.js';

export const CALLING_TOKEN_ISSUERS: readonly string[] = ['https://api.botframework.com', 'https://graph.microsoft.com'];

/**
 * What the calling service signs with: its metadata lists RS256 only. Named explicitly so that neither `none` nor an
 * HMAC algorithm (which would treat the public key as a shared secret) can ever pass.
 */
export const CALLING_TOKEN_ALGORITHMS: readonly string[] = ['RS256'];

/** Bot Framework's own tolerance (botframework-connector: `clockTolerance: 5 * 60`), and the most Rally allows. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** Bot Framework refreshes its signing keys daily; a key id it has not seen yet triggers an earlier fetch. */
const DEFAULT_KEYS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** jose's default: a token naming an unknown key can cause at most one key fetch per 30 seconds. */
const DEFAULT_KEY_REFETCH_COOLDOWN_MS = 30_000;
const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
/** Graph signs one token and sends it with every notification until it nears expiry: a handful are live at once. */
const DEFAULT_VERIFIED_TOKENS = 1000;

/** The request did not carry a token Rally accepts. Answer 401; nothing was read or changed. */
export class UnauthorizedError extends RallyError {
  readonly code = 'unauthorized';

  /** `reason` goes to the log; it must never contain the token. */
  constructor(reason: string) {
    super('Rally refused a calling notification without a valid Microsoft Teams token.', {
      detail: `Calling notification refused: ${reason}`,
    });
  }
}

/**
 * Rally could not get the keys to check the token (metadata or key set unreachable or unreadable), so it cannot tell
 * whether the notification is genuine. Answer 503, not 401: the fault is on Rally's side, and Graph delivers a
 * notification again when the callback does not answer 2xx, so it arrives once the keys can be read.
 */
export class CallingKeysUnavailableError extends RallyError {
  readonly code = 'callingKeysUnavailable';

  constructor(detail: string, options?: { cause?: unknown }) {
    super('Rally could not check a calling notification because the Microsoft Teams signing keys were unreachable.', {
      detail: `Calling notification keys unavailable: ${detail}`,
      cause: options?.cause,
    });
  }
}

export interface CallingTokenValidatorOptions {
  /** Where the calling service publishes its `jwks_uri` (settings.calling.openIdMetadataUrl). */
  openIdMetadataUrl: string;
  /** The bot's app id (settings.calling.audience). */
  audience: string;
  /** Defaults to CALLING_TOKEN_ISSUERS. */
  issuers?: readonly string[];
  /** Whole seconds, 0 to MAX_CLOCK_TOLERANCE_SECONDS; defaults to the maximum. */
  clockToleranceSeconds?: number;
  /** Tenants whose notifications Rally accepts (compared case-insensitively); undefined accepts every tenant. */
  allowedTenants?: readonly string[];
  /** Used for the metadata and the key set. Defaults to the global fetch. */
  fetchImpl?: typeof fetch;
  /** How long metadata and keys are trusted before they are fetched again. Default 24 hours. */
  keysMaxAgeMs?: number;
  /**
   * After a fetch, how long before a token naming an unknown key id (a rotated key) fetches the key set again, and how
   * long a failed metadata refresh waits before the next try. Default 30 seconds.
   */
  keyRefetchCooldownMs?: number;
  /** Per request to the metadata or key set. Default 5 seconds. */
  fetchTimeoutMs?: number;
  /** Told when a metadata refresh fails and the previous key set stays in use. */
  log?: Pick<Logger, 'warn'>;
  /** How many verified tokens are remembered until they expire, the least recently used dropped first. Default 1000. */
  verifiedTokens?: number;
  /** Epoch milliseconds, for the expiry of remembered tokens; jose reads its own clock. Default Date.now. */
  now?: () => number;
}

export interface ValidatedCaller {
  /** The `tid` claim: the tenant the notification belongs to. */
  tenantId: string;
  claims: JWTPayload;
}

export interface CallingTokenValidator {
  /**
   * Checks an `Authorization` header value. Resolves with the caller's tenant; rejects with UnauthorizedError (refuse
   * with 401) or CallingKeysUnavailableError (answer 503 so that Graph delivers again).
   */
  validate(authorizationHeader: string | undefined): Promise<ValidatedCaller>;
}

export function createCallingTokenValidator(options: CallingTokenValidatorOptions): CallingTokenValidator {
  const clockTolerance = options.clockToleranceSeconds ?? MAX_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isInteger(clockTolerance) || clockTolerance < 0 || clockTolerance > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new RangeError(`clockToleranceSeconds must be a whole number from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  if (options.audience === '') throw new RangeError('audience must not be empty');
  const issuers = [...(options.issuers ?? CALLING_TOKEN_ISSUERS)];
  if (issuers.length === 0) throw new RangeError('issuers must name at least one issuer');
  const allowedTenants = options.allowedTenants && new Set(options.allowedTenants.map((t) => t.toLowerCase()));
  const keys = createMetadataKeySource(options);
  // An RS256 check costs more than the rest of a notification's handling, and Graph sends the same token with every
  // notification for as long as it lives. A token that passed is remembered until it expires as jose judges expiry
  // (`exp` plus the clock tolerance), so a repeat is accepted exactly when checking it again would accept it, but for
  // one thing: a key withdrawn meanwhile, which the key set, kept for a day, would not notice sooner anyway.
  const now = options.now ?? Date.now;
  const verified = new LRUCache<string, ValidatedCaller>({ max: options.verifiedTokens ?? DEFAULT_VERIFIED_TOKENS, perf: { now }, ttlResolution: 0 });

  return {
    async validate(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      const known = verified.get(token);
      if (known) return known;
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, keys, {
          algorithms: [...CALLING_TOKEN_ALGORITHMS],
          audience: options.audience,
          issuer: issuers,
          clockTolerance,
          requiredClaims: ['exp', 'tid'],
        }));
      } catch (error) {
        if (error instanceof CallingKeysUnavailableError) throw error;
        throw new UnauthorizedError(describeJoseError(error));
      }
      const tenantId = claims.tid;
      if (typeof tenantId !== 'string' || tenantId.trim() === '') throw new UnauthorizedError('the "tid" claim is not a tenant id');
      if (allowedTenants && !allowedTenants.has(tenantId.toLowerCase())) {
        throw new UnauthorizedError(`tenant ${tenantId} is not in the allowed tenants`);
      }
      const caller: ValidatedCaller = Object.freeze({ tenantId, claims: Object.freeze(claims) });
      // requiredClaims makes jose refuse a token without a numeric `exp`.
      const acceptedForMs = ((claims.exp as number) + clockTolerance) * 1000 - now();
      if (acceptedForMs > 0) verified.set(token, caller, { ttl: acceptedForMs });
      return caller;
    },
  };
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new UnauthorizedError('no Authorization header');
  // The scheme is case-insensitive (RFC 9110 §11.1); the rest must be one compact token.
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('the Authorization header is not a Bearer token');
  return match[1]!;
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Resolves the key for a token from the key set the metadata names. Metadata is fetched on first use (so a malformed
 * token costs no request), kept for `keysMaxAgeMs`, and when a refresh fails the previous key set stays in use, as
 * Bot Framework does. Errors that are about the token (no key with its id, an algorithm the keys do not serve) pass
 * through for a 401; anything else means the keys could not be read.
 */
function createMetadataKeySource(options: CallingTokenValidatorOptions): JWTVerifyGetKey {
  const fetchImpl = options.fetchImpl ?? fetch;
  const maxAgeMs = options.keysMaxAgeMs ?? DEFAULT_KEYS_MAX_AGE_MS;
  const cooldownMs = options.keyRefetchCooldownMs ?? DEFAULT_KEY_REFETCH_COOLDOWN_MS;
  const timeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  let current: { jwksUri: string; keySet: RemoteJWKSet } | undefined;
  let refreshAt = 0;
  let refreshing: Promise<RemoteJWKSet> | undefined;

  async function refresh(): Promise<RemoteJWKSet> {
    try {
      const jwksUri = await fetchJwksUri(options.openIdMetadataUrl, fetchImpl, timeoutMs);
      if (current?.jwksUri !== jwksUri) {
        current = {
          jwksUri,
          keySet: createRemoteJWKSet(new URL(jwksUri), {
            cacheMaxAge: maxAgeMs,
            cooldownDuration: cooldownMs,
            timeoutDuration: timeoutMs,
            [customFetch]: fetchImpl,
          }),
        };
      }
      refreshAt = Date.now() + maxAgeMs;
      return current.keySet;
    } catch (error) {
      if (!current) throw error;
      refreshAt = Date.now() + cooldownMs;
      options.log?.warn({ err: error }, 'calling OpenID metadata refresh failed; keeping the previous key set');
      return current.keySet;
    }
  }

  async function keySet(): Promise<RemoteJWKSet> {
    if (current && Date.now() < refreshAt) return current.keySet;
    // One fetch however many notifications arrive while it runs.
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  return async (protectedHeader, token) => {
    const keys = await keySet();
    try {
      return await keys(protectedHeader, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      throw new CallingKeysUnavailableError(`key set at ${current?.jwksUri}: ${describeJoseError(error)}`, { cause: error });
    }
  };
}

async function fetchJwksUri(metadataUrl: string, fetchImpl: typeof fetch, timeoutMs: number): Promise<string> {
  let document: unknown;
  try {
    const response = await fetchImpl(metadataUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (error) {
    throw new CallingKeysUnavailableError(`OpenID metadata at ${metadataUrl}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const jwksUri = (document as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new CallingKeysUnavailableError(`OpenID metadata at ${metadataUrl} has no usable jwks_uri`);
  }
  // Keys must come over TLS, unless the operator pointed Rally at a plain-HTTP metadata URL (the local simulator).
  const protocol = new URL(jwksUri).protocol;
  if (protocol !== 'https:' && !(protocol === 'http:' && new URL(metadataUrl).protocol === 'http:')) {
    throw new CallingKeysUnavailableError(`OpenID metadata at ${metadataUrl} names a jwks_uri that is not https`);
  }
  return jwksUri;
}
