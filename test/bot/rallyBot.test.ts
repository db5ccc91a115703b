// The chat surface through botbuilder's TestAdapter, as botbuilder-js tests its own bots: messages and card button
// invokes in, replies and invoke responses out. Behind the bot is a real CallDesk over in-memory stores, so what the
// bot did is read from the Graph requests it caused and from the replies, never from stubs configured here.
import assert from 'node:assert/strict';
import { CloudAdapter, TeamsInfo, TestAdapter } from 'botbuilder';
import type { Activity, AdaptiveCardInvokeResponse, ChannelAccount, ConversationAccount, ConversationReference, MeetingInfo } from 'botbuilder';
import sinon from 'sinon';
import { callCards } from '../../src/bot/callCards.js';
import { pageCards } from '../../src/bot/pageCards.js';
import { Chats } from '../../src/bot/chats.js';
import type { ChatRecords } from '../../src/bot/chatRecords.js';
import { PeopleResolver } from '../../src/bot/peopleResolver.js';
import { PeopleTeams } from '../../src/bot/peopleTeams.js';
import type { PeopleTeamsRecord } from '../../src/bot/peopleTeams.js';
import { RallyBot } from '../../src/bot/rallyBot.js';
import { parseCommand } from '../../src/bot/commandParser.js';
import { SOMETHING_WENT_WRONG, sentenceOf } from '../../src/errors/rallyError.js';
import { CATALOGS } from '../../src/i18n/catalogs.js';
import { Translator } from '../../src/i18n/translator.js';
import { createLogger } from '../../src/log/logger.js';
import { callOf } from '../../src/calling/records/callDocument.js';
import { applyCallEvent } from '../../src/calling/records/callRecord.js';
import { AT, OPEN_POLICY, REQUESTER, TENANT_ID, buildCallDesk } from '../support/callDeskFixture.js';
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

/**
 * Rally's bot as src/app.ts wires it, talking in one group chat of `tenantId` (null: a chat outside any organization),
 * under the calling policy `policy`.
 */
