// The chat surface through botbuilder's TestAdapter, as botbuilder-js tests its own bots: messages and card button
// invokes in, replies and invoke responses out. Behind the bot is a real CallDesk over in-memory stores, so what the
// bot did is read from the Graph requests it caused and from the replies, never from stubs configured here.
import assert from 'node:assert/strict';
import { CloudAdapter, TestAdapter } from 'botbuilder';
import type { Activity, AdaptiveCardInvokeResponse, ConversationAccount, ConversationReference } from 'botbuilder';
import sinon from 'sinon';
import { callCards } from '../../src/bot/callCards.js';
import { pageCards } from '../../src/bot/pageCards.js';
import { Chats } from '../../src/bot/chats.js';
import type { ChatRecords } from '../../src/bot/chatRecords.js';
import { PeopleResolver } from '../../src/bot/peopleResolver.js';
import { RallyBot } from '../../src/bot/rallyBot.js';
import { createLogger } from '../../src/log/logger.js';
import { callOf } from '../../src/calling/records/callDocument.js';
import { applyCallEvent } from '../../src/calling/records/callRecord.js';
import { AT, REQUESTER, TENANT_ID, buildCallDesk } from '../support/callDeskFixture.js';
import type { DeskFixture } from '../support/callDeskFixture.js';
import { MemoryRecordStore } from '../support/memoryRecordStore.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';
const UNKNOWN_BUTTON = 'That button is not one I know. Say "help" to see what I can do.';
const NO_CALL = 'This chat has no call going on. Start one with "call" and a person.';
const NO_CALLS = 'No calls are going on from this chat.';

type Card = Record<string, unknown>;
type Reply = Partial<Activity>;

interface Rally extends DeskFixture {
  adapter: TestAdapter;
  records: ChatRecords;
  message(text: string, id?: string): Reply;
  press(verb: string, data: unknown): Reply;
}

/** Rally's bot as src/app.ts wires it, talking in one group chat of `tenantId` (null: a chat outside any organization). */
function rally(tenantId: string | null = TENANT_ID): Rally {
  const fixture = buildCallDesk();
  const records: ChatRecords = {
    conversations: new MemoryRecordStore<Partial<ConversationReference>>(),
    callCards: new MemoryRecordStore<{ activityId: string }>(),
    pageCards: new MemoryRecordStore<{ activityId: string }>(),
    handledRequests: new MemoryRecordStore<{ at: string }>(),
  };
  const log = createLogger('silent');
  const adapter = new TestAdapter(async (context) => bot.run(context));
  const bot = new RallyBot({
    desk: fixture.desk,
    pager: fixture.pager,
    pageCards: pageCards(records.pageCards),
    people: new PeopleResolver(fixture.api),
    // Proactive posts are the reporter's business; a turn only remembers the chat and dedupes.
    chats: new Chats({ adapter: sinon.createStubInstance(CloudAdapter), botAppId: '', records, log }),
    cards: callCards(records.callCards, true),
    log,
    botName: 'Rally',
    doctor: { admins: [], run: async () => [] },
  });
  const conversation: ConversationAccount = {
    id: '19:rally-test@thread.v2',
    name: '',
    isGroup: true,
    conversationType: 'groupChat',
    ...(tenantId === null ? {} : { tenantId }),
  };
  const from = { id: '29:megan', name: REQUESTER.name, aadObjectId: REQUESTER.id };
  const base = { channelId: 'msteams', conversation, from };
  return {
    ...fixture,
    adapter,
    records,
    message: (text, id) => ({ ...base, type: 'message', text, ...(id === undefined ? {} : { id }) }),
    press: (verb, data) => ({ ...base, type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }),
  };
}

function cardOf(reply: Reply): Card {
  assert.equal(reply.type, 'message');
  assert.equal(reply.attachments?.length, 1, `one card, not ${JSON.stringify(reply)}`);
  assert.equal(reply.attachments[0]!.contentType, ADAPTIVE_CARD);
  return reply.attachments[0]!.content as Card;
}

function isHelpCard(card: Card): void {
  assert.equal((card.body as { text?: string }[])[0]?.text, 'Rally gets people on a call');
}

/** The body of the invoke response Teams would get for a button press. */
function answerOf(reply: Reply): AdaptiveCardInvokeResponse {
  assert.equal(reply.type, 'invokeResponse');
  const { status, body } = reply.value as { status: number; body: AdaptiveCardInvokeResponse };
  assert.equal(status, 200);
  return body;
}

