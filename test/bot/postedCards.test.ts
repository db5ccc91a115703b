// PostedCards at its own seam: turns of botbuilder's TestAdapter, whose sent and updated activities are what Teams
// would show, over an in-memory record store; a report's post runs in a real Chats' proactive turn (ProactiveAdapter).
import assert from 'node:assert/strict';
import { ActivityTypes, TestAdapter, TurnContext } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { Chats } from '../../src/bot/chats.js';
import type { ConversationRecord } from '../../src/bot/chatRecords.js';
import { PostedCards } from '../../src/bot/postedCards.js';
import type { CardRecord } from '../../src/bot/postedCards.js';
import { NotYetError } from '../../src/calling/jobs/jobs.js';
import { LogCapture } from '../support/logCapture.js';
import { MemoryRecordStore } from '../support/memoryRecordStore.js';
import { ProactiveAdapter } from '../support/proactiveAdapter.js';

interface Item {
  id: string;
  says: string;
}

const START = Date.parse('2026-12-06T12:00:00.000Z');

function build() {
  let now = START;
  const store = new MemoryRecordStore<CardRecord>();
  const cards = new PostedCards<Item>({
    store,
    keyOf: (item) => item.id,
    // The card names the language it was drawn in, as an Adaptive Card's `lang` does.
    render: (item, t) => ({ type: 'AdaptiveCard', lang: t.language, body: [{ type: 'TextBlock', text: item.says }], refresh: { action: { type: 'Action.Execute', verb: 'refresh' }, userIds: [] } }),
    now: () => now,
  });
  const adapter = new TestAdapter();
  const sent: Partial<Activity>[] = [];
  const updated: Partial<Activity>[] = [];
  let nextId = 1;
  // The adapter's own sendActivities answers no ids; Teams does, and PostedCards records them.
  adapter.sendActivities = async (_context, activities) => {
    sent.push(...activities);
    return activities.map(() => ({ id: `activity-${nextId++}` }));
  };
  adapter.updateActivity = async (_context, activity) => void updated.push(activity);
  const turn = (from = '29:pat', locale?: string) =>
    new TurnContext(adapter, {
      type: ActivityTypes.Message,
      channelId: 'msteams',
      conversation: { id: 'chat-1', isGroup: true, conversationType: 'groupChat', name: '' },
      from: { id: from, name: 'Pat' },
      recipient: { id: '28:rally', name: 'Rally' },
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      ...(locale === undefined ? {} : { locale }),
    });
  const shown = (activity: Partial<Activity>) => ((activity.attachments?.[0]?.content as { body: { text: string }[] }).body[0]!.text);
  const language = (activity: Partial<Activity>) => (activity.attachments?.[0]?.content as { lang: string }).lang;
  return { store, cards, sent, updated, turn, shown, language, advance: (ms: number) => (now += ms) };
}

