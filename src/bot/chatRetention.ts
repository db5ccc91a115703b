// How long the chat surface's records live: a chat's conversation reference until Rally is removed from it (see
// RallyBot) or the chat has had neither a message nor a live call for RALLY_RETENTION; a call's card record as long
// as its call record; redelivery records for at most a day.
import { chatsWithLiveCalls } from '../calling/lifecycle/callRetention.js';
import { atMost, retentionRule } from '../calling/lifecycle/sweeper.js';
import type { RetentionRule } from '../calling/lifecycle/sweeper.js';
import type { CallDocument } from '../calling/records/callDocument.js';
import type { RecordStore } from '../calling/records/recordStore.js';
import type { ChatRecords } from './chatRecords.js';

const ONE_DAY = 24 * 3_600_000;
const TEN_MINUTES = 10 * 60_000;

export function chatRetentionRules(records: ChatRecords, calls: RecordStore<CallDocument>, retentionMs: number): RetentionRule<unknown>[] {
  let liveChats = new Set<string>();
  let callIds = new Set<string>();
  return [
    retentionRule({
      name: 'conversations',
      store: records.conversations,
      prepare: async () => {
        liveChats = await chatsWithLiveCalls(calls);
      },
      expired: (conversation, key, now) => !liveChats.has(key) && Date.parse(conversation.lastSeenAt ?? '1970-01-01T00:00:00Z') + retentionMs <= now,
    }),
    retentionRule({
      name: 'callCards',
      store: records.callCards,
      prepare: async () => {
        callIds = new Set<string>();
        for await (const key of calls.keys()) callIds.add(key);
      },
      // Only cards of calls that were gone when the sweep began, and not fresh ones (their call may be newer than that).
      expired: (card, key, now) => !callIds.has(key) && Date.parse(card.postedAt ?? card.claim?.at ?? '1970-01-01T00:00:00Z') + atMost(retentionMs, TEN_MINUTES) <= now,
    }),
    retentionRule({
      name: 'handled',
      store: records.handledRequests,
      expired: (handled, _key, now) => Date.parse(handled.at) + atMost(retentionMs, ONE_DAY) <= now,
    }),
  ];
}
