import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { CallingApiError } from '../../src/calling/errors.js';
import { retryAfterMs } from '../../src/graph/retryPolicy.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { apiFor, callCreated, groupCall, inviteOne, peerToPeerCall, rejectionOf } from './graphFixtures.js';

const throttled = { error: { code: 'TooManyRequests', message: 'Too many requests.' } };
const unavailable = { error: { code: 'ServiceUnavailable', message: 'Service unavailable.' } };

/** Answers the first `failures` requests with `status` (and headers), then with the call. */
function failFirst(failures: number, status: number, headers: Record<string, string> = {}) {
  return (request: { method: string }, res: ServerResponse, index: number) => {
    if (index < failures) sendJson(res, status, status === 429 ? throttled : unavailable, headers);
    else if (request.method === 'DELETE') {
      res.writeHead(204);
      res.end();
    }
    else sendJson(res, request.method === 'POST' ? 201 : 200, callCreated);
  };
}

describe('GraphCallingApi retries and timeouts', () => {
  let server: LoopbackServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries a throttled POST after the Retry-After seconds and resends the same body', async () => {
    server = await LoopbackServer.start(failFirst(1, 429, { 'retry-after': '1' }));

    const call = await apiFor(server).createCall('tenant-a', groupCall);

    assert.equal(call.id, callCreated.id);
    const [first, second] = server.requests;
    assert.equal(server.requests.length, 2);
    // Retry-After: 1 was honoured; without it the handler's own back-off would have waited 3 s or more.
    const waited = second!.receivedAt - first!.receivedAt;
    assert.ok(waited >= 950 && waited < 2_900, `second attempt came ${waited} ms after the first`);
    assert.equal(second!.body, first!.body);
    assert.deepEqual(JSON.parse(second!.body), groupCall);
    assert.equal(second!.headers['retry-attempt'], '1');
  });

  it('retries a throttled invite with Retry-After: 0 at once', async () => {
    server = await LoopbackServer.start((request, res, index) =>
      index === 0 ? sendJson(res, 429, throttled, { 'retry-after': '0' }) : sendJson(res, 200, { id: 'op', status: 'Running' }));

    await apiFor(server).inviteParticipants('tenant-a', 'c1', inviteOne);

    assert.equal(server.requests.length, 2);
  });

  for (const status of [500, 503, 504]) {
    it(`does not resend a POST that failed with ${status}: it may have rung someone`, async () => {
      server = await LoopbackServer.start(failFirst(1, status, { 'retry-after': '0' }));

      const error = await rejectionOf(apiFor(server).createCall('tenant-a', peerToPeerCall));

      assert.equal(server.requests.length, 1);
      assert.ok(error instanceof CallingApiError);
      assert.equal(error.code, 'graphUnavailable');
    });
  }

  it('retries a GET on 503 and a DELETE on 504', async () => {
    server = await LoopbackServer.start(failFirst(1, 503, { 'retry-after': '0' }));
    assert.equal((await apiFor(server).getCall('tenant-a', 'c1')).id, callCreated.id);
    assert.equal(server.requests.length, 2);
    await server.close();

    server = await LoopbackServer.start(failFirst(2, 504, { 'retry-after': '0' }));
    await apiFor(server).hangUp('tenant-a', 'c1');
    assert.deepEqual(server.requests.map((r) => r.method), ['DELETE', 'DELETE', 'DELETE']);
  });

  it('gives up after settings.graph.maxRetries and reports the throttling', async () => {
    server = await LoopbackServer.start(failFirst(Infinity, 429, { 'retry-after': '0' }));

    const error = await rejectionOf(apiFor(server, { maxRetries: 2 }).getCall('tenant-a', 'c1'));

    assert.equal(server.requests.length, 3);
    assert.ok(error instanceof CallingApiError);
    assert.equal(error.code, 'graphThrottled');
    assert.equal(error.details.status, 429);
    assert.equal(error.userMessage, 'Microsoft Graph is throttling Rally right now; try again in a minute.');
  });

  it('does not wait out a Retry-After longer than the timeout: it reports the throttling at once', async () => {
    server = await LoopbackServer.start(failFirst(1, 429, { 'retry-after': '3600' }));

    const error = await rejectionOf(apiFor(server).createCall('tenant-a', peerToPeerCall));

    assert.equal(server.requests.length, 1);
    assert.equal((error as CallingApiError).code, 'graphThrottled');
  });

  it('aborts a POST Graph does not answer in time, and does not send it again', async () => {
    server = await LoopbackServer.start(() => undefined); // never answers

    const error = await rejectionOf(apiFor(server, { timeoutMs: 150 }).createCall('tenant-a', peerToPeerCall));

    assert.ok(error instanceof CallingApiError);
    assert.equal(error.code, 'graphTimeout');
    assert.equal(error.details.status, 0);
    assert.match(error.userMessage, /did not answer within 0.15 seconds; Rally did not resend the request, but it may still have gone through/);
    assert.equal(server.requests.length, 1);
  });

  it('times out a response whose body stalls', async () => {
    server = await LoopbackServer.start((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
    });

    const error = await rejectionOf(apiFor(server, { timeoutMs: 150 }).getCall('tenant-a', 'c1'));

    assert.equal((error as CallingApiError).code, 'graphTimeout');
    assert.match((error as CallingApiError).userMessage, /try again in a minute/);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(retryAfterMs('0', now), 0);
    assert.equal(retryAfterMs(' 7 ', now), 7_000);
    assert.equal(retryAfterMs('Wed, 01 May 2024 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Wed, 01 May 2024 09:59:00 GMT', now), 0);
  });

  it('ignores a missing or unreadable value', () => {
    assert.equal(retryAfterMs(null, now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs('-5', now), undefined);
  });
});
