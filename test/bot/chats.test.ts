// Chats (chatKeyOf, peopleTeamsScopeOf, refreshAudience, remember/forget/post, pending/handled) at its own seam: real TurnContexts of
// Teams activities, in-memory record stores, and a CloudAdapter whose proactive turns run here (ProactiveAdapter).
import assert from 'node:assert/strict';
import { ActivityEventNames, ActivityTypes, TurnContext } from 'botbuilder';
import type { Activity } from 'botbuilder';
import sinon from 'sinon';
import type { ConversationRecord, HandledRequest } from '../../src/bot/chatRecords.js';
import { Chats, chatKeyOf, peopleTeamsScopeOf, refreshAudience, reportLanguage, turnLanguage } from '../../src/bot/chats.js';
import type { RequestLanguage } from '../../src/i18n/translator.js';
import { LogCapture } from '../support/logCapture.js';
import { MemoryRecordStore } from '../support/memoryRecordStore.js';
import { ProactiveAdapter } from '../support/proactiveAdapter.js';

const AT = '2026-12-06T12:00:00.000Z';
const CLAIM_MS = 15_000;
const GROUP_CHAT = '19:rally-test@thread.v2';
const CHANNEL_THREAD = '19:general@thread.tacv2;messageid=1765022400000';
const CHANNEL = '19:general@thread.tacv2';
const APP_ID = '00000000-0000-0000-0000-00000000a11e';

function message(from: string, conversationId = GROUP_CHAT, extra: Partial<Activity> = {}): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    id: `m-${from}`,
    text: 'calls',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    conversation: { id: conversationId, isGroup: true, conversationType: 'groupChat', name: '', tenantId: 'contoso' },
    from: { id: from, name: from, aadObjectId: `${from}-oid` },
    recipient: { id: '28:rally', name: 'Rally' },
    ...extra,
  };
}

function build() {
  const adapter = new ProactiveAdapter();
  const capture = new LogCapture();
  const records = {
    conversations: new MemoryRecordStore<ConversationRecord>(),
    handledRequests: new MemoryRecordStore<HandledRequest>(),
  };
  const chats = new Chats({ adapter, botAppId: APP_ID, records, pressClaimMs: CLAIM_MS, log: capture.log });
  const turn = (activity: Partial<Activity>) => new TurnContext(adapter, activity);
  /** Remembers one message turn and returns its context. */
  const hear = async (activity: Partial<Activity>) => {
    const context = turn(activity);
    await chats.remember(context);
    return context;
  };
  const warnings = () => capture.records().filter((r) => r.level === 40);
  return { adapter, records, chats, turn, hear, warnings };
}

/** A reference as the store gives it back: JSON drops what is undefined. */
function asStored(activity: Partial<Activity>): unknown {
  return JSON.parse(JSON.stringify(TurnContext.getConversationReference(activity)));
}

