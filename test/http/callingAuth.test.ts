import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  CallingKeysUnavailableError,
  MAX_CLOCK_TOLERANCE_SECONDS,
  UnauthorizedError,
  createCallingTokenValidator,
} from '../../src/http/callingAuth.js';
import type { CallingTokenValidatorOptions } from '../../src/http/callingAuth.js';
import { LoopbackServer } from '../support/loopbackServer.js';
import {
  AUDIENCE,
  BOT_FRAMEWORK_ISSUER,
  CallingKeyServer,
  GRAPH_ISSUER,
  OTHER_TENANT,
  TENANT,
  newSigningKey,
  signToken,
} from '../endToEnd/callingKeyServer.js';
import type { SigningKey } from '../endToEnd/callingKeyServer.js';

describe('calling token validator', () => {
  let keyServer: CallingKeyServer;
  let key: SigningKey;

  before(async () => {
    key = await newSigningKey();
  });

  beforeEach(async () => {
    keyServer = await CallingKeyServer.start();
    keyServer.publish(key);
  });

  afterEach(async () => {
    await keyServer.close();
  });

  function validator(options: Partial<CallingTokenValidatorOptions> = {}) {
    return createCallingTokenValidator({ openIdMetadataUrl: keyServer.metadataUrl, audience: AUDIENCE, ...options });
  }

  async function refusal(promise: Promise<unknown>): Promise<UnauthorizedError> {
    const error = await promise.then(
      () => assert.fail('the token was accepted'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${String(error)}`);
    return error;
  }

  for (const issuer of [BOT_FRAMEWORK_ISSUER, GRAPH_ISSUER]) {
    it(`accepts a token from ${issuer} and returns its tenant and claims`, async () => {
      const token = await signToken(key, { issuer });

      const caller = await validator().validate(`Bearer ${token}`);

      assert.equal(caller.tenantId, TENANT);
      assert.equal(caller.claims.iss, issuer);
      assert.equal(caller.claims.aud, AUDIENCE);
    });
  }

  it('accepts the scheme in any case, as HTTP allows', async () => {
    const caller = await validator().validate(`bearer ${await signToken(key)}`);
    assert.equal(caller.tenantId, TENANT);
  });

  it('accepts clocks that differ by less than the tolerance, in either direction', async () => {
    const expiredMinuteAgo = await signToken(key, { expiresIn: -60 });
    const validInMinute = await signToken(key, { notBeforeIn: 60 });

    assert.equal((await validator().validate(`Bearer ${expiredMinuteAgo}`)).tenantId, TENANT);
    assert.equal((await validator().validate(`Bearer ${validInMinute}`)).tenantId, TENANT);
  });

  it('applies a smaller tolerance when configured', async () => {
    const expiredMinuteAgo = await signToken(key, { expiresIn: -60 });

    const error = await refusal(validator({ clockToleranceSeconds: 30 }).validate(`Bearer ${expiredMinuteAgo}`));

    assert.match(error.message, /exp/);
  });

  it('says why a token was refused, without repeating the token', async () => {
    const token = await signToken(key, { audience: 'someone-else' });

    const error = await refusal(validator().validate(`Bearer ${token}`));

    assert.match(error.message, /"aud"/);
    assert.ok(!error.message.includes(token) && !error.userMessage.includes(token));
    assert.equal(error.code, 'unauthorized');
  });

  it('refuses a tid that is not a non-empty string', async () => {
    for (const tid of ['', '  ', 42, { id: TENANT }]) {
      const token = await signToken(key, { claims: { tid } });
      const error = await refusal(validator().validate(`Bearer ${token}`));
      assert.match(error.message, /tid/, `tid ${JSON.stringify(tid)}`);
    }
  });

  it('accepts only the allowed tenants, whatever the case of the id', async () => {
    const allowed = validator({ allowedTenants: [TENANT.toUpperCase()] });

    assert.equal((await allowed.validate(`Bearer ${await signToken(key)}`)).tenantId, TENANT);
    const error = await refusal(allowed.validate(`Bearer ${await signToken(key, { claims: { tid: OTHER_TENANT } })}`));
    assert.match(error.message, new RegExp(`tenant ${OTHER_TENANT} is not in the allowed tenants`));
  });

  it('fetches nothing for a token that is not even a JWT', async () => {
    await refusal(validator().validate('Bearer not.a.jwt'));

    assert.equal(keyServer.fetches('metadata'), 0);
    assert.equal(keyServer.fetches('jwks'), 0);
  });

  it('fetches the metadata and keys once, however many notifications arrive together', async () => {
    const checks = validator();
    const token = await signToken(key);

    await Promise.all(Array.from({ length: 5 }, () => checks.validate(`Bearer ${token}`)));
    await checks.validate(`Bearer ${token}`);

    assert.equal(keyServer.fetches('metadata'), 1);
    assert.equal(keyServer.fetches('jwks'), 1);
  });

  describe('when the keys cannot be read', () => {
    async function unavailable(promise: Promise<unknown>): Promise<CallingKeysUnavailableError> {
      const error = await promise.then(
        () => assert.fail('the token was accepted'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof CallingKeysUnavailableError, `expected CallingKeysUnavailableError, got ${String(error)}`);
      return error;
    }

    it('reports the keys unavailable, not the token invalid, when the metadata server is down', async () => {
      const gone = await LoopbackServer.start(() => undefined);
      const openIdMetadataUrl = `${gone.url}/metadata`;
      await gone.close();

      const error = await unavailable(
        createCallingTokenValidator({ openIdMetadataUrl, audience: AUDIENCE }).validate(`Bearer ${await signToken(key)}`),
      );

      assert.match(error.message, /OpenID metadata at http:\/\/127\.0\.0\.1:\d+\/metadata/);
      assert.equal(error.code, 'callingKeysUnavailable');
    });

    it('reports the keys unavailable when the metadata or the key set answers with an error', async () => {
      const token = await signToken(key);

      keyServer.failing.metadata = 500;
      assert.match((await unavailable(validator().validate(`Bearer ${token}`))).message, /HTTP 500/);

      delete keyServer.failing.metadata;
      keyServer.failing.jwks = 503;
      assert.match((await unavailable(validator().validate(`Bearer ${token}`))).message, /key set at .*\/jwks/);
    });

    it('refuses metadata without a jwks_uri, or one that would fetch keys without TLS', async () => {
      const token = await signToken(key);
      const serving = (document: object) => sinon.fake.resolves(Response.json(document));
      const options = { openIdMetadataUrl: 'https://keys.example.test/metadata', audience: AUDIENCE };

      const noUri = createCallingTokenValidator({ ...options, fetchImpl: serving({ issuer: BOT_FRAMEWORK_ISSUER }) });
      assert.match((await unavailable(noUri.validate(`Bearer ${token}`))).message, /no usable jwks_uri/);

      const plainHttp = serving({ jwks_uri: 'http://keys.example.test/jwks' });
      const downgraded = createCallingTokenValidator({ ...options, fetchImpl: plainHttp });
      assert.match((await unavailable(downgraded.validate(`Bearer ${token}`))).message, /not https/);
      assert.equal(plainHttp.callCount, 1, 'only the metadata was fetched');
    });

    it('keeps using the keys it has when a metadata refresh fails, and says so', async () => {
      const warn = sinon.fake();
      const checks = validator({ keysMaxAgeMs: 0, keyRefetchCooldownMs: 0, log: { warn } });
      await checks.validate(`Bearer ${await signToken(key)}`);

      keyServer.failing.metadata = 500;
      // Another token: one already checked is not checked again (see "remembers a token it accepted").
      const caller = await checks.validate(`Bearer ${await signToken(key, { claims: { jti: 'second' } })}`);

      assert.equal(caller.tenantId, TENANT);
      assert.equal(keyServer.fetches('metadata'), 2);
      assert.equal(warn.callCount, 1);
      assert.match(String(warn.firstCall.args[1]), /keeping the previous key set/);
    });
  });

  describe('remembering accepted tokens', () => {
    // Graph sends one token with every notification for as long as it lives: its signature is checked once.
    let verify: sinon.SinonSpy;
    beforeEach(() => {
      verify = sinon.spy(crypto.subtle, 'verify');
    });
    afterEach(() => sinon.restore());

    it('checks the signature of a token once, and of every other token anew', async () => {
      const checks = validator();
      const token = await signToken(key);

      assert.equal((await checks.validate(`Bearer ${token}`)).tenantId, TENANT);
      assert.equal((await checks.validate(`Bearer  ${token} `)).tenantId, TENANT);
      assert.equal(verify.callCount, 1);
      await checks.validate(`Bearer ${await signToken(key, { claims: { jti: 'another' } })}`);
      assert.equal(verify.callCount, 2);
    });

    it('checks a token again once it has expired as jose judges expiry, exp plus the clock tolerance', async () => {
      let now = Date.now();
      const checks = validator({ clockToleranceSeconds: 60, now: () => now });
      const token = await signToken(key, { expiresIn: 300 });
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
      await checks.validate(`Bearer ${token}`);

      now = (exp + 60) * 1000 - 1;
      await checks.validate(`Bearer ${token}`);
      assert.equal(verify.callCount, 1, 'still within exp plus the tolerance');
      now = (exp + 60) * 1000 + 1;
      await checks.validate(`Bearer ${token}`);
      assert.equal(verify.callCount, 2, 'past it: checked again');
    });

    it('remembers at most `verifiedTokens` tokens, the least recently used dropped first', async () => {
      const checks = validator({ verifiedTokens: 1 });
      const [first, second] = [await signToken(key), await signToken(key, { claims: { jti: 'second' } })];
      for (const token of [first, second, first]) await checks.validate(`Bearer ${token}`);
      assert.equal(verify.callCount, 3);
    });

    it('never remembers a refused token', async () => {
      const checks = validator({ allowedTenants: ['someone-else'] });
      const token = await signToken(key);
      await refusal(checks.validate(`Bearer ${token}`));
      await refusal(checks.validate(`Bearer ${token}`));
      assert.equal(verify.callCount, 2);
    });
  });

  describe('key rotation', () => {
    it('accepts a key published after startup once the refetch cooldown has passed', async () => {
      const checks = validator({ keyRefetchCooldownMs: 0 });
      await checks.validate(`Bearer ${await signToken(key)}`);
      const rotated = await newSigningKey();
      keyServer.publish(rotated);

      const caller = await checks.validate(`Bearer ${await signToken(rotated)}`);

      assert.equal(caller.tenantId, TENANT);
      assert.equal(keyServer.fetches('jwks'), 2);
    });

    it('fetches the keys again at most once per cooldown for unknown key ids', async () => {
      const checks = validator({ keyRefetchCooldownMs: 60 * 60 * 1000 });
      await checks.validate(`Bearer ${await signToken(key)}`);
      const unpublished = await newSigningKey();

      const error = await refusal(checks.validate(`Bearer ${await signToken(unpublished)}`));

      assert.match(error.message, /ERR_JWKS_NO_MATCHING_KEY/);
      assert.equal(keyServer.fetches('jwks'), 1);
    });
  });

  it('refuses a clock tolerance beyond Bot Framework\'s five minutes, or not in whole seconds', () => {
    for (const clockToleranceSeconds of [MAX_CLOCK_TOLERANCE_SECONDS + 1, -1, 1.5, Number.NaN]) {
      assert.throws(() => validator({ clockToleranceSeconds }), RangeError, String(clockToleranceSeconds));
    }
    assert.throws(() => validator({ issuers: [] }), RangeError);
    assert.throws(() => validator({ audience: '' }), RangeError);
  });
});
