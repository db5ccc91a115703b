// How long the calling layer's records live (RALLY_RETENTION, default 7 days): an ended call with its operations and
// intents for `status` and the summary; notifications for a call that never showed up for at most 10 minutes; the
// redelivery index for at most a day; a chat's handle counter until the chat has had no live call for the retention.
import { isLive } from '../vocabulary.js';
import type { CallIntent } from '../intents/callIntent.js';
import type { CallingRecords } from '../records/callingRecords.js';
import type { RateWindow } from '../policy/rateLimiter.js';
import { callOf, isPlaceholder } from '../records/callDocument.js';
import type { CallDocument } from '../records/callDocument.js';
import type { RecordStore } from '../records/recordStore.js';
import { atMost, retentionRule } from './sweeper.js';
import type { RetentionRule } from './sweeper.js';

const TEN_MINUTES = 10 * 60_000;
const ONE_DAY = 24 * 3_600_000;

function isSettled(intent: CallIntent): boolean {
  return intent.step === 'sent' || intent.step === 'failed' || intent.step === 'expired';
}

/** The chats that have a live call now: their records stay whatever their age. */
export async function chatsWithLiveCalls(calls: RecordStore<CallDocument>): Promise<Set<string>> {
  const live = new Set<string>();
  for await (const key of calls.keys()) {
    const call = callOf(await calls.get(key));
    if (call && isLive(call)) live.add(call.chatKey);
  }
  return live;
}

/** Where an intent's deadline check is recorded (CallJobs). */
export interface IntentChecks {
  checkIntent(intentId: string, at: Date): Promise<unknown>;
}

export function callRetentionRules(stores: CallingRecords & { rateWindows: RecordStore<RateWindow> }, retentionMs: number, checks: IntentChecks): RetentionRule<unknown>[] {
  let liveChats = new Set<string>();
  // An unsettled intent's check, when it was recorded, runs at the deadline: one still unsettled this long after has
  // none.
  const checkOverdue = atMost(retentionMs, TEN_MINUTES);
  return [
    retentionRule<CallDocument>({
      name: 'calls',
      store: stores.calls,
      expired: (document: CallDocument, _key, now) => {
        if (isPlaceholder(document)) return Date.parse(document.createdAt) + atMost(retentionMs, TEN_MINUTES) <= now;
        if (isLive(document)) return false;
        const endedAt = document.stateHistory.at(-1)?.at ?? document.createdAt;
        return Date.parse(endedAt) + retentionMs <= now;
      },
    }),
    retentionRule({
      name: 'operations',
      store: stores.operations,
      expired: (op, _key, now) => Date.parse(op.createdAt) + retentionMs <= now,
    }),
    retentionRule({
      name: 'intents',
      store: stores.intents,
      // One still waiting for Graph's answer stays until its deadline has been handled.
      expired: (intent, _key, now) => isSettled(intent) && Date.parse(intent.createdAt) + retentionMs <= now,
      // The check at the deadline is recorded only once Graph is slow to answer (to keep the path to Graph one write),
      // so a crash in the first second of a create leaves none: an intent still unsettled long after its deadline
      // gets its check now, and its chat is told.
      stranded: {
        is: (intent, now) => !isSettled(intent) && Date.parse(intent.deadline) + checkOverdue <= now,
        rescue: async (intent) => void (await checks.checkIntent(intent.id, new Date(Date.parse(intent.deadline)))),
      },
    }),
    retentionRule({
      name: 'chats',
      store: stores.chats,
      prepare: async () => {
        liveChats = await chatsWithLiveCalls(stores.calls);
      },
      expired: (chat, key, now) => !liveChats.has(key) && Date.parse(chat.touchedAt ?? '1970-01-01T00:00:00Z') + retentionMs <= now,
    }),
    retentionRule({
      name: 'rateWindows',
      store: stores.rateWindows,
      // A window is at most hours long: once its newest action is a day old it counts nothing.
      expired: (window, _key, now) => Math.max(0, ...window.actions.map((a) => a.at)) + ONE_DAY <= now,
    }),
  ];
}
