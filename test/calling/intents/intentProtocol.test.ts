// The intent protocol at its own seam: a real IntentProtocol over in-memory stores and the recording Graph fake (the
// desk fixture). What it recorded is read from the stores, what it sent from the Graph requests, never from stubs
// configured here.
import assert from 'node:assert/strict';
import { accessPolicySentence } from '../../../src/calling/bridges/bridgeMeeting.js';
import type { BridgeAsk, BridgeMeeting } from '../../../src/calling/bridges/bridgeMeeting.js';
import { AlreadyUnderWayError, CallUnconfirmedError, CallingApiError, InvalidRequestError } from '../../../src/calling/errors.js';
import type { CallIntent } from '../../../src/calling/intents/callIntent.js';
import { callOf } from '../../../src/calling/records/callDocument.js';
import type { UserTarget } from '../../../src/calling/targets/people.js';
import type { RallyError } from '../../../src/errors/rallyError.js';
import { AT, REQUESTER, TENANT_ID, buildCallDesk, chatRequest, intentAt } from '../../support/callDeskFixture.js';
import type { DeskFixture } from '../../support/callDeskFixture.js';

const adele: UserTarget = { kind: 'user', id: 'a1b2c3d4-0000-4000-8000-00000000ade1', displayName: 'Adele Vance' };
const ask = { kind: 'peerToPeer' as const, targets: [adele] };
const request = (activity = 'msg-1') => ({ ...chatRequest(), activityKey: `message/chat-1/${activity}` });
const userSentence = (pattern: RegExp) => (error: RallyError) => pattern.test(error.userMessage);

describe('IntentProtocol', () => {
  let f: DeskFixture;
  beforeEach(() => {
    f = buildCallDesk();
  });

  const place = (activity = 'msg-1') => f.protocol.place(request(activity), ask, (service) => service.placeCall(request(activity).tenantId, [adele]));

  it('records the intent and "sending" before Graph is asked, then the call it placed, with the chat\'s handle', async () => {
    const createCall = f.api.createCall.bind(f.api);
    const seen: string[] = [];
    f.api.createCall = async (tenantId, body) => {
      for await (const key of f.intents.keys()) seen.push((await f.intents.get(key))!.step);
      return createCall(tenantId, body);
    };
    const call = await place();
    assert.deepEqual(seen, ['sending'], 'the intent is durable, at "sending", when the request leaves');
    assert.equal(call.handle, '#1');
    const [intentId] = [...(await keysOf(f))];
    const intent = (await f.intents.get(intentId!))!;
    assert.equal(intent.step, 'sent');
    assert.equal(intent.callId, call.callId);
    assert.equal(callOf(await f.calls.get(call.callId))?.intentId, intent.id);
    assert.match(f.api.only('createCall').body.callbackUri, new RegExp(`rally=${intent.id}$`), 'Graph calls back naming the intent');
  });

  it('never sends twice for one activity: a redelivery resumes the intent and answers with its call', async () => {
    const first = await place();
    const again = await place();
    assert.equal(again.callId, first.callId);
    assert.equal(f.api.all('createCall').length, 1);
  });

  it('two deliveries at once send one request; the other hears the call is being placed', async () => {
    const results = await Promise.allSettled([place(), place()]);
    assert.equal(f.api.all('createCall').length, 1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of refused) assert.ok(r.reason instanceof AlreadyUnderWayError, String(r.reason));
  });

  it('records a refusal as "failed" with the sentence the chat got, and a redelivery hears it again without a second send', async () => {
    f.api.createCall = async () => {
      throw new CallingApiError('forbidden', 'Microsoft Graph refused: Rally may not call that person.', { status: 403 });
    };
    await assert.rejects(place(), CallingApiError);
    await assert.rejects(place(), (error: unknown) => error instanceof InvalidRequestError && /may not call that person/.test(error.userMessage));
    const [intentId] = [...(await keysOf(f))];
    assert.equal((await f.intents.get(intentId!))?.step, 'failed');
    assert.deepEqual(f.jobs.intentChecks, [], 'a refusal that came at once needed no deadline');
  });

  it('an answer that was lost leaves the intent "unconfirmed", noted with the chat, and never sends again', async () => {
    const createCall = f.api.createCall.bind(f.api);
    f.api.createCall = async (tenantId, body) => {
      await createCall(tenantId, body);
      throw new CallingApiError('graphTimeout', 'Microsoft Graph did not answer within 1 second.', { status: 0 }, { uncertain: true });
    };
    await assert.rejects(place(), (error: unknown) => error instanceof CallUnconfirmedError && userSentence(/may be ringing.*within 2 minutes/)(error));
    await assert.rejects(place(), CallUnconfirmedError);
    assert.equal(f.api.all('createCall').length, 1);
    const [intentId] = [...(await keysOf(f))];
    assert.equal((await f.intents.get(intentId!))?.step, 'unconfirmed');
    assert.deepEqual((await f.chats.get('chat-1'))?.confirming, [intentId]);
  });

  it("records the intent's deadline while a slow answer is awaited, and drops it once Graph has answered", async () => {
    const slow = buildCallDesk({ deadlineAfterMs: 0 });
    const createCall = slow.api.createCall.bind(slow.api);
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    slow.api.createCall = async (tenantId, body) => {
      await answered;
      return createCall(tenantId, body);
    };
    const placing = slow.protocol.place(request(), ask, (service) => service.placeCall(request().tenantId, [adele]));
    await eventually(() => slow.jobs.intentChecks.length === 1);
    answer();
    await placing;
    assert.equal(slow.jobs.cancelled.length, 1);
  });

  it('records a found call once, adopting the notifications that came before it', async () => {
    await f.calls.update('early-call', () => ({
      placeholder: true,
      callId: 'early-call',
      createdAt: '2026-11-23T20:00:00.000Z',
      events: [{ event: { kind: 'callState', callId: 'early-call', changeType: 'updated', state: 'established' }, at: '2026-11-23T20:00:01.000Z' }],
    }));
    const intent = { ...(await seedIntent(f)), step: 'sent' as const, callId: 'early-call' };
    const call = await f.protocol.record(intent, 'early-call', undefined, { needsCard: true });
    assert.equal(call.state, 'established');
    assert.equal(call.needsCard, true);
    assert.deepEqual(f.jobs.followUps, ['early-call'], 'its news and card are told by its follow-up');
    const again = await f.protocol.record(intent, 'early-call', undefined, { needsCard: true });
    assert.equal(again.handle, call.handle, 'recorded twice, it keeps its handle');
  });
});

/** Lets the event loop turn until `condition` holds (the protocol records its deadline on a timer of its own). */
async function eventually(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 1000) assert.fail('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function keysOf(f: DeskFixture): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of f.intents.keys()) keys.push(key);
  return keys;
}

async function seedIntent(f: DeskFixture) {
  lostAnswerOnce(f);
  await assert.rejects(f.protocol.place(request('seed'), ask, (service) => service.placeCall(request('seed').tenantId, [adele])));
  const [intentId] = await keysOf(f);
  return (await f.intents.get(intentId!))!;
}

function lostAnswerOnce(f: DeskFixture): void {
  const createCall = f.api.createCall.bind(f.api);
  f.api.createCall = async (tenantId, body) => {
    f.api.createCall = createCall;
    await createCall(tenantId, body);
    throw new CallingApiError('graphTimeout', 'Microsoft Graph did not answer within 1 second.', { status: 0 }, { uncertain: true });
  };
}