/** What Teams sends back when the person presses the card's `verb` button: the data the card put on it. */
function buttonData(card: Card, verb: string): Record<string, unknown> {
  const actions: { verb?: string; data?: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (object.type === 'Action.Execute') actions.push(object);
      Object.values(object).forEach(walk);
    }
  };
  walk(card);
  const action = actions.find((a) => a.verb === verb);
  assert.ok(action?.data, `the card has no ${verb} button`);
  return action.data;
}

describe('RallyBot through the TestAdapter', () => {
  let r: Rally;
  beforeEach(() => {
    r = rally();
  });
  afterEach(() => {
    assert.deepEqual(r.adapter.activityBuffer, [], 'every reply was looked at');
  });

  /** Places a call from the chat and returns its posted card. */
  async function placeCall(text: string): Promise<{ card: Card; reply: Reply }> {
    let reply: Reply = {};
    await r.adapter.send(r.message(text)).assertReply((activity) => void (reply = activity)).startTest();
    return { card: cardOf(reply), reply };
  }

  describe('messages', () => {
    it('answers "help" with the help card', async () => {
      await r.adapter.send(r.message('help')).assertReply((reply) => isHelpCard(cardOf(reply))).startTest();
    });

    it('refuses an unknown command in one line, then shows the help card', async () => {
      await r.adapter
        .send(r.message('dance'))
        .assertReply('I don\'t know "dance". Try "help" to see what I can do.')
        .assertReply((reply) => isHelpCard(cardOf(reply)))
        .startTest();
    });

    it('"call <upn>" places the call to that person and posts its card, tracked for updates in place', async () => {
      const { card, reply } = await placeCall('call adelev@contoso.com');

      const [create] = r.api.all('createCall');
      assert.deepEqual(create?.body.targets?.map((t) => t.identity.user?.id), ['adelev@contoso.com']);
      const { callId } = buttonData(card, 'hangup') as { callId: string };
      assert.equal((await r.records.callCards.get(callId))?.activityId, reply.id);
    });

    it('acts once on a message delivered twice', async () => {
      await r.adapter
        .send(r.message('call adelev@contoso.com', 'msg-1'))
        .assertReply((reply) => void cardOf(reply))
        .send(r.message('call adelev@contoso.com', 'msg-1'))
        .assertNoReply('a redelivery', 20)
        .startTest();
      assert.equal(r.api.all('createCall').length, 1);
    });

    it('"calls" says when there are none, and lists the live one', async () => {
      await r.adapter.send(r.message('calls')).assertReply(NO_CALLS).startTest();
      await placeCall('call adelev@contoso.com');
      await r.adapter
        .send(r.message('calls'))
        .assertReply((reply) => assert.match(String(reply.text), /^#1: call, connecting…, adelev@contoso\.com \(ringing…\)$/))
        .startTest();
    });

    it('"hangup" with no call says so and asks Graph nothing', async () => {
      await r.adapter.send(r.message('hangup')).assertReply(NO_CALL).startTest();
      assert.deepEqual(r.api.requests, []);
    });

    it('refuses a command from a chat outside any organization', async () => {
      r = rally(null);
      await r.adapter.send(r.message('calls')).assertReply('I can only place calls from a Microsoft Teams chat in an organization.').startTest();
      assert.deepEqual(r.api.requests, []);
    });
  });

  describe('call card buttons', () => {
    it('"Hang up" hangs up the card\'s call and answers with its card', async () => {
      const { card } = await placeCall('call adelev@contoso.com');
      const data = buttonData(card, 'hangup');

      await r.adapter
        .send(r.press('hangup', data))
        .assertReply('Hanging up #1…')
        .assertReply((reply) => {
          const answer = answerOf(reply);
          assert.equal(answer.type, ADAPTIVE_CARD);
          assert.equal(buttonData(answer.value as Card, 'refresh').callId, data.callId);
        })
        .startTest();
      assert.deepEqual(r.api.all('hangUp').map((q) => q.callId), [data.callId]);
    });

    it('acts once when the same button is pressed twice on the same card', async () => {
      const { card } = await placeCall('call adelev@contoso.com');
      const data = buttonData(card, 'hangup');

      await r.adapter
        .send(r.press('hangup', data))
        .assertReply('Hanging up #1…')
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .send(r.press('hangup', data))
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .startTest();
      assert.equal(r.api.all('hangUp').length, 1);
    });

    for (const [what, verb, data] of [
      ['an unknown verb', 'dance', { callId: 'call-1' }],
      ['a button without its call id', 'hangup', { rev: 'abc' }],
    ] as const) {
      it(`answers ${what} with the refusal as a message response`, async () => {
        await r.adapter
          .send(r.press(verb, data))
          .assertReply((reply) => assert.deepEqual(answerOf(reply), { statusCode: 200, type: MESSAGE_RESPONSE, value: UNKNOWN_BUTTON }))
          .startTest();
        assert.deepEqual(r.api.requests, []);
      });
    }

    it('"Invite" on a group call invites the people picked and typed into the card', async () => {
      const { card } = await placeCall('call adelev@contoso.com alexw@contoso.com');
      const button = buttonData(card, 'invite');
      // Teams adds the card's inputs to the button's data: the people picker's object ids and the free-text field.
      const picked = '6e2c3a1b-0d4f-4a5e-8b9c-1d2e3f4a5b6c';
      const data = { ...button, pickedPeople: picked, people: 'pattif@contoso.com, +1 425 555 0100' };

      await r.adapter
        .send(r.press('invite', data))
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .startTest();

      const invites = r.api.all('inviteParticipants');
      assert.deepEqual(invites.map((q) => q.callId), [button.callId]);
      assert.deepEqual(
        invites[0]?.body.participants.map((p) => p.identity.user?.id ?? p.identity.phone?.id),
        [picked, 'pattif@contoso.com', '+14255550100'],
      );
    });
  });

  describe('mute and remove', () => {
    const person = (key: string, id: string, displayName: string) => ({ key, participantId: key, identity: { kind: 'user' as const, id, displayName }, isMuted: false, isInLobby: false });

    /** Places a group call from the chat, and lets Graph say it is up with Adele and Alex in it (the fake looks people up as their UPN). */
    async function groupCallUp(): Promise<string> {
      const { card } = await placeCall('call adelev@contoso.com alexw@contoso.com');
      const { callId } = buttonData(card, 'hangup') as { callId: string };
      const stored = callOf(await r.calls.get(callId))!;
      const up = applyCallEvent(stored, { kind: 'callState', callId, changeType: 'updated', state: 'established' }, AT).record;
      const roster = applyCallEvent(up, { kind: 'roster', callId, participants: [person('p-adele', 'adelev@contoso.com', 'Adele Vance'), person('p-alex', 'alexw@contoso.com', 'Alex Wilber')] }, AT);
      r.calls.put(callId, roster.record);
      return callId;
    }

    it('"mute <person>" mutes them in the chat\'s call, and "remove <person> from #1" removes them, one line each', async () => {
      const callId = await groupCallUp();
      await r.adapter
        .send(r.message('mute alexw@contoso.com'))
        .assertReply('Muting Alex Wilber in #1…')
        .send(r.message('remove adelev@contoso.com from #1'))
        .assertReply('Removing Adele Vance from #1…')
        .startTest();
      assert.deepEqual(r.api.all('muteParticipant').map((q) => [q.callId, q.participantId]), [[callId, 'p-alex']]);
      assert.deepEqual(r.api.all('removeParticipant').map((q) => [q.callId, q.participantId]), [[callId, 'p-adele']]);
    });

    it('answers bad input in one sentence and asks Graph for nothing more than who someone is', async () => {
      await r.adapter
        .send(r.message('mute alexw@contoso.com'))
        .assertReply(NO_CALL)
        .startTest();
      await groupCallUp();
      await r.adapter
        .send(r.message('mute +14255550100'))
        .assertReply('+14255550100 is not in #1 right now.')
        .send(r.message('remove alexw@contoso.com from #7'))
        .assertReply('This chat has no call #7. Say "calls" to see the live ones.')
        .send(r.message('mute alexw@contoso.com meganb@contoso.com'))
        .assertReply('I can mute one person at a time.')
        .startTest();
      const sent = r.api.requests.map((q) => q.method).filter((m) => m !== 'getUser' && m !== 'createCall');
      assert.deepEqual(sent, []);
    });

    it('refuses to mute in a one-to-one call, and sends nothing', async () => {
      await placeCall('call adelev@contoso.com');
      await r.adapter
        .send(r.message('mute adelev@contoso.com'))
        .assertReply('#1 is a one-to-one call, and Microsoft Graph can mute people only in group calls and meetings.')
        .startTest();
      assert.deepEqual(r.api.all('muteParticipant'), []);
    });

    it('the card\'s Mute and Remove beside a person act on them, once however often one copy of the card is pressed', async () => {
      const callId = await groupCallUp();
      let card: Card = {};
      await r.adapter.send(r.press('refresh', { callId })).assertReply((reply) => void (card = answerOf(reply).value as Card)).startTest();
      const mute = buttonData(card, 'muteParticipant');
      assert.deepEqual(mute, { callId, rev: buttonData(card, 'refresh').rev, participantId: 'p-adele' }, 'the first Mute is beside Adele');

      await r.adapter
        .send(r.press('muteParticipant', mute))
        .assertReply('Muting Adele Vance in #1…')
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .send(r.press('muteParticipant', mute))
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .send(r.press('removeParticipant', { ...mute, participantId: 'p-alex' }))
        .assertReply('Removing Alex Wilber from #1…')
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .startTest();
      assert.deepEqual(r.api.all('muteParticipant').map((q) => q.participantId), ['p-adele'], 'one mute for two presses');
      assert.deepEqual(r.api.all('removeParticipant').map((q) => q.participantId), ['p-alex'], 'another person\'s button on the same card acts too');
    });

    it('answers a press beside someone who has left with the sentence, as a message response', async () => {
      const callId = await groupCallUp();
      await r.adapter
        .send(r.press('removeParticipant', { callId, rev: 'old', participantId: 'p-gone' }))
        .assertReply((reply) => assert.deepEqual(answerOf(reply), { statusCode: 200, type: MESSAGE_RESPONSE, value: 'That person is not in #1 right now.' }))
        .startTest();
      assert.deepEqual(r.api.all('removeParticipant'), []);
    });
  });

  describe('help card buttons', () => {
    for (const [what, data] of [
      ['a preset', { preset: 'calls' }],
      ['a typed command', { command: 'calls' }],
    ] as const) {
      it(`runs ${what} and answers with the help card`, async () => {
        await r.adapter
          .send(r.press('runCommand', data))
          .assertReply(NO_CALLS)
          .assertReply((reply) => {
            const answer = answerOf(reply);
            assert.equal(answer.type, ADAPTIVE_CARD);
            isHelpCard(answer.value as Card);
          })
          .startTest();
      });
    }
  });

  describe('page', () => {
    /** Pages from the chat and returns the posted page card, once the first step's job has run. */
    async function startPage(text: string): Promise<Card> {
      let reply: Reply = {};
      await r.adapter.send(r.message(text)).assertReply((activity) => void (reply = activity)).startTest();
      await r.runner.idle();
      return cardOf(reply);
    }

    it('"page a then b" posts the page\'s one card and rings the first person only', async () => {
      const card = await startPage('page adelev@contoso.com then alexw@contoso.com after 45s');
      assert.equal((card.body as { columns?: { items: { text: string }[] }[] }[])[0]!.columns![0]!.items[0]!.text, 'Paging adelev@contoso.com, then alexw@contoso.com');
      assert.deepEqual(r.api.all('createCall').map((q) => q.body.targets?.[0]?.identity.user?.id), ['adelev@contoso.com']);
      const { pageId } = buttonData(card, 'stopPage') as { pageId: string };
      assert.equal((await r.pages.get(pageId))?.waitMs, 45_000);
      assert.ok((await r.records.pageCards.get(pageId))?.activityId, 'the card is tracked for updates in place');
    });

    it('a page of more than five steps is refused in one line and rings nobody', async () => {
      await r.adapter
        .send(r.message('page a@contoso.com then b@contoso.com then c@contoso.com then d@contoso.com then e@contoso.com then f@contoso.com'))
        .assertReply('A page rings at most 5 people or numbers in turn; you named 6.')
        .startTest();
      assert.deepEqual(r.api.requests, []);
    });

    it('"Stop paging" stops the page, hangs up the ringing call and answers with the card', async () => {
      const card = await startPage('page adelev@contoso.com then alexw@contoso.com');
      await r.adapter
        .send(r.press('stopPage', buttonData(card, 'stopPage')))
        .assertReply((reply) => {
          const answer = answerOf(reply);
          assert.equal(answer.type, ADAPTIVE_CARD);
          assert.match(JSON.stringify(answer.value), /"Stopped"/);
          assert.doesNotMatch(JSON.stringify(answer.value), /"verb":"stopPage"/, 'no Stop on a stopped page');
        })
        .startTest();
      assert.equal(r.api.all('hangUp').length, 1);
    });

    it('"Skip to next" rings the next person, once however often the same card is pressed', async () => {
      const card = await startPage('page adelev@contoso.com then alexw@contoso.com then pattif@contoso.com');
      const data = buttonData(card, 'skipPageStep');
      for (let i = 0; i < 2; i++) {
        await r.adapter.send(r.press('skipPageStep', data)).assertReply((reply) => void answerOf(reply)).startTest();
        await r.runner.idle();
      }
      assert.deepEqual(r.api.all('createCall').map((q) => q.body.targets?.[0]?.identity.user?.id), ['adelev@contoso.com', 'alexw@contoso.com']);
    });

    it('a page button naming a page of another chat is answered with one sentence and changes nothing', async () => {
      await r.adapter
        .send(r.press('stopPage', { pageId: 'not-this-chats-page' }))
        .assertReply((reply) => assert.match(String(answerOf(reply).value), /This chat has no such page/))
        .startTest();
      assert.deepEqual(r.api.requests, []);
    });
  });
});
