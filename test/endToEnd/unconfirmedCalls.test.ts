// A call Graph placed although its answer never reached Rally: the chat is told the truth, nothing is sent twice,
// and the call's own notifications (through the id in the callbackUri) bring it onto a card that `calls` lists.
// An invite whose answer was lost is never sent twice either, and its result is still reported.
import assert from 'node:assert/strict';
import { demoDirectory } from '../../src/simulator/index.js';
import { RallyHarness } from './rallyHarness.js';

const CREATE_CALL = { method: 'POST', path: '/communications/calls' } as const;

describe('A call whose create answer is lost', () => {
  let h: RallyHarness;

  afterEach(async () => {
    await h.close();
  });

  it('says it may be ringing, then adopts the call from its notifications: one card, listed by "calls", one request', async () => {
    h = await RallyHarness.start({ env: { GRAPH_TIMEOUT_MS: '1000' } });
    h.sim.failNext({ ...CREATE_CALL, answerAfterMs: 1500 });

    await h.say('call adelev@contoso.com', { id: 'msg-slow' });
    assert.match(h.connector.lines()[0]!, /did not answer within 1 second.*may be ringing/);
    await h.settle();

    assert.equal(h.createCallRequests().length, 1);
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
    const callId = h.callIdOfCard(h.connector.cardPosts()[0]!.id);
    assert.ok(h.sim.getCall(callId), 'the card is about the call Graph created');

    await h.say('calls');
    assert.match(h.connector.lines().at(-1)!, /#1: call, connected/);
  });

  it('a redelivery of that message sends nothing again', async () => {
    h = await RallyHarness.start({ env: { GRAPH_TIMEOUT_MS: '1000' } });
    h.sim.failNext({ ...CREATE_CALL, hang: true });

    await h.say('call adelev@contoso.com', { id: 'msg-twice' });
    await h.say('call adelev@contoso.com', { id: 'msg-twice' });

    assert.equal(h.createCallRequests().length, 1);
    assert.equal(h.connector.cardPosts().length, 0);
  });
});

describe('An invite whose answer is lost', () => {
  let h: RallyHarness;

  afterEach(async () => {
    await h.close();
  });

  it('says it may have gone through, sends nothing on a redelivery, and still reports the result Graph sends', async () => {
    // The phone picks up only after Rally gave up waiting for Graph's answer: the result comes after the error.
    const directory = { ...demoDirectory, phones: [{ number: '+14255550199', outcome: 'answer' as const, ringsForMs: 2500 }] };
    h = await RallyHarness.start({ simulator: { directory }, env: { GRAPH_TIMEOUT_MS: '1000' } });
    await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    h.sim.failNext({ method: 'POST', path: /\/participants\/invite$/, answerAfterMs: 1500 });

    await h.say('invite +14255550199', { id: 'msg-invite-slow' });
    assert.match(h.connector.lines().at(-1)!, /did not answer within 1 second.*did not resend the request.*may still have gone through/);
    await h.say('invite +14255550199', { id: 'msg-invite-slow' });
    await h.settle();

    assert.equal(h.inviteRequests().length, 1);
    await h.connector.lineContaining('+14255550199 joined the call');
  });
});
