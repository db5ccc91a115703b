// How long the chat surface's records live: a chat's conversation reference until Rally is removed from it (see
// RallyBot) or the chat has had neither a message nor a live call for RALLY_RETENTION; a call's or page's card
// record as long as its call or page record; redelivery records for at most a day; a scope's teams of people until
// none of them was defined or used for RALLY_RETENTION.
import { atMost, chatsWithLiveCalls, retentionRule } from '../calling/index.js';
import type { CallDocument, PageRecord, RecordStore, RetentionRule } from '../calling/index.js';
import type { ChatRecords } from './chatRecords.js';
import { peopleTeamsExpired } from './peopleTeams.js';
import type { CardRecord } from './postedCards.js';

const ONE_DAY = 24 * 3_600_000;
const TEN_MINUTES = 10 * 60_000;

/**
 * A card record goes once what it shows (a call, a page) is gone: only cards whose owner was gone when the sweep
 * began, and not fresh ones (their owner may be newer than that).
 */
function cardRule(name: string, cards: RecordStore<CardRecord>, owners: RecordStore<unknown>, retentionMs: number): RetentionRule<unknown> {
  let ownerKeys = new Set<string>();
  return retentionRule({
    name,
    store: cards,
    prepare: async () => {
      ownerKeys = new Set<string>();
      for await (const key of owners.keys()) ownerKeys.add(key);
    },
    expired: (card, key, now) => !ownerKeys.has(key) && Date.parse(card.postedAt ?? card.claim?.at ?? '1970-01-01T00:00:00Z') + atMost(retentionMs, TEN_MINUTES) <= now,
  });
}

export function chatRetentionRules(
  records: ChatRecords,
  owners: { calls: RecordStore<CallDocument>; pages: RecordStore<PageRecord> },
  retentionMs: number,
): RetentionRule<unknown>[] {
  const { calls } = owners;
  let liveChats = new Set<string>();
  return [
    retentionRule({
      name: 'conversations',
      store: records.conversations,
      prepare: async () => {
        liveChats = await chatsWithLiveCalls(calls);
      },
      expired: (conversation, key, now) => !liveChats.has(key) && Date.parse(conversation.lastSeenAt ?? '1970-01-01T00:00:00Z') + retentionMs <= now,
    }),
    cardRule('callCards', records.callCards, calls, retentionMs),
    cardRule('pageCards', records.pageCards, owners.pages, retentionMs),
    retentionRule({
      name: 'handled',
      store: records.handledRequests,
      expired: (handled, _key, now) => Date.parse(handled.at) + atMost(retentionMs, ONE_DAY) <= now,
    }),
    retentionRule({
      name: 'peopleTeams',
      store: records.peopleTeams,
      expired: (scope, _key, now) => peopleTeamsExpired(scope, now, retentionMs),
    }),
  ];
}
