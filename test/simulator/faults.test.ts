import assert from 'node:assert/strict';
import { Harness, groupCall, invitation, peerToPeerCall, people } from './simulatorHarness.js';

describe('simulator: fault injection', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(() => h.close());

  const create = () => h.graph('POST', '/communications/calls', { ...peerToPeerCall(people.alice), callbackUri: h.callbackUri });

  it('answers 429 with Retry-After in Graph error shape, then serves normally', async () => {
    h.sim.failNext({ method: 'POST', path: '/communications/calls', status: 429, retryAfterSeconds: 7 });

    const throttled = await create();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '7');
    assert.equal(throttled.body.error.code, 'TooManyRequests');
    assert.equal(typeof throttled.body.error.innerError['request-id'], 'string');
    assert.equal((await create()).status, 201);
  });

  it('answers with the error code and message it is given', async () => {
    h.sim.failNext({ method: 'POST', path: '/communications/calls', status: 403, code: '7505', message: 'Request authorization tenant mismatch.' });

    const refused = await create();
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, '7505');
    assert.equal(refused.body.error.message, 'Request authorization tenant mismatch.');
  });

  it('fails as many matching requests as `times` says, and only matching ones', async () => {
    h.sim.failNext({ path: /\/participants\/invite$/, status: 503, times: 2 });
    const { body: call } = await h.createCall(groupCall(people.alice, people.erin));
    const invite = () => h.graph('POST', `/communications/calls/${call.id}/participants/invite`, { participants: [invitation(people.erin)], clientContext: 'c' });

    assert.deepEqual([(await invite()).status, (await invite()).status, (await invite()).status], [503, 503, 200]);
  });

  it('can leave a request hanging until the caller gives up', async () => {
    h.sim.failNext({ hang: true });
    await assert.rejects(
      fetch(`${h.sim.baseUrl}/users/${people.alice.id}`, { headers: { authorization: 'Bearer t' }, signal: AbortSignal.timeout(100) }),
      (error: Error) => error.name === 'TimeoutError',
    );
    assert.equal(h.sim.requests[0]?.status, undefined);
  });

  it('can reset the connection', async () => {
    h.sim.failNext({ reset: true });
    await assert.rejects(create(), TypeError);
    assert.equal((await create()).status, 201);
  });
});
