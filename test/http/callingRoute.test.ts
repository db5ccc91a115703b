import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import sinon from 'sinon';
import { InvalidNotificationError } from '../../src/calling/notifications/notificationParser.js';
import { createCallingTokenValidator } from '../../src/http/callingAuth.js';
import { createCallingRoute } from '../../src/http/callingRoute.js';
import type { CallingNotificationDelivery, NotificationSink } from '../../src/http/callingRoute.js';
import type { PlainRoute } from '../../src/http/server.js';
import { collected } from '../support/collected.js';
import { LogCapture } from '../support/logCapture.js';
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
  unsignedToken,
} from '../endToEnd/callingKeyServer.js';
import type { SigningKey } from '../endToEnd/callingKeyServer.js';

const notifications = {
  '@odata.type': '#microsoft.graph.commsNotifications',
  value: [
    {
      '@odata.type': '#microsoft.graph.commsNotification',
      changeType: 'updated',
      resourceUrl: '/communications/calls/421f1100-f4f1-4c35-8ded-0bd5ae5e7d4a',
      resourceData: { '@odata.type': '#microsoft.graph.call', state: 'established' },
    },
  ],
};

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('POST /api/calling route', () => {
  let keyServer: CallingKeyServer;
  let key: SigningKey;
  let stranger: SigningKey;
  let log: LogCapture;
  let onNotifications: sinon.SinonSpy<Parameters<Handler>, ReturnType<Handler>>;

  before(async () => {
    [key, stranger] = await Promise.all([newSigningKey(), newSigningKey()]);
    keyServer = await CallingKeyServer.start();
    keyServer.publish(key);
  });

  after(async () => {
    await keyServer.close();
  });

  beforeEach(() => {
    log = new LogCapture('info');
    onNotifications = sinon.spy<Handler>(async () => undefined);
  });

  function route(options: { openIdMetadataUrl?: string; handler?: Handler } = {}): PlainRoute {
    const validator = createCallingTokenValidator({
      openIdMetadataUrl: options.openIdMetadataUrl ?? keyServer.metadataUrl,
      audience: AUDIENCE,
      allowedTenants: [TENANT],
    });
    if (options.handler) onNotifications = sinon.spy<Handler>(options.handler);
    return createCallingRoute({ validator, notifications: sinkOf(onNotifications), log: log.log });
  }

  async function post(handle: PlainRoute, authorization: string | undefined, body: unknown = notifications) {
    return handle({ query: new URLSearchParams(), headers: authorization === undefined ? {} : { authorization }, body });
  }

  describe('refuses with 401 and hands nothing on', () => {
    const refusals: [what: string, reason: RegExp, authorization: () => Promise<string | undefined>][] = [
      ['no Authorization header', /no Authorization header/, async () => undefined],
      ['a Basic credential', /not a Bearer token/, async () => 'Basic cmFsbHk6c2VjcmV0'],
      ['Bearer with no token', /not a Bearer token/, async () => 'Bearer '],
      ['a token that is not a JWT', /ERR_JWS_INVALID/, async () => 'Bearer abc.def.ghi'],
      ['a token signed by another key under a published key id', /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/, async () => `Bearer ${await signToken(stranger, { kid: key.kid })}`],
      ['an expired token', /ERR_JWT_EXPIRED/, async () => `Bearer ${await signToken(key, { expiresIn: -400 })}`],
      ['a token not valid for minutes yet', /"nbf" claim/, async () => `Bearer ${await signToken(key, { notBeforeIn: 400 })}`],
      ['a token without exp', /missing required "exp"/, async () => `Bearer ${await signToken(key, { noExpiry: true })}`],
      ['a token for another audience', /"aud" claim/, async () => `Bearer ${await signToken(key, { audience: 'another-bot' })}`],
      ['a token from another issuer', /"iss" claim/, async () => `Bearer ${await signToken(key, { issuer: 'https://login.microsoftonline.com/common/v2.0' })}`],
      ['a token without tid', /missing required "tid"/, async () => `Bearer ${await signToken(key, { claims: { tid: undefined } })}`],
      ['an unsigned token (alg none)', /ERR_JOSE_ALG_NOT_ALLOWED/, async () => `Bearer ${unsignedToken(key.kid)}`],
      ['an HS256 token keyed with the public key', /ERR_JOSE_ALG_NOT_ALLOWED/, async () => `Bearer ${await publicKeyAsSecret(key)}`],
      ['a token signed with a key id the key set does not have', /ERR_JWKS_NO_MATCHING_KEY/, async () => `Bearer ${await signToken(stranger)}`],
      ['a token from a tenant that is not allowed', /is not in the allowed tenants/, async () => `Bearer ${await signToken(key, { claims: { tid: OTHER_TENANT } })}`],
    ];

    for (const [what, reason, authorization] of refusals) {
      it(what, async () => {
        const header = await authorization();

        const answer = await post(route(), header);

        assert.equal(answer.status, 401);
        assert.equal(onNotifications.callCount, 0);
        const line = JSON.parse(await log.next(/calling notification refused/)) as { reason: string };
        assert.match(line.reason, reason);
        const token = header?.replace(/^\S+\s*/, '');
        if (token) assert.ok(log.lines.every((l) => !l.includes(token)), 'the token reached the log');
      });
    }
  });

  for (const issuer of [BOT_FRAMEWORK_ISSUER, GRAPH_ISSUER]) {
    it(`answers 202 to a notification signed by ${issuer} and hands over the body and tenant`, async () => {
      const answer = await post(route(), `Bearer ${await signToken(key, { issuer })}`);

      assert.equal(answer.status, 202);
      assert.equal(onNotifications.callCount, 1);
      assert.deepEqual(onNotifications.firstCall.args[0], { body: notifications, tenantId: TENANT });
    });
  }

  it('answers 503 and hands nothing on when the signing keys cannot be fetched, so that Graph delivers again', async () => {
    const gone = await LoopbackServer.start(() => undefined);
    const openIdMetadataUrl = `${gone.url}/metadata`;
    await gone.close();

    const answer = await post(route({ openIdMetadataUrl }), `Bearer ${await signToken(key)}`);

    assert.equal(answer.status, 503);
    assert.equal(onNotifications.callCount, 0);
    assert.match(await log.next(/signing keys unavailable/), /"level":50/);
  });

  it('answers 400 to a body that is not a JSON object, after checking the token', async () => {
    const authorization = `Bearer ${await signToken(key)}`;
    const handle = route();

    for (const body of [undefined, null, [], '{"value":[]}', Buffer.from('{"value":[]}'), 42]) {
      const answer = await handle({ query: new URLSearchParams(), headers: { authorization }, body });
      assert.equal(answer.status, 400, `body ${String(body)}`);
    }
    assert.equal(onNotifications.callCount, 0);
    assert.equal((await post(handle, undefined, null)).status, 401, 'an unauthenticated caller learns nothing about bodies');
  });

  it('answers 400 when the domain cannot read the notifications', async () => {
    const handle = route({
      handler: async () => {
        throw new InvalidNotificationError(['value[0].resourceData.state: Invalid option']);
      },
    });

    const answer = await post(handle, `Bearer ${await signToken(key)}`);

    assert.deepEqual(answer, { status: 400, body: { error: 'invalidNotification' } });
    assert.match(await log.next(/calling notification refused/), /value\[0\]\.resourceData\.state/);
  });

  it('answers 500 when recording fails for another reason, so that Graph delivers again', async () => {
    const handle = route({
      handler: async () => {
        throw new Error('storage is full');
      },
    });

    const answer = await post(handle, `Bearer ${await signToken(key)}`);

    assert.equal(answer.status, 500);
    assert.match(await log.next(/could not be recorded/), /storage is full/);
  });

  it('lets go of the body once it has handed it over, while the notifications are being recorded', async () => {
    const handedOver = deferred();
    const recording = deferred<undefined>();
    // Not route(): its spy keeps every argument it is given.
    const handle = createCallingRoute({
      validator: createCallingTokenValidator({ openIdMetadataUrl: keyServer.metadataUrl, audience: AUDIENCE }),
      notifications: {
        deliver: (body) => {
          assert.ok(Array.isArray(body.value));
          handedOver.resolve();
          return recording.promise.then(() => () => undefined);
        },
      },
    });
    const request = { query: new URLSearchParams(), headers: { authorization: `Bearer ${await signToken(key)}` }, body: structuredClone(notifications) as unknown };
    const body = new WeakRef(request.body as object);

    const answer = handle(request);
    await handedOver.promise;
    assert.equal(await collected(body), true, 'the body is still reachable');
    recording.resolve(undefined);
    assert.equal((await answer).status, 202);
  });

  it('answers only once the notifications are recorded', async () => {
    const recorded = deferred();
    const received = deferred();
    const handle = route({
      handler: async () => {
        received.resolve();
        await recorded.promise;
      },
    });
    let answered = false;

    const answer = handle({ query: new URLSearchParams(), headers: { authorization: `Bearer ${await signToken(key)}` }, body: notifications }).finally(() => {
      answered = true;
    });
    await received.promise;
    // One full turn of the event loop: a route that did not wait for the handler would have answered by now.
    await new Promise(setImmediate);
    assert.equal(answered, false);

    recorded.resolve();
    assert.equal((await answer).status, 202);
  });

  it('answers 202 before the chat reporting starts', async () => {
    const reportStarted = deferred();
    const handle = route({ handler: async () => () => reportStarted.resolve() });
    let started = false;
    void reportStarted.promise.then(() => {
      started = true;
    });

    const answer = await post(handle, `Bearer ${await signToken(key)}`);

    assert.equal(answer.status, 202);
    assert.equal(started, false, 'reporting started before the answer');
    await reportStarted.promise;
  });

  it('logs a reporting step that throws instead of crashing the process', async () => {
    const handle = route({
      handler: async () => () => {
        throw new Error('no conversation reference');
      },
    });

    assert.equal((await post(handle, `Bearer ${await signToken(key)}`)).status, 202);
    assert.match(await log.next(/reporting calling notifications to the chat failed/), /no conversation reference/);
  });
});

/** What the domain is handed, as one argument a spy can note; it resolves with what to start after the answer. */
type Handler = (delivery: CallingNotificationDelivery) => Promise<(() => void) | undefined | void>;

function sinkOf(handler: Handler): NotificationSink {
  return { deliver: async (body, sender) => (await handler({ ...sender, body })) ?? (() => undefined) };
}

/** The classic algorithm-confusion forgery: HMAC keyed with the (public) verification key. */
async function publicKeyAsSecret(key: SigningKey): Promise<string> {
  return new SignJWT({ tid: TENANT })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
    .setIssuer(BOT_FRAMEWORK_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
}