describe('Chats', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse(AT), toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  describe('chatKeyOf', () => {
    it('is the conversation id of a chat', () => {
      const { turn } = build();
      assert.equal(chatKeyOf(turn(message('29:megan'))), GROUP_CHAT);
      assert.equal(chatKeyOf(turn(message('29:megan', 'a:1personalChatWithMegan'))), 'a:1personalChatWithMegan');
    });

    it("drops a channel thread's ;messageid= so that every message of the thread is one chat", () => {
      const { turn } = build();
      assert.equal(chatKeyOf(turn(message('29:megan', CHANNEL_THREAD))), CHANNEL);
    });
  });

  describe('peopleTeamsScopeOf', () => {
    const team = { id: '19:team-general@thread.tacv2' };

    it("is a channel's Teams team, the same from each of its channels", () => {
      const { turn } = build();
      const inChannel = (id: string) => turn(message('29:megan', `${id};messageid=1`, { channelData: { team, channel: { id } } }));
      assert.equal(peopleTeamsScopeOf(inChannel(CHANNEL)), `team/${team.id}`);
      assert.equal(peopleTeamsScopeOf(inChannel('19:incidents@thread.tacv2')), `team/${team.id}`);
    });

    it("is the chat itself for a personal chat, a group chat and a meeting's chat", () => {
      const { turn } = build();
      assert.equal(peopleTeamsScopeOf(turn(message('29:megan'))), `chat/${GROUP_CHAT}`);
      assert.equal(peopleTeamsScopeOf(turn(message('29:megan', 'a:1personal', { channelData: null }))), 'chat/a:1personal');
      const meetingChat = '19:meeting_abc@thread.v2';
      assert.equal(peopleTeamsScopeOf(turn(message('29:megan', meetingChat, { channelData: { team, meeting: { id: 'm-1' } } }))), `chat/${meetingChat}`);
    });
  });

  describe('refreshAudience', () => {
    it('is the person in the turn when the chat was not remembered in it', () => {
      const { turn } = build();
      assert.deepEqual(refreshAudience(turn(message('29:megan'))), ['29:megan']);
    });

    it('is nobody for a turn that has no sender', () => {
      const { turn } = build();
      assert.deepEqual(refreshAudience(turn({ ...message('29:megan'), from: undefined })), []);
    });
  });

  describe('remember', () => {
    it("keeps the turn's conversation reference under the chat key, with when it was seen and who spoke", async () => {
      const { records, hear } = build();
      const activity = message('29:megan');
      await hear(activity);
      assert.deepEqual(await records.conversations.get(GROUP_CHAT), { ...(asStored(activity) as object), lastSeenAt: AT, people: ['29:megan'] });
    });

    it("keeps a channel thread's reference whole (to post into the thread) under the channel's key", async () => {
      const { records, hear } = build();
      await hear(message('29:megan', CHANNEL_THREAD));
      assert.equal(await records.conversations.get(CHANNEL_THREAD), undefined);
      assert.equal((await records.conversations.get(CHANNEL))?.conversation?.id, CHANNEL_THREAD);
    });

    it('keeps the newest reference when the chat speaks again', async () => {
      const { records, hear } = build();
      await hear(message('29:megan'));
      clock.tick(60_000);
      await hear(message('29:adele', GROUP_CHAT, { serviceUrl: 'https://smba.trafficmanager.net/amer/' }));
      const stored = await records.conversations.get(GROUP_CHAT);
      assert.equal(stored?.serviceUrl, 'https://smba.trafficmanager.net/amer/');
      assert.equal(stored?.user?.id, '29:adele');
      assert.equal(stored?.lastSeenAt, new Date(Date.parse(AT) + 60_000).toISOString());
    });

    it('keeps the people heard from most recent first, each once', async () => {
      const { records, hear } = build();
      for (const who of ['29:megan', '29:adele', '29:lee', '29:megan']) await hear(message(who));
      assert.deepEqual((await records.conversations.get(GROUP_CHAT))?.people, ['29:megan', '29:lee', '29:adele']);
    });

    it('keeps at most 60 people, letting the longest silent go', async () => {
      const { records, hear } = build();
      const everyone = Array.from({ length: 65 }, (_, i) => `29:person-${i + 1}`);
      for (const who of everyone) await hear(message(who));
      const people = (await records.conversations.get(GROUP_CHAT))?.people ?? [];
      assert.equal(people.length, 60);
      assert.deepEqual(people, everyone.slice(5).reverse());

      await hear(message('29:person-30'));
      const after = (await records.conversations.get(GROUP_CHAT))?.people ?? [];
      assert.equal(after.length, 60);
      assert.equal(after[0], '29:person-30');
      assert.equal(after.filter((id) => id === '29:person-30').length, 1);
      assert.equal(after.at(-1), '29:person-6', 'nobody else was let go for a person already kept');
    });

    it('drops stored entries that are not ids, and keeps the people when the turn has no sender', async () => {
      const { records, hear } = build();
      records.conversations.put(GROUP_CHAT, { ...(asStored(message('29:megan')) as ConversationRecord), people: ['29:megan', 42 as unknown as string, '29:lee'] });
      await hear({ ...message('29:megan'), from: undefined });
      assert.deepEqual((await records.conversations.get(GROUP_CHAT))?.people, ['29:megan', '29:lee']);
    });

    it("makes the chat's people the refresh audience of the turn", async () => {
      const { hear } = build();
      await hear(message('29:megan'));
      const context = await hear(message('29:adele'));
      assert.deepEqual(refreshAudience(context), ['29:adele', '29:megan']);
    });

    it("keeps each person's last locale by Entra object id, for the page prompt, and writes again only when theirs changes", async () => {
      const { records, chats, hear } = build();
      await hear(message('29:megan', GROUP_CHAT, { locale: 'fr-FR' }));
      await hear(message('29:adele', GROUP_CHAT, { locale: 'de-DE' }));
      assert.deepEqual((await records.conversations.get(GROUP_CHAT))?.locales, { '29:adele-oid': 'de-DE', '29:megan-oid': 'fr-FR' });
      const context = await hear(message('29:adele', GROUP_CHAT, { locale: 'de-DE' }));
      assert.equal(await chats.localeSeenFrom(context, '29:megan-oid'), 'fr-FR');
      assert.equal(await chats.localeSeenFrom(context, '29:MEGAN-OID'), 'fr-FR', 'an object id in either case');
      assert.equal(await chats.localeSeenFrom(context, '29:lee-oid'), undefined, 'someone never heard from here');

      const writes = records.conversations.writes;
      await hear(message('29:megan', GROUP_CHAT, { locale: 'fr-FR' }));
      assert.equal(records.conversations.writes, writes + 1, "the chat's language changed back to French");
      await hear(message('29:adele', GROUP_CHAT, { locale: 'de-DE' }));
      await hear(message('29:adele', GROUP_CHAT, { locale: 'de-DE' }));
      assert.equal(records.conversations.writes, writes + 2, 'a message that changes nothing writes nothing');
      await hear(message('29:adele', GROUP_CHAT, { locale: 'ja-JP' }));
      assert.equal(await chats.localeSeenFrom(context, '29:adele-oid'), 'ja-JP');
    });

    it("writes once for a known speaker whose own locale it does not have yet, though the chat's language is the same", async () => {
      const { records, chats, hear } = build();
      const stored = { ...(asStored(message('29:megan')) as ConversationRecord), lastSeenAt: AT, people: ['29:megan'], locale: 'fr-FR' };
      records.conversations.put(GROUP_CHAT, stored);
      const context = await hear(message('29:megan', GROUP_CHAT, { locale: 'fr-FR' }));
      assert.equal(await chats.localeSeenFrom(context, '29:megan-oid'), 'fr-FR');
      assert.equal(records.conversations.writes, 2, 'the put, and the one write that added her locale');
      await hear(message('29:megan', GROUP_CHAT, { locale: 'fr-FR' }));
      assert.equal(records.conversations.writes, 2);
    });

    it('keeps the locale a person was last seen with when a message of theirs names none, and keeps none without an Entra id', async () => {
      const { records, chats, hear } = build();
      await hear(message('29:megan', GROUP_CHAT, { locale: 'es-MX' }));
      const context = await hear(message('29:megan'));
      assert.equal(await chats.localeSeenFrom(context, '29:megan-oid'), 'es-MX');
      await hear({ ...message('29:guest', GROUP_CHAT, { locale: 'pt-BR' }), from: { id: '29:guest', name: 'Guest' } });
      assert.deepEqual((await records.conversations.get(GROUP_CHAT))?.locales, { '29:megan-oid': 'es-MX' });
    });

    it('reads stored locales that are not a map of strings as none, never throwing', async () => {
      const { records, chats, hear } = build();
      for (const junk of [null, 'fr-FR', ['fr-FR'], { '29:megan-oid': 42, __proto__: 'x' }]) {
        records.conversations.put(GROUP_CHAT, { ...(asStored(message('29:megan')) as ConversationRecord), locales: junk as unknown as Record<string, string> });
        const context = await hear(message('29:lee', GROUP_CHAT, { locale: 'fr-FR' }));
        assert.equal(await chats.localeSeenFrom(context, '29:megan-oid'), undefined, JSON.stringify(junk));
        assert.equal(await chats.localeSeenFrom(context, '__proto__'), undefined);
        assert.equal(await chats.localeSeenFrom(context, '29:lee-oid'), 'fr-FR');
      }
    });

    it('keeps each chat apart', async () => {
      const { records, hear } = build();
      await hear(message('29:megan'));
      await hear(message('29:lee', CHANNEL_THREAD));
      assert.deepEqual((await records.conversations.get(GROUP_CHAT))?.people, ['29:megan']);
      assert.deepEqual((await records.conversations.get(CHANNEL))?.people, ['29:lee']);
    });
  });

  describe('forget', () => {
    it("removes the chat's reference, so nothing is posted there any more", async () => {
      const { adapter, records, chats, hear, warnings } = build();
      const context = await hear(message('29:megan', CHANNEL_THREAD));
      await hear(message('29:megan'));
      await chats.forget(context);
      assert.equal(await records.conversations.get(CHANNEL), undefined);
      assert.ok(await records.conversations.get(GROUP_CHAT), 'another chat is kept');

      let ran = false;
      await chats.post(CHANNEL, async () => void (ran = true));
      assert.equal(ran, false);
      assert.deepEqual(adapter.continued, []);
      assert.equal(warnings().length, 1);
    });
  });

  describe('post', () => {
    it('runs the logic in a proactive turn of the chat, continued with the stored reference and the bot app id', async () => {
      const { adapter, chats, hear } = build();
      const activity = message('29:megan', CHANNEL_THREAD);
      await hear(activity);
      const seen: Partial<Activity>[] = [];
      await chats.post(CHANNEL, async (context) => void seen.push(context.activity));

      assert.equal(adapter.continued.length, 1);
      assert.equal(adapter.continued[0]!.botAppId, APP_ID);
      assert.deepEqual(adapter.continued[0]!.reference, asStored(activity));
      assert.ok(!('lastSeenAt' in adapter.continued[0]!.reference) && !('people' in adapter.continued[0]!.reference), 'only the reference goes to the adapter');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.type, ActivityTypes.Event);
      assert.equal(seen[0]!.name, ActivityEventNames.ContinueConversation);
      assert.equal(seen[0]!.conversation?.id, CHANNEL_THREAD, 'into the thread it was heard in');
    });

    it("gives refreshAudience the chat's people in the proactive turn, not the turn's addressee alone", async () => {
      const { chats, hear } = build();
      for (const who of ['29:megan', '29:adele', '29:lee']) await hear(message(who));
      let audience: string[] = [];
      await chats.post(GROUP_CHAT, async (context) => void (audience = refreshAudience(context)));
      assert.deepEqual(audience, ['29:lee', '29:adele', '29:megan']);
    });

    it('gives refreshAudience nobody for a chat stored before people were kept', async () => {
      const { records, chats } = build();
      records.conversations.put(GROUP_CHAT, { ...(asStored(message('29:megan')) as ConversationRecord), lastSeenAt: AT });
      let audience: string[] | undefined;
      await chats.post(GROUP_CHAT, async (context) => void (audience = refreshAudience(context)));
      assert.deepEqual(audience, []);
    });

    it("gives the proactive turn the chat's last language, and a report about a request the request's own", async () => {
      const { chats, hear } = build();
      await hear(message('29:megan', GROUP_CHAT, { locale: 'FR-ca', entities: [{ type: 'clientInfo', timezone: 'America/Toronto' }] }));
      await hear(message('29:adele'));
      const seen: RequestLanguage[] = [];
      await chats.post(GROUP_CHAT, async (context) => {
        seen.push(turnLanguage(context), reportLanguage(context, {}), reportLanguage(context, { locale: 'ja-JP' }));
      });
      assert.deepEqual(seen, [{ locale: 'fr-CA', timeZone: 'America/Toronto' }, { locale: 'fr-CA', timeZone: 'America/Toronto' }, { locale: 'ja-JP' }]);
    });

    it('gives a chat stored before languages were kept no language: its reports are in English', async () => {
      const { records, chats } = build();
      records.conversations.put(GROUP_CHAT, { ...(asStored(message('29:megan')) as ConversationRecord), lastSeenAt: AT });
      let language: RequestLanguage | undefined;
      await chats.post(GROUP_CHAT, async (context) => void (language = reportLanguage(context, {})));
      assert.deepEqual(language, {});
    });

    it('logs and skips a chat it never saw', async () => {
      const { adapter, chats, warnings } = build();
      let ran = false;
      await chats.post(GROUP_CHAT, async () => void (ran = true));
      assert.equal(ran, false);
      assert.deepEqual(adapter.continued, []);
      assert.deepEqual(
        warnings().map((w) => [w.chatKey, w.msg]),
        [[GROUP_CHAT, 'no conversation reference for the chat; report dropped']],
      );
    });

    it("rejects with the logic's failure", async () => {
      const { chats, hear } = build();
      await hear(message('29:megan'));
      const failure = new Error('connector said 502');
      await assert.rejects(chats.post(GROUP_CHAT, async () => Promise.reject(failure)), (error) => error === failure);
    });
  });

  describe('actOnce', () => {
    const KEY = 'action/chat/call-1/hangup/3/abc';

    it('runs a press once, however many copies of it arrive together or later', async () => {
      const { records, chats } = build();
      let runs = 0;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = chats.actOnce(KEY, async () => {
        runs++;
        await held;
      });
      // A double click: the second copy arrives while the first is at Graph.
      await chats.actOnce(KEY, async () => void runs++);
      release();
      await first;
      await chats.actOnce(KEY, async () => void runs++);
      assert.equal(runs, 1);
      assert.deepEqual(await records.handledRequests.get(KEY), { at: AT, done: true });
      await chats.actOnce('action/chat/call-1/hangup/4/abc', async () => void runs++);
      assert.equal(runs, 2, 'another press acts');
    });

    it('lets go of a press whose work failed, so that pressing again tries again', async () => {
      const { records, chats } = build();
      const refusal = new Error('Graph refused');
      await assert.rejects(chats.actOnce(KEY, async () => Promise.reject(refusal)), (error) => error === refusal);
      assert.equal(await records.handledRequests.get(KEY), undefined, 'no claim is left');
      let ran = false;
      await chats.actOnce(KEY, async () => void (ran = true));
      assert.ok(ran, 'the second press acts');
    });

    it("takes over a press whose run died once its claim has lapsed, not before", async () => {
      const { records, chats } = build();
      records.handledRequests.put(KEY, { at: AT, claim: { by: 'a run that was killed', until: new Date(Date.parse(AT) + CLAIM_MS).toISOString() } });
      let runs = 0;
      await chats.actOnce(KEY, async () => void runs++);
      assert.equal(runs, 0, 'the claim still holds');
      clock.tick(CLAIM_MS);
      await chats.actOnce(KEY, async () => void runs++);
      assert.equal(runs, 1, 'the lapsed claim is taken over');
    });

    it('reads an unreadable claim as lapsed, and a record that does not say done as not done', async () => {
      const { records, chats } = build();
      records.handledRequests.put(KEY, { at: AT, claim: { by: 'x', until: 'soon' } });
      records.handledRequests.put('other', { at: AT });
      let runs = 0;
      await chats.actOnce(KEY, async () => void runs++);
      await chats.actOnce('other', async () => void runs++);
      assert.equal(runs, 2);
    });
  });
});