describe('PostedCards', () => {
  it('posts an item once and records the id Teams gave it; a second post updates that card in place', async () => {
    const { store, cards, sent, updated, turn, shown } = build();
    assert.equal(await cards.post(turn(), { id: 'call-1', says: 'Ringing' }), 'posted');
    assert.equal((await store.get('call-1'))?.activityId, 'activity-1');
    assert.equal(await cards.post(turn(), { id: 'call-1', says: 'Connected' }), 'updated');
    assert.equal(sent.length, 1);
    assert.deepEqual(updated.map((u) => [u.id, shown(u)]), [['activity-1', 'Connected']]);
  });

  it('asks Teams to refresh the card for the person in the turn', async () => {
    const { cards, sent, turn } = build();
    await cards.post(turn('29:alex'), { id: 'call-1', says: 'Ringing' });
    assert.deepEqual((sent[0]!.attachments![0]!.content as { refresh: { userIds: string[] } }).refresh.userIds, ['29:alex']);
  });

  it('sends nothing while another run holds a fresh claim to post it, and a turn leaves the card to that run', async () => {
    const { store, cards, sent, updated, turn } = build();
    await store.update('call-1', () => ({ claim: { by: 'another run', at: new Date(START).toISOString() } }));
    assert.equal(await cards.post(turn(), { id: 'call-1', says: 'Ringing' }), 'beingPosted');
    await cards.update(turn(), { id: 'call-1', says: 'Ringing' });
    assert.deepEqual([sent.length, updated.length], [0, 0]);
  });

  it('makes a report wait (NotYetError, about a second) while another run is posting the card', async () => {
    const { store, cards, sent, turn } = build();
    await store.update('call-1', () => ({ claim: { by: 'another run', at: new Date(START).toISOString() } }));
    await assert.rejects(cards.show(turn(), { id: 'call-1', says: 'Connected' }), (error: unknown) => {
      assert.ok(error instanceof NotYetError);
      assert.equal(error.at.getTime(), START + 1000);
      return true;
    });
    assert.equal(sent.length, 0);
  });

  it("posts the card afresh for a report once a dead poster's claim has lapsed, and records it", async () => {
    const { store, cards, sent, turn, shown, advance } = build();
    await store.update('call-1', () => ({ claim: { by: 'a run that died', at: new Date(START).toISOString() } }));
    advance(10_001);
    await cards.show(turn(), { id: 'call-1', says: 'Ended' });
    assert.deepEqual(sent.map(shown), ['Ended']);
    assert.equal((await store.get('call-1'))?.activityId, 'activity-1');
  });

  it('posts the card for a report when the item has none at all', async () => {
    const { store, cards, sent, turn } = build();
    await cards.show(turn(), { id: 'call-1', says: 'Connected' });
    assert.equal(sent.length, 1);
    assert.equal((await store.get('call-1'))?.activityId, 'activity-1');
  });

  it('updates the posted card for a report', async () => {
    const { cards, sent, updated, turn, shown } = build();
    await cards.post(turn(), { id: 'call-1', says: 'Ringing' });
    await cards.show(turn(), { id: 'call-1', says: 'Ended' });
    assert.equal(sent.length, 1);
    assert.deepEqual(updated.map(shown), ['Ended']);
  });

  it("keeps the taker-over's card when a slow post, taken for dead, hears back after all", async () => {
    const { store, cards, turn, advance } = build();
    const context = turn();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const send = context.sendActivity.bind(context);
    context.sendActivity = (async (activity: Partial<Activity>) => {
      await slow;
      return send(activity);
    }) as typeof context.sendActivity;
    const first = cards.post(context, { id: 'call-1', says: 'Ringing' });
    await new Promise((resolve) => setImmediate(resolve));
    advance(10_001);
    await cards.show(turn(), { id: 'call-1', says: 'Connected' });
    const taken = (await store.get('call-1'))?.activityId;
    release();
    await first;
    assert.equal((await store.get('call-1'))?.activityId, taken, 'later updates go to the card that was recorded first');
  });

  describe('languages', () => {
    it('draws a card posted in French in French again, whoever updates or presses it', async () => {
      const { store, cards, sent, updated, turn, language } = build();
      await cards.post(turn('29:pat', 'fr-FR'), { id: 'call-1', says: 'Ringing' });
      await cards.update(turn('29:alex', 'ja-JP'), { id: 'call-1', says: 'Connected' });
      await cards.show(turn('29:alex'), { id: 'call-1', says: 'Ended' });
      assert.deepEqual([...sent, ...updated].map(language), ['fr', 'fr', 'fr']);
      assert.equal((await cards.render(turn('29:alex', 'de-DE'), { id: 'call-1', says: 'Ended' })).lang, 'fr');
      assert.equal((await store.get('call-1'))?.locale, 'fr-FR', 'the record keeps the language it was posted in');
    });

    it('keeps a card recorded before Rally spoke languages in English', async () => {
      const { store, cards, updated, turn, language } = build();
      store.put('call-1', { activityId: 'activity-old', postedAt: new Date(START).toISOString() });
      await cards.update(turn('29:pat', 'fr-FR'), { id: 'call-1', says: 'Ended' });
      assert.deepEqual(updated.map(language), ['en']);
    });

    it("draws a card a report posts (no activity to read) in the chat's stored language, and keeps that language", async () => {
      const adapter = new ProactiveAdapter();
      const store = new MemoryRecordStore<CardRecord>();
      const cards = new PostedCards<Item>({ store, keyOf: (item) => item.id, render: (item, t) => ({ type: 'AdaptiveCard', lang: t.language, body: [{ type: 'TextBlock', text: item.says }] }) });
      const chats = new Chats({ adapter, botAppId: 'rally-app', records: { conversations: new MemoryRecordStore<ConversationRecord>(), handledRequests: new MemoryRecordStore() }, pressClaimMs: 15_000, log: new LogCapture().log });
      const said = (locale?: string) =>
        new TurnContext(adapter, {
          type: ActivityTypes.Message,
          channelId: 'msteams',
          serviceUrl: 'https://smba.trafficmanager.net/emea/',
          conversation: { id: 'chat-1', isGroup: true, conversationType: 'groupChat', name: '' },
          from: { id: '29:pat', name: 'Pat' },
          recipient: { id: '28:rally', name: 'Rally' },
          ...(locale === undefined ? {} : { locale }),
        });
      await chats.remember(said('de-AT'));
      await chats.remember(said());
      await chats.post('chat-1', (context) => cards.show(context, { id: 'page-1', says: 'Paging' }));
      assert.deepEqual(adapter.deliveries.map((d) => (d.activity.attachments?.[0]?.content as { lang: string }).lang), ['de'], 'a message naming no language leaves the last one');
      assert.equal((await store.get('page-1'))?.locale, 'de-AT');
    });
  });
});