function rally(tenantId: string | null = TENANT_ID, policy = OPEN_POLICY): Rally {
  const fixture = buildCallDesk({ policy });
  const records: ChatRecords = {
    conversations: new MemoryRecordStore<Partial<ConversationReference>>(),
    callCards: new MemoryRecordStore<{ activityId: string }>(),
    pageCards: new MemoryRecordStore<{ activityId: string }>(),
    handledRequests: new MemoryRecordStore<{ at: string }>(),
    peopleTeams: new MemoryRecordStore<PeopleTeamsRecord>(),
  };
  const log = createLogger('silent');
  const adapter = new TestAdapter(async (context) => bot.run(context));
  // Proactive posts are the reporter's business; a turn only remembers the chat and dedupes.
  const chats = new Chats({ adapter: sinon.createStubInstance(CloudAdapter), botAppId: '', records, pressClaimMs: 15_000, log });
  const bot = new RallyBot({
    desk: fixture.desk,
    pager: fixture.pager,
    pageCards: pageCards(records.pageCards),
    people: new PeopleResolver(fixture.api, chats),
    teams: new PeopleTeams({ store: records.peopleTeams, retentionMs: 7 * 86_400_000 }),
    chats,
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

  describe("in the person's language", () => {
    /** The card's hang-up button and kind, as each language titles them. */
    const SPOKEN: [locale: string, hangUp: string, kind: string][] = [
      ['en-US', 'Hang up', 'One-to-one call'],
      ['fr-FR', 'Raccrocher', 'Appel individuel'],
      ['de-DE', 'Auflegen', 'Einzelanruf'],
      ['es-ES', 'Colgar', 'Llamada individual'],
      ['pt-BR', 'Desligar', 'Chamada individual'],
      ['ja-JP', '切断', '1 対 1 の通話'],
      ['zh-CN', '挂断', '一对一通话'],
    ];
    const titles = (card: Card) => ((card.actions ?? []) as { title: string }[]).map((a) => a.title);

    async function cardFor(activity: Reply): Promise<Card> {
      let reply: Reply = {};
      await r.adapter.send(activity).assertReply((a) => void (reply = a)).startTest();
      return cardOf(reply);
    }

    for (const [locale, hangUp, kind] of SPOKEN) {
      it(`a ${locale} "call" gets its card in that language`, async () => {
        const card = await cardFor({ ...r.message('call adelev@contoso.com'), locale });
        assert.equal(titles(card).at(-2), hangUp);
        assert.ok(JSON.stringify(card.body).includes(`"#1 · ${kind}"`), JSON.stringify(card.body));
      });
    }

    it("reads the clientInfo entity's locale when the activity names none", async () => {
      const card = await cardFor({ ...r.message('call adelev@contoso.com'), entities: [{ type: 'clientInfo', locale: 'de-DE', timezone: 'Europe/Berlin' }] });
      assert.equal(titles(card).at(-2), 'Auflegen');
      const { callId } = buttonData(card, 'hangup') as { callId: string };
      const kept = await r.records.callCards.get(callId);
      assert.deepEqual([kept?.locale, kept?.timeZone], ['de-DE', 'Europe/Berlin'], 'the card record keeps the language it was posted in');
    });

    it('says who placed a call Teams named nobody for in the card\'s own words, and records no name for them', async () => {
      // botbuilder types a name as always there; Teams may leave it out.
      const nameless = { id: '29:megan', aadObjectId: REQUESTER.id } as ChannelAccount;
      const english = await cardFor({ ...r.message('call adelev@contoso.com'), from: nameless });
      const french = await cardFor({ ...r.message('call alexw@contoso.com'), from: nameless, locale: 'fr-FR' });
      assert.match(JSON.stringify(english.body), /"Placed by someone · /);
      assert.match(JSON.stringify(french.body), /"Appel lancé par quelqu’un · /);
      const { callId } = buttonData(english, 'hangup') as { callId: string };
      assert.deepEqual(callOf(await r.calls.get(callId))?.placedBy, { id: REQUESTER.id });
    });

    it('answers a button with the card in the language it was posted in, whoever presses it', async () => {
      const card = await cardFor({ ...r.message('call adelev@contoso.com'), locale: 'fr-FR' });
      await r.adapter
        .send({ ...r.press('refresh', buttonData(card, 'refresh')), locale: 'ja-JP' })
        .assertReply((reply) => assert.equal(titles(answerOf(reply).value as Card).at(-2), 'Raccrocher'))
        .startTest();
    });

    it('shows the help card in the language of the one who asked', async () => {
      const card = await cardFor({ ...r.message('help'), locale: 'es-MX' });
      assert.equal((card.body as { text?: string }[])[0]?.text, 'Rally reúne a la gente en una llamada');
    });

    const BAD: [string, Record<string, unknown>][] = [
      ['no locale', {}],
      ['an empty locale', { locale: '' }],
      ['a 300-character locale', { locale: 'a'.repeat(300) }],
      ['a path for a locale', { locale: '../../etc' }],
      ['a language Rally does not speak', { locale: 'it-IT' }],
      ['clientInfo with values of the wrong types', { entities: [{ type: 'clientInfo', locale: 1036, timezone: { zone: 'Europe/Paris' } }] }],
      ['clientInfo naming a path and an unknown zone', { entities: [{ type: 'clientInfo', locale: '../../etc/passwd', timezone: 'Mars/Olympus_Mons' }] }],
    ];
    for (const [what, fields] of BAD) {
      it(`falls back to English for ${what}, and places the call`, async () => {
        const card = await cardFor({ ...r.message('call adelev@contoso.com'), locale: undefined, ...fields });
        assert.equal(titles(card).at(-2), 'Hang up');
        assert.equal(r.api.all('createCall').length, 1);
      });
    }

    it('reads EN-us as English', async () => {
      assert.equal(titles(await cardFor({ ...r.message('call adelev@contoso.com'), locale: 'EN-us' })).at(-2), 'Hang up');
    });
  });

  describe("chat lines in the person's language", () => {
    /** What `calls` says with none and with one call ringing, and what `hangup` answers, in each language. */
    const LINES: [locale: string, noCalls: string, oneCall: string, hangingUp: string][] = [
      ['en-US', 'No calls are going on from this chat.', '#1: call, connecting…, adelev@contoso.com (ringing…)', 'Hanging up #1…'],
      ['fr-FR', 'Aucun appel n’est en cours depuis ce chat.', '#1 : appel, connexion…, adelev@contoso.com (sonnerie…)', 'Raccrochage de #1…'],
      ['de-DE', 'Aus diesem Chat laufen keine Anrufe.', '#1: Anruf, Verbindung wird hergestellt…, adelev@contoso.com (klingelt…)', '#1 wird aufgelegt…'],
      ['es-ES', 'No hay llamadas en curso desde este chat.', '#1: llamada, conectando…, adelev@contoso.com (sonando…)', 'Colgando #1…'],
      ['pt-BR', 'Nenhuma chamada em andamento neste chat.', '#1: chamada, conectando…, adelev@contoso.com (tocando…)', 'Desligando #1…'],
      ['ja-JP', 'このチャットから行われている通話はありません。', '#1: 通話、接続中…、adelev@contoso.com (呼び出し中…)', '#1 を切断しています…'],
      ['zh-CN', '此聊天中没有正在进行的通话。', '#1：通话，正在连接…，adelev@contoso.com（正在响铃…）', '正在挂断 #1…'],
    ];

    async function answerTo(activity: Reply): Promise<Reply> {
      let reply: Reply = {};
      await r.adapter.send(activity).assertReply((a) => void (reply = a)).startTest();
      return reply;
    }

    for (const [locale, noCalls, oneCall, hangingUp] of LINES) {
      const language = new Translator({ locale }).language;
      const said = (text: string) => ({ ...r.message(text), locale });

      it(`a ${locale} chat hears "calls" and "hangup" in ${language}`, async () => {
        assert.equal((await answerTo(said('calls'))).text, noCalls);
        assert.equal(noCalls, CATALOGS[language]['chat.calls.none'], 'the catalog text');
        await answerTo(said('call adelev@contoso.com'));
        assert.equal((await answerTo(said('calls'))).text, oneCall);
        assert.equal((await answerTo(said('hangup'))).text, hangingUp);
      });

      it(`a ${locale} chat is refused in ${language}, an unknown command with the help card in ${language} after it`, async () => {
        const t = new Translator({ locale });
        const unknown = (() => {
          try {
            parseCommand('dance');
          } catch (error) {
            return error;
          }
          assert.fail('"dance" is no command');
        })();
        await r.adapter
          .send(said('dance'))
          .assertReply(t.say(sentenceOf(unknown, SOMETHING_WENT_WRONG)))
          .assertReply((reply) => assert.equal((cardOf(reply).body as { text?: string }[])[0]?.text, t.t('helpCard.title', { botName: 'Rally' })))
          .startTest();
        assert.equal((await answerTo(said('move +14255550100 from #1 to #2'))).text, CATALOGS[language]['chat.error.onlyUsersMove']);
        assert.equal((await answerTo(said('doctor'))).text, CATALOGS[language]['doctor.notAnAdmin']);
        assert.deepEqual(answerOf(await answerTo({ ...r.press('dance', {}), locale })), { statusCode: 200, type: MESSAGE_RESPONSE, value: CATALOGS[language]['chat.error.unknownButton'] });
        assert.deepEqual(r.api.requests, []);
      });
    }

    it('refuses a chat outside any organization in its language', async () => {
      r = rally(null);
      assert.equal((await answerTo({ ...r.message('calls'), locale: 'de-DE' })).text, 'Ich kann Anrufe nur aus einem Microsoft Teams-Chat in einer Organisation tätigen.');
    });

    it("says the chat's teams in its language, with its plurals and lists", async () => {
      assert.equal(
        (await answerTo({ ...r.message('teams'), locale: 'fr-FR' })).text,
        'Ce chat n’a pas encore d’équipe : créez-en une comme « équipe sre = alice@contoso.com @Bob +14255550100 ».',
        'the example in French words',
      );
      await answerTo({ ...r.message('team sre = adelev@contoso.com alexw@contoso.com'), locale: 'fr-FR' });
      assert.equal(
        (await answerTo({ ...r.message('team sre'), locale: 'de-DE' })).text,
        'Team sre: adelev@contoso.com und alexw@contoso.com (2 Personen).',
      );
      assert.equal((await answerTo({ ...r.message('teams'), locale: 'fr-FR' })).text, 'Équipes de ce chat : sre (2 personnes).');
    });

    for (const [what, locale] of [['a path', '../../etc'], ['an empty tag', ''], ['300 characters', 'x'.repeat(300)]] as const) {
      it(`answers in English for a locale of ${what}`, async () => {
        assert.equal((await answerTo({ ...r.message('calls'), locale })).text, NO_CALLS);
        assert.equal((await answerTo({ ...r.message('move +14255550100 from #1 to #2'), locale })).text, 'Only Teams users can be moved between meetings.');
      });
    }
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

  describe('in a meeting\'s own chat', () => {
    const MEETING_THREAD = '19:meeting_MjM0NTY3ODktYWJjZC00ZWYw@thread.v2';
    const MEETING_ID = 'MCMxOTptZWV0aW5nX01qTTBOVFkzT0RrdFlXSmpaQzAwWldZd0B0aHJlYWQudjIjMA==';
    const ORGANIZER = '550fae72-d251-43ec-868c-373732c2704f';
    const ORGANIZER_TENANT = 'b1c2d3e4-0000-4000-8000-00000000abcd';
    const NO_ORGANIZER = 'Teams did not tell me who organizes this meeting; paste its join link instead.';

    /** The activity as Teams sends it from the meeting's chat: its thread is the conversation, its id in channelData. */
    const inMeetingChat = (activity: Reply, meeting: unknown = { id: MEETING_ID }): Reply => ({
      ...activity,
      conversation: { ...activity.conversation!, id: MEETING_THREAD },
      channelData: { tenant: { id: TENANT_ID }, meeting },
    });
    /** The meeting details the Bot Connector answers for MEETING_ID. */
    const details = (organizer: Partial<MeetingInfo['organizer']> | undefined): MeetingInfo =>
      ({
        details: { id: MEETING_ID, title: 'Incident review', type: 'Scheduled' },
        conversation: { id: MEETING_THREAD, isGroup: true, conversationType: 'groupChat' },
        organizer,
      }) as MeetingInfo;

    let meetingInfo: sinon.SinonStub;
    beforeEach(() => {
      meetingInfo = sinon.stub(TeamsInfo, 'getMeetingInfo').resolves(details({ id: '29:organizer', aadObjectId: ORGANIZER, tenantId: ORGANIZER_TENANT }));
    });
    afterEach(() => {
      sinon.restore();
    });

    const joinButton = (card: Card) => (card.actions as { title: string; data?: unknown }[]).find((a) => a.title === 'Join this meeting');

    it('"join" joins the meeting: its chat\'s thread with message id 0, and the organizer Teams names', async () => {
      let reply: Reply = {};
      await r.adapter.send(inMeetingChat(r.message('join'))).assertReply((activity) => void (reply = activity)).startTest();

      assert.equal(meetingInfo.firstCall.args[1], MEETING_ID);
      const { body } = r.api.only('createCall');
      assert.deepEqual(body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: MEETING_THREAD, messageId: '0' });
      assert.equal(body.meetingInfo?.['@odata.type'], '#microsoft.graph.organizerMeetingInfo');
      assert.deepEqual(body.meetingInfo && 'organizer' in body.meetingInfo ? body.meetingInfo.organizer.user : undefined, {
        '@odata.type': '#microsoft.graph.identity',
        id: ORGANIZER,
        tenantId: ORGANIZER_TENANT,
      });
      assert.equal(body.tenantId, TENANT_ID);
      assert.ok(buttonData(cardOf(reply), 'hangup').callId, 'the call card is posted');
    });

    it("reads the meeting's thread from its join link when Teams gives one, and the chat's thread when the link cannot be read", async () => {
      const withLink = (joinUrl: string): MeetingInfo => {
        const info = details({ id: '29:organizer', aadObjectId: ORGANIZER, tenantId: ORGANIZER_TENANT });
        return { ...info, details: { ...info.details, joinUrl } } as MeetingInfo;
      };
      const channel = '19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2';
      const context = encodeURIComponent(JSON.stringify({ Tid: ORGANIZER_TENANT, Oid: ORGANIZER, MessageId: '1733500000000' }));
      meetingInfo.resolves(withLink(`https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(channel)}/1733500000000?context=${context}`));
      await r.adapter.send(inMeetingChat(r.message('join'))).assertReply(() => undefined).startTest();
      assert.deepEqual(r.api.only('createCall').body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: channel, messageId: '1733500000000', replyChainMessageId: '1733500000000' });

      const again = rally();
      meetingInfo.resolves(withLink('https://example.com/not-a-teams-link'));
      await again.adapter.send(inMeetingChat(again.message('join'))).assertReply(() => undefined).startTest();
      assert.deepEqual(again.api.only('createCall').body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: MEETING_THREAD, messageId: '0' });
    });

    it('names the chat\'s tenant for an organizer Teams gives no tenant', async () => {
      meetingInfo.resolves(details({ id: '29:organizer', aadObjectId: ORGANIZER }));
      await r.adapter.send(inMeetingChat(r.message('join'))).assertReply((reply) => void cardOf(reply)).startTest();
      const { body } = r.api.only('createCall');
      assert.equal(body.meetingInfo && 'organizer' in body.meetingInfo ? body.meetingInfo.organizer.user?.tenantId : undefined, TENANT_ID);
    });

    for (const [what, meeting] of [
      ['outside a meeting chat', undefined],
      ['with a meeting id that is not text', { id: 42 }],
      ['with a meeting id no Teams meeting has', { id: '../../v3/conversations' }],
      ['with an absurdly long meeting id', { id: 'A'.repeat(5000) }],
      ['with a meeting that is not an object', 'MCMx'],
    ] as const) {
      it(`refuses "join" ${what} in one sentence saying what to give, and asks nobody`, async () => {
        const message = r.message('join');
        await r.adapter
          .send(meeting === undefined ? message : inMeetingChat(message, meeting))
          .assertReply((reply) => assert.match(String(reply.text), /^This is not a meeting's chat, so tell me which meeting: paste its join link, or its meeting id and passcode .*, or say "join" in the meeting's own chat\.$/))
          .startTest();
        assert.equal(meetingInfo.callCount, 0);
        assert.deepEqual(r.api.requests, []);
      });
    }

    for (const [what, answer] of [
      ['the Bot Connector refuses the meeting details', () => meetingInfo.rejects(Object.assign(new Error('Bot not allowed to get meeting details'), { statusCode: 403 }))],
      ['the details name no organizer', () => meetingInfo.resolves(details(undefined))],
      ['the organizer has no Entra object id', () => meetingInfo.resolves(details({ id: '29:organizer' }))],
    ] as const) {
      it(`says so in one sentence when ${what}, and asks Graph nothing`, async () => {
        answer();
        await r.adapter.send(inMeetingChat(r.message('join'))).assertReply(NO_ORGANIZER).startTest();
        assert.deepEqual(r.api.requests, []);
      });
    }

    it('offers "Join this meeting" on the help card there, and nowhere else', async () => {
      await r.adapter
        .send(inMeetingChat(r.message('help')))
        .assertReply((reply) => assert.equal((joinButton(cardOf(reply))?.data as { preset?: string }).preset, 'join'))
        .send(r.message('help'))
        .assertReply((reply) => assert.equal(joinButton(cardOf(reply)), undefined))
        .startTest();
    });

    it('shows that help card when Rally is added to the meeting\'s chat', async () => {
      const added = { ...r.message(''), type: 'installationUpdate', action: 'add' };
      await r.adapter
        .send(inMeetingChat(added))
        .assertReply((reply) => {
          isHelpCard(cardOf(reply));
          assert.ok(joinButton(cardOf(reply)), 'the card offers to join');
        })
        .startTest();
    });

    it('"Join this meeting" joins it and answers with the help card', async () => {
      let card: Card = {};
      await r.adapter.send(inMeetingChat(r.message('help'))).assertReply((reply) => void (card = cardOf(reply))).startTest();
      await r.adapter
        .send(inMeetingChat(r.press('runCommand', joinButton(card)?.data)))
        .assertReply((reply) => assert.ok(buttonData(cardOf(reply), 'hangup').callId, 'the call card is posted'))
        .assertReply((reply) => {
          const answer = answerOf(reply);
          assert.equal(answer.type, ADAPTIVE_CARD);
          assert.ok(joinButton(answer.value as Card), 'the help card still offers to join');
        })
        .startTest();
      assert.equal(r.api.only('createCall').body.chatInfo?.threadId, MEETING_THREAD);
    });
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

    it('records the locale last seen from a paged person in this chat as the language of their step, the requester\'s for the others', async () => {
      // The recording Graph fake answers a look-up with the name as the object id.
      const adele = { id: '29:adele', name: 'Adele Vance', aadObjectId: 'adelev@contoso.com' };
      await r.adapter.send({ ...r.message('help'), from: adele, locale: 'fr-FR' }).assertReply((reply) => void cardOf(reply)).startTest();
      const card = await startPage('page adelev@contoso.com then alexw@contoso.com');
      const { pageId } = buttonData(card, 'stopPage') as { pageId: string };
      assert.deepEqual((await r.pages.get(pageId))?.steps.map((s) => s.language), ['fr', 'en']);
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

  describe('teams of people', () => {
    const SCOPE = 'chat/19:rally-test@thread.v2';
    const upn = (value: string) => ({ kind: 'userPrincipalName' as const, value });
    const NOT_ALLOWED = 'You are not allowed to place or change calls with Rally; ask your Teams administrator if you need it.';

    async function say(text: string, answer: string): Promise<void> {
      await r.adapter.send(r.message(text)).assertReply(answer).startTest();
    }

    async function defineSre(): Promise<void> {
      await say('team sre = adelev@contoso.com alexw@contoso.com', 'Team sre: adelev@contoso.com, alexw@contoso.com (2 people). Use it as "call sre" or "page sre".');
      r.api.requests.length = 0;
    }

    it('"team sre = …" looks the people up, keeps them as typed and answers with what it saved', async () => {
      await say(
        'team sre = adelev@contoso.com alexw@contoso.com +1 425 555 0100',
        'Team sre: adelev@contoso.com, alexw@contoso.com, +1 425 555 0100 (3 people). Use it as "call sre" or "page sre".',
      );
      assert.deepEqual((await r.records.peopleTeams.get(SCOPE))?.teams, [
        { name: 'sre', people: [upn('adelev@contoso.com'), upn('alexw@contoso.com'), { kind: 'phone', raw: '+1 425 555 0100' }] },
      ]);
      assert.deepEqual(r.api.requests.map((q) => q.method), ['getUser', 'getUser'], 'looked up, nothing placed');
    });

    it('"team sre" shows it, "teams" lists name and count, "team sre delete" confirms and it is gone', async () => {
      await say('teams', 'This chat has no teams yet: name one like "team sre = alice@contoso.com @Bob +14255550100".');
      await defineSre();
      await say('team dba = +14255550101', 'Team dba: +1 425 555 0101 (1 person). Use it as "call dba" or "page dba".');
      await say('team SRE', 'Team sre: adelev@contoso.com, alexw@contoso.com (2 people).');
      await say('teams', 'This chat\'s teams: sre (2 people), dba (1 person).');
      await say('team sre delete', 'Team sre is deleted.');
      await say('teams', 'This chat\'s teams: dba (1 person).');
      await say('team sre', 'No team in this chat is called "sre"; say "teams" to see this chat\'s teams.');
    });

    it('"call sre" places a group call with the team\'s people, in order', async () => {
      await defineSre();
      await placeCall('call sre');
      assert.deepEqual(r.api.all('createCall').map((q) => q.body.targets?.map((t) => t.identity.user?.id)), [['adelev@contoso.com', 'alexw@contoso.com']]);
    });

    it('"page sre" pages the team\'s people in turn, ringing the first one only', async () => {
      await defineSre();
      let reply: Reply = {};
      await r.adapter.send(r.message('page sre')).assertReply((activity) => void (reply = activity)).startTest();
      await r.runner.idle();
      const card = cardOf(reply);
      assert.equal((card.body as { columns?: { items: { text: string }[] }[] }[])[0]!.columns![0]!.items[0]!.text, 'Paging adelev@contoso.com, then alexw@contoso.com');
      assert.deepEqual(r.api.all('createCall').map((q) => q.body.targets?.[0]?.identity.user?.id), ['adelev@contoso.com']);
    });

    it('the Invite button\'s people field takes a team too', async () => {
      await defineSre();
      const { card } = await placeCall('call pattif@contoso.com meganb@contoso.com');
      await r.adapter
        .send(r.press('invite', { ...buttonData(card, 'invite'), people: 'sre' }))
        .assertReply((reply) => assert.equal(answerOf(reply).type, ADAPTIVE_CARD))
        .startTest();
      assert.deepEqual(r.api.all('inviteParticipants')[0]?.body.participants.map((p) => p.identity.user?.id), ['adelev@contoso.com', 'alexw@contoso.com']);
    });

    it('refuses a team nobody defined, and one that makes a page too long, asking Graph nothing', async () => {
      await say(
        'call nosuchteam',
        'No team in this chat is called "nosuchteam": name people with an @mention, their email or UPN, their Entra object id or a phone number like +14255550100, or define the team first with "team nosuchteam = …".',
      );
      await defineSre();
      await say('page sre then a@contoso.com then b@contoso.com then c@contoso.com then d@contoso.com', 'A page rings at most 5 people or numbers in turn; you named 6.');
      assert.deepEqual(r.api.requests, []);
    });

    it('lets only someone who may place calls define or delete a team; anyone may show and list them', async () => {
      r = rally(TENANT_ID, { ...OPEN_POLICY, allowedCallers: ['11111111-1111-4111-8111-111111111111'] });
      await say('team sre = adelev@contoso.com', NOT_ALLOWED);
      assert.equal(await r.records.peopleTeams.get(SCOPE), undefined);
      await r.records.peopleTeams.update(SCOPE, () => ({ teams: [{ name: 'sre', people: [upn('adelev@contoso.com')] }], touchedAt: new Date().toISOString() }));
      await say('team sre delete', NOT_ALLOWED);
      await say('teams', 'This chat\'s teams: sre (1 person).');
      await say('team sre', 'Team sre: adelev@contoso.com (1 person).');
      assert.deepEqual(r.api.requests.map((q) => q.method), ['getUser'], 'only the look-up that shows the team');
    });
  });
});
