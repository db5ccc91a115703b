// The endpoint checks against real servers on 127.0.0.1: the Graph simulator's OpenID metadata, and loopback servers
// standing in for Rally's public address (plain HTTP, and HTTPS with a self-signed certificate).
import assert from 'node:assert/strict';
import https from 'node:https';
import { checkOpenIdMetadata, checkPstn, checkPublicUrl } from '../../src/doctor/endpointChecks.js';
import { fetchGet } from '../../src/doctor/httpGet.js';
import type { HttpGet } from '../../src/doctor/httpGet.js';
import { startGraphSimulator } from '../../src/simulator/index.js';
import type { GraphSimulator } from '../../src/simulator/index.js';
import { loopbackCertificate } from '../graph/localAuthority.js';
import type { LoopbackCertificate } from '../graph/localAuthority.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { english } from '../support/english.js';

/** What fetch does, trusting only the loopback certificate (fetch cannot be given a CA). */
const trustingGet = (certificate: LoopbackCertificate): HttpGet => (url) =>
  new Promise((resolve, reject) => {
    https.get(url, { ca: certificate.cert }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

const healthy = (request: { url: string }, res: Parameters<typeof sendJson>[0]) =>
  sendJson(res, request.url === '/healthz' ? 200 : 404, { status: 'ok' });

describe('doctor: BOT_PUBLIC_URL', () => {
  let server: LoopbackServer | undefined;
  afterEach(() => server?.close());

  it('in local mode, says http is fine and that Rally answers at /healthz', async () => {
    server = await LoopbackServer.start(healthy);
    const results = await checkPublicUrl(server.url, true, fetchGet);
    assert.deepEqual(results.map((r) => [r.status, english(r.text)]), [
      ['info', `BOT_PUBLIC_URL ${server.url} is http: local mode, http is fine here.`],
      ['pass', `Rally answers at ${server.url}/healthz.`],
    ]);
    assert.equal(server.requests[0]?.url, '/healthz');
  });

  it('outside local mode, fails an http URL even when it answers', async () => {
    server = await LoopbackServer.start(healthy);
    const [scheme, reach] = await checkPublicUrl(server.url, false, fetchGet);
    assert.equal(scheme!.status, 'fail');
    assert.match(english(scheme!.fix!), /https address/);
    assert.equal(reach!.status, 'pass');
  });

  it('passes an https URL whose /healthz answers 200', async () => {
    const certificate = await loopbackCertificate();
    server = await LoopbackServer.start(healthy, { tls: certificate });
    const results = await checkPublicUrl(server.url, false, trustingGet(certificate));
    assert.deepEqual(results.map((r) => r.status), ['pass', 'pass']);
  });

  it('fails when /healthz answers something else, or nothing listens', async () => {
    server = await LoopbackServer.start((_request, res) => sendJson(res, 503, {}));
    const [, unhealthy] = await checkPublicUrl(server.url, true, fetchGet);
    assert.deepEqual([unhealthy!.status, english(unhealthy!.text)], ['fail', `${server.url}/healthz answered 503, not 200.`]);

    const closedUrl = server.url;
    await server.close();
    server = undefined;
    const [, unreachable] = await checkPublicUrl(closedUrl, true, fetchGet);
    assert.equal(unreachable!.status, 'fail');
    assert.match(english(unreachable!.text), /cannot be reached \(.*ECONNREFUSED/);
    assert.match(english(unreachable!.fix!), /ingress forwards it to Rally's PORT/);
  });
});

describe('doctor: PSTN', () => {
  it('is information, not a failure, when no application instance is set', () => {
    assert.equal(checkPstn(undefined).status, 'info');
    assert.match(english(checkPstn(undefined).text), /^PSTN off/);
    assert.equal(checkPstn('3d913abb-aec0-4964-8fa6-3c6850c4f278').status, 'pass');
  });
});

describe('doctor: calling OpenID metadata', () => {
  let sim: GraphSimulator;
  let server: LoopbackServer | undefined;
  before(async () => {
    sim = await startGraphSimulator();
  });
  after(() => sim.close());
  afterEach(() => server?.close());

  it('passes when the metadata answers with its jwks_uri (the simulator\'s)', async () => {
    const result = await checkOpenIdMetadata(sim.openIdMetadataUrl, fetchGet);
    assert.deepEqual([result.status, english(result.text)], ['pass', `Calling OpenID metadata ${sim.openIdMetadataUrl} answers.`]);
  });

  it('fails on a wrong URL, an answer without keys, and no answer', async () => {
    assert.match(english((await checkOpenIdMetadata(`${sim.origin}/no-such-metadata`, fetchGet)).text), /answered 404, not 200/);

    server = await LoopbackServer.start((_request, res) => sendJson(res, 200, { issuer: 'someone' }));
    assert.match(english((await checkOpenIdMetadata(server.url, fetchGet)).text), /without a jwks_uri/);

    const closedUrl = server.url;
    await server.close();
    server = undefined;
    const unreachable = await checkOpenIdMetadata(closedUrl, fetchGet);
    assert.equal(unreachable.status, 'fail');
    assert.match(english(unreachable.fix!), /CALLING_OPENID_METADATA_URL/);
  });

  it('has nothing to check in local mode before the simulator runs', async () => {
    assert.equal((await checkOpenIdMetadata(undefined, fetchGet)).status, 'info');
  });
});
