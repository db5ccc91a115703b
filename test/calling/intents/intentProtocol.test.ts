// The intent protocol at its own seam: a real IntentProtocol over in-memory stores and the recording Graph fake (the
// desk fixture). What it recorded is read from the stores, what it sent from the Graph requests, never from stubs
// configured here.
import assert from 'node:assert/strict';
import { accessPolicySentence } from '../../../src/calling/bridges/bridgeMeeting.js';
import type { BridgeAsk, BridgeMeeting } from '../../../src/calling/bridges/bridgeMeeting.js';
import { AlreadyUnderWayError, CallUnconfirmedError, CallingApiError, InvalidRequestError } from '../../../src/calling/errors.js';
import { intentIdOf } from '../../../src/calling/intents/callIntent.js';
import type { CallIntent } from '../../../src/calling/intents/callIntent.js';
import { callOf } from '../../../src/calling/records/callDocument.js';
import type { UserTarget } from '../../../src/calling/targets/people.js';
import type { RallyError } from '../../../src/errors/rallyError.js';
import { AT, REQUESTER, TENANT_ID, buildCallDesk, chatRequest, intentAt } from '../../support/callDeskFixture.js';
import type { DeskFixture } from '../../support/callDeskFixture.js';
import { missingPermission, noAnswerWithin } from '../../support/graphRefusals.js';
import { sentence } from '../../../src/i18n/sentence.js';
import { english } from '../../support/english.js';
import { Translator } from '../../../src/i18n/translator.js';

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

  describe('the language of the request', () => {
    const inFrench = (activity = 'msg-fr') => ({ ...request(activity), locale: 'fr-FR', timeZone: 'Europe/Paris' });
    const french = new Translator({ locale: 'fr' });

    it("keeps the requester's locale and time zone on the intent and on the call it placed", async () => {
      const call = await f.protocol.place(inFrench(), ask, (service) => service.placeCall(TENANT_ID, [adele]));
      const [intentId] = await keysOf(f);
      const intent = (await f.intents.get(intentId!))!;
      assert.deepEqual([intent.locale, intent.timeZone], ['fr-FR', 'Europe/Paris']);
      const stored = callOf(await f.calls.get(call.callId))!;
      assert.deepEqual([stored.locale, stored.timeZone], ['fr-FR', 'Europe/Paris']);
    });

    it("records a call found only through its notifications in its intent's language", async () => {
      lostAnswerOnce(f);
      await assert.rejects(f.protocol.place(inFrench(), ask, (service) => service.placeCall(TENANT_ID, [adele])), CallUnconfirmedError);
      const [intentId] = await keysOf(f);
      const found = await f.protocol.record((await f.intents.get(intentId!))!, 'call-found-later', 'established', { needsCard: true });
      assert.deepEqual([found.locale, found.timeZone], ['fr-FR', 'Europe/Paris']);
    });

    it('keeps a refusal as a sentence, which a redelivery in French hears in French', async () => {
      f.api.createCall = async () => {
        throw missingPermission('Calls.Initiate.All');
      };
      await assert.rejects(f.protocol.place(inFrench(), ask, (service) => service.placeCall(TENANT_ID, [adele])), CallingApiError);
      const [intentId] = await keysOf(f);
      const stored = JSON.parse(JSON.stringify(await f.intents.get(intentId!))) as CallIntent;
      assert.equal(
        french.say(stored.failure!),
        'Il manque à Rally l’autorisation d’application Microsoft Graph Calls.Initiate.All ; demandez à un administrateur de l’accorder à l’inscription d’application de Rally et de donner le consentement administrateur.',
      );
      await assert.rejects(f.protocol.place(inFrench(), ask, (service) => service.placeCall(TENANT_ID, [adele])), (error: unknown) => error instanceof InvalidRequestError && french.say(error.sentence) === french.say(stored.failure!));
    });

    it('still reads the English failure of an intent recorded before Rally spoke languages', async () => {
      const activityKey = 'message/chat-1/msg-old';
      const old = 'Microsoft Graph refused: Rally may not call that person.';
      f.intents.put(intentIdOf(activityKey), intentAt(intentIdOf(activityKey), 'failed', { activityKey, failure: old }));
      await assert.rejects(
        f.protocol.place({ ...request('msg-old'), locale: 'fr-FR' }, ask, (service) => service.placeCall(TENANT_ID, [adele])),
        (error: unknown) => error instanceof InvalidRequestError && error.code === 'intentFailed' && error.userMessage === old && french.say(error.sentence) === old,
      );
      assert.deepEqual(f.api.all('createCall'), [], 'nothing sent again');
    });
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
      throw missingPermission('Calls.Initiate.All', 'forbidden');
    };
    await assert.rejects(place(), CallingApiError);
    await assert.rejects(place(), (error: unknown) => error instanceof InvalidRequestError && /lacks the Microsoft Graph application permission Calls\.Initiate\.All/.test(error.userMessage));
    const [intentId] = [...(await keysOf(f))];
    assert.equal((await f.intents.get(intentId!))?.step, 'failed');
    assert.deepEqual(f.jobs.intentChecks, [], 'a refusal that came at once needed no deadline');
  });

  it('an answer that was lost leaves the intent "unconfirmed", noted with the chat, and never sends again', async () => {
    const createCall = f.api.createCall.bind(f.api);
    f.api.createCall = async (tenantId, body) => {
      await createCall(tenantId, body);
      throw noAnswerWithin(1);
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

  describe('bridges', () => {
    const bridgeAsk: BridgeAsk = { subject: 'Sev1: checkout down', organizerId: REQUESTER.id, language: 'fr-FR' };
    const placeBridge = (activity = 'msg-bridge') => f.protocol.placeBridge(request(activity), bridgeAsk);
    const onlyIntent = async (): Promise<CallIntent> => {
      const keys = await keysOf(f);
      assert.equal(keys.length, 1, 'one intent');
      return (await f.intents.get(keys[0]!))!;
    };
    const joinRefused = () => missingPermission('Calls.JoinGroupCall.All');
    const joinLost = () => noAnswerWithin(1);

    it('asks Graph for the meeting under the intent\'s id, with the subject and the language, as its organizer', async () => {
      await placeBridge();
      const intent = await onlyIntent();
      const [made, ...more] = f.api.all('createOrGetMeeting');
      assert.deepEqual(more, [], 'one meeting');
      assert.deepEqual(made, {
        method: 'createOrGetMeeting',
        tenantId: TENANT_ID,
        organizerId: REQUESTER.id,
        body: { externalId: intent.id, subject: 'Sev1: checkout down' },
        language: 'fr-FR',
      });
    });

    it('records the meeting on the intent before the join leaves, then joins it by its chat and organizer', async () => {
      const createCall = f.api.createCall.bind(f.api);
      const seen: { step: string; meeting?: BridgeMeeting }[] = [];
      f.api.createCall = async (tenantId, body) => {
        for (const key of await keysOf(f)) {
          const intent = (await f.intents.get(key))!;
          seen.push({ step: intent.step, ...(intent.bridge?.meeting ? { meeting: intent.bridge.meeting } : {}) });
        }
        return createCall(tenantId, body);
      };

      const call = await placeBridge();

      assert.deepEqual(f.api.requests.map((r) => r.method), ['createOrGetMeeting', 'createCall']);
      const intent = await onlyIntent();
      const meeting = intent.bridge?.meeting;
      assert.ok(meeting, 'the meeting is kept on the intent');
      assert.deepEqual(seen, [{ step: 'sending', meeting }], 'the meeting was durable, at "sending", when the join left');
      assert.match(meeting.joinWebUrl, /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
      assert.deepEqual([meeting.joinMeetingId, meeting.passcode, meeting.organizerId, meeting.tenantId], ['123456789012', 'Ab12Cd', REQUESTER.id, TENANT_ID]);

      const { body } = f.api.all('createCall')[0]!;
      assert.deepEqual(body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: meeting.threadId, messageId: meeting.messageId });
      assert.ok(body.meetingInfo && '@odata.type' in body.meetingInfo && body.meetingInfo['@odata.type'] === '#microsoft.graph.organizerMeetingInfo', JSON.stringify(body.meetingInfo));
      assert.equal(body.meetingInfo.organizer.user?.id, REQUESTER.id);
      assert.equal(body.meetingInfo.organizer.user?.tenantId, TENANT_ID);
      assert.match(body.callbackUri, new RegExp(`rally=${intent.id}$`), 'Graph calls back naming the intent');

      assert.equal(intent.step, 'sent');
      assert.equal(intent.callId, call.callId);
      assert.deepEqual(call.bridge, meeting, 'the call record carries the bridge');
      assert.deepEqual(callOf(await f.calls.get(call.callId))?.bridge, meeting, 'as stored');
      assert.equal(call.kind, 'meeting');
      assert.equal(call.handle, '#1');
    });

    it("records its check before Graph is asked for the meeting, for when this run's answer can no longer come, and drops it once joined", async () => {
      const createOrGet = f.api.createOrGetMeeting.bind(f.api);
      let checksWhenAsked: { intentId: string; at: Date }[] | undefined;
      f.api.createOrGetMeeting = async (...args) => {
        checksWhenAsked = [...f.jobs.intentChecks];
        return createOrGet(...args);
      };

      await placeBridge();

      const intent = await onlyIntent();
      assert.deepEqual(checksWhenAsked, [{ intentId: intent.id, at: new Date(Date.parse(AT) + 30_000) }]);
      assert.deepEqual(f.jobs.intentChecks.length, 1, 'no deadline of its own besides');
      assert.deepEqual(f.jobs.cancelled, ['job-1']);
    });

    it('makes no second meeting and no second join for a redelivered activity, at once or later', async () => {
      const both = await Promise.allSettled([placeBridge(), placeBridge()]);
      const placed = both.filter((r) => r.status === 'fulfilled').map((r) => r.value);
      const refused = both.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(placed.length, 1);
      for (const r of refused) assert.ok(r.reason instanceof AlreadyUnderWayError, String(r.reason));
      const again = await placeBridge();
      assert.equal(again.callId, placed[0]!.callId);
      assert.equal(f.api.all('createOrGetMeeting').length, 1);
      assert.equal(f.api.all('createCall').length, 1);
      await placeBridge('msg-another');
      assert.equal(f.api.all('createOrGetMeeting').length, 2, 'another message is another bridge');
    });

    it("without the tenant's access policy, fails the intent with the sentence naming the app, sends no join, and says it again on redelivery", async () => {
      f.api.createOrGetMeeting = async () => {
        throw new CallingApiError('meetingAccessPolicyMissing', sentence('graph.meetingAccessPolicyMissing'), { status: 403, graphMessage: 'No application access policy found for this app.' });
      };
      const expected = accessPolicySentence('0a1b2c3d-0000-4000-8000-00000000b07a');

      await assert.rejects(placeBridge(), (error: unknown) => error instanceof CallingApiError && error.code === 'meetingAccessPolicyMissing' && error.userMessage === english(expected));

      const intent = await onlyIntent();
      assert.equal(intent.step, 'failed');
      assert.deepEqual(intent.failure, expected, 'kept as a sentence, to be said in the language of whoever hears it');
      assert.equal(intent.bridge?.meeting, undefined);
      assert.deepEqual(f.api.all('createCall'), []);
      assert.deepEqual(f.jobs.cancelled, ['job-1'], 'its check is dropped: there is nothing to take over');
      await assert.rejects(placeBridge(), (error: unknown) => error instanceof InvalidRequestError && error.code === 'intentFailed' && error.userMessage === english(expected));
      assert.deepEqual(f.api.all('createCall'), []);
    });

    it('a join Graph refuses after the meeting was made fails with bridgeNotJoined, giving why and the join link', async () => {
      f.api.createCall = async () => {
        throw joinRefused();
      };

      let told: InvalidRequestError | undefined;
      await assert.rejects(placeBridge(), (error: unknown) => {
        told = error as InvalidRequestError;
        return error instanceof InvalidRequestError && error.code === 'bridgeNotJoined';
      });

      const intent = await onlyIntent();
      const meeting = intent.bridge?.meeting;
      assert.ok(meeting, 'the meeting is kept');
      assert.equal(
        told?.userMessage,
        "I made the bridge “Sev1: checkout down” but could not join it: Rally lacks the Microsoft Graph application permission Calls.JoinGroupCall.All; ask an admin to grant it to Rally's app registration and give admin consent. " +
          `Everyone can join it here: [Join the bridge](${meeting.joinWebUrl}) (meeting ID 123 456 789 012, passcode Ab12Cd).`,
      );
      assert.equal(intent.step, 'failed');
      assert.deepEqual(intent.failure, told?.sentence, 'a redelivery hears the same line, link included');
      assert.deepEqual(f.jobs.cancelled, ['job-1']);
      await assert.rejects(placeBridge(), (error: unknown) => error instanceof InvalidRequestError && error.userMessage === told?.userMessage);
      assert.equal(f.api.all('createOrGetMeeting').length, 1);
    });

    it('a join whose answer was lost leaves the intent unconfirmed with its meeting, and the chat gets the link now', async () => {
      const createCall = f.api.createCall.bind(f.api);
      f.api.createCall = async (tenantId, body) => {
        await createCall(tenantId, body);
        throw joinLost();
      };

      let told: CallUnconfirmedError | undefined;
      await assert.rejects(placeBridge(), (error: unknown) => {
        told = error as CallUnconfirmedError;
        return error instanceof CallUnconfirmedError;
      });

      const intent = await onlyIntent();
      const meeting = intent.bridge?.meeting;
      assert.ok(meeting, 'the meeting is kept');
      assert.equal(intent.step, 'unconfirmed');
      assert.equal(
        told?.userMessage,
        'Microsoft Graph did not answer within 1 second when I joined the bridge “Sev1: checkout down”, so I may be in it already. ' +
          `Everyone can join it here: [Join the bridge](${meeting.joinWebUrl}) (meeting ID 123 456 789 012, passcode Ab12Cd). I will post its card here as soon as Graph confirms it.`,
      );
      assert.deepEqual((await f.chats.get('chat-1'))?.confirming, [intent.id]);
      assert.deepEqual(f.jobs.cancelled, [], 'its check stays, to settle it');
      assert.equal(f.jobs.intentChecks.length, 1);
      await assert.rejects(placeBridge(), CallUnconfirmedError);
      assert.equal(f.api.all('createCall').length, 1, 'never joined twice');
    });

    describe('continueBridge', () => {
      const INTENT_ID = 'YnJpZGdlLXRha2VuLW92ZXI';
      const stranded = (overrides: Partial<CallIntent> = {}): CallIntent =>
        intentAt(INTENT_ID, 'sending', { sendingBy: 'run-that-died', bridge: { subject: 'Sev1', organizerId: REQUESTER.id }, ...overrides });

      it('takes over a bridge still "sending" with no meeting, from the run that was sending it: the same meeting, joined, with its card', async () => {
        f.intents.put(INTENT_ID, stranded());
        f.clock.advance(30_000);

        await f.protocol.continueBridge(stranded());

        assert.deepEqual(f.api.requests.map((r) => r.method), ['createOrGetMeeting', 'createCall']);
        assert.equal(f.api.all('createOrGetMeeting')[0]!.body.externalId, INTENT_ID, 'asked for under the intent\'s id: the meeting the dead run may have made');
        const intent = (await f.intents.get(INTENT_ID))!;
        assert.equal(intent.step, 'sent');
        assert.notEqual(intent.sendingBy, 'run-that-died');
        assert.equal(intent.sendingAt, new Date(Date.parse(AT) + 30_000).toISOString());
        assert.ok(intent.bridge?.meeting);
        const call = callOf(await f.calls.get(intent.callId!))!;
        assert.deepEqual(call.bridge, intent.bridge.meeting);
        assert.equal(call.needsCard, true, 'the run that died never posted its card');
        assert.deepEqual(f.jobs.followUps, [call.callId]);
      });

      it('the run it was taken from, answered late, leaves the intent to the run that took it over', async () => {
        const createOrGet = f.api.createOrGetMeeting.bind(f.api);
        const createCall = f.api.createCall.bind(f.api);
        let releaseFirst!: () => void;
        const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
        let releaseJoin!: () => void;
        const joinHeld = new Promise<void>((resolve) => (releaseJoin = resolve));
        let asked = 0;
        f.api.createOrGetMeeting = async (...args) => {
          const meeting = await createOrGet(...args);
          if (++asked === 1) await firstHeld;
          return meeting;
        };
        f.api.createCall = async (tenantId, body) => {
          await joinHeld;
          return createCall(tenantId, body);
        };
        const first = placeBridge('msg-race');
        await eventually(() => asked === 1);
        f.clock.advance(30_000);
        const takenOver = f.protocol.continueBridge(await onlyIntent());
        await eventually(() => asked === 2);
        releaseFirst();
        await assert.rejects(first, AlreadyUnderWayError);
        releaseJoin();
        await takenOver;
        const intent = await onlyIntent();
        assert.equal(intent.step, 'sent');
        assert.equal(f.api.all('createCall').length, 1, 'joined once, by the run that took it over');
      });

      it('leaves a bridge whose meeting is recorded: its join may be on its way', async () => {
        const meeting: BridgeMeeting = {
          subject: 'Sev1',
          joinWebUrl: 'https://teams.microsoft.com/l/meetup-join/x/0',
          threadId: '19:meeting_x@thread.v2',
          messageId: '0',
          organizerId: REQUESTER.id,
          tenantId: TENANT_ID,
        };
        const withMeeting = stranded({ bridge: { subject: 'Sev1', organizerId: REQUESTER.id, meeting } });
        f.intents.put(INTENT_ID, withMeeting);

        await f.protocol.continueBridge(withMeeting);

        assert.deepEqual(f.api.requests, []);
        assert.deepEqual(await f.intents.get(INTENT_ID), withMeeting);
      });

      it('leaves a bridge another run has taken over since', async () => {
        f.intents.put(INTENT_ID, stranded({ sendingBy: 'run-that-took-it' }));

        await f.protocol.continueBridge(stranded());

        assert.deepEqual(f.api.requests, []);
        assert.deepEqual(await f.intents.get(INTENT_ID), stranded({ sendingBy: 'run-that-took-it' }));
      });

      it('leaves a bridge that is no longer "sending", and an intent that is not a bridge', async () => {
        for (const intent of [stranded({ step: 'failed' }), stranded({ step: 'unconfirmed' }), intentAt(INTENT_ID, 'sending', { sendingBy: 'run-that-died' })]) {
          f.intents.put(INTENT_ID, intent);
          await f.protocol.continueBridge(intent);
          assert.deepEqual(await f.intents.get(INTENT_ID), intent);
        }
        assert.deepEqual(f.api.requests, []);
      });
    });
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
    throw noAnswerWithin(1);
  };
}
