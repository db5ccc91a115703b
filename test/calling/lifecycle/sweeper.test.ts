import assert from 'node:assert/strict';
import { callRetentionRules } from '../../../src/calling/lifecycle/callRetention.js';
import { Sweeper } from '../../../src/calling/lifecycle/sweeper.js';
import type { CallIntent } from '../../../src/calling/intents/callIntent.js';
import type { RateWindow } from '../../../src/calling/policy/rateLimiter.js';
import type { CallDocument } from '../../../src/calling/records/callDocument.js';
import type { ChatCalls } from '../../../src/calling/records/callHandles.js';
import { newCallRecord } from '../../../src/calling/records/callRecord.js';
import type { OperationRecord } from '../../../src/calling/records/operationRecord.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';
import { LogCapture } from '../../support/logCapture.js';

const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const RETENTION = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function build() {
  const documents = new MemoryDocumentStore();
  const store = <T>(prefix: string) => new DocumentRecordStore<T>(documents, prefix);
  const stores = {
    calls: store<CallDocument>('calls/'),
    operations: store<OperationRecord>('operations/'),
    chats: store<ChatCalls>('chats/'),
    intents: store<CallIntent>('intents/'),
    rateWindows: store<RateWindow>('rateWindows/'),
  };
  let now = T0;
  const checked: { intentId: string; at: string }[] = [];
  const checks = { checkIntent: async (intentId: string, at: Date) => void checked.push({ intentId, at: at.toISOString() }) };
  const sweeper = new Sweeper({ rules: callRetentionRules(stores, RETENTION, checks), everyMs: 3_600_000, log: new LogCapture().log, now: () => now });
  return { documents, stores, sweeper, checked, at: (ms: number) => (now = T0 + ms) };
}

const call = (callId: string, chatKey: string, state: 'established' | 'terminated', at: number) => ({
  ...newCallRecord({ callId, tenantId: 't', kind: 'peerToPeer', chatKey, placedBy: { id: 'u', name: 'U' }, at: iso(at) }),
  state,
  stateHistory: [{ state, at: iso(at) }],
});

const intent = (id: string, step: CallIntent['step'], deadline: number): CallIntent => ({
  id,
  activityKey: `message/chat/${id}`,
  chatKey: 'chat',
  tenantId: 't',
  requestedBy: { id: 'u', name: 'U' },
  kind: 'peerToPeer',
  targets: [],
  step,
  createdAt: iso(T0),
  sendingAt: iso(T0),
  deadline: iso(deadline),
});

describe('Sweeper with the calling retention rules', () => {
  it('gives an intent its deadline check back when it is still unsettled long after its deadline, and keeps it until then', async () => {
    const { stores, sweeper, checked, at } = build();
    // Killed in the first second of its create: "sending" recorded, its check never.
    await stores.intents.update('stranded', () => intent('stranded', 'sending', T0 + 1_000));
    await stores.intents.update('answered', () => intent('answered', 'sent', T0 + 1_000));
    await stores.intents.update('refused', () => intent('refused', 'failed', T0 + 1_000));

    at(1_000 + RETENTION - 1);
    assert.equal((await sweeper.sweep()).intents, 2, 'the settled ones go at the retention');
    assert.deepEqual(checked, [], 'a check recorded at the deadline may still be on its way');
    assert.ok(await stores.intents.get('stranded'), 'the unsettled one stays past the retention');
    at(1_000 + RETENTION);
    await sweeper.sweep();
    assert.deepEqual(checked, [{ intentId: 'stranded', at: iso(T0 + 1_000) }], 'the unsettled intent is checked, as of its deadline');
    assert.ok(await stores.intents.get('stranded'), 'and kept for its check');

    // Its check settles it; the next sweep removes it, with no second check.
    await stores.intents.update('stranded', (current) => current && { ...current, step: 'expired' });
    at(2 * RETENTION);
    assert.equal((await sweeper.sweep()).intents, 1);
    assert.equal(checked.length, 1);
  });


  it('removes an ended call after the retention, never a live one, and an early placeholder after at most 10 minutes', async () => {
    const { stores, sweeper, at } = build();
    await stores.calls.update('ended', () => call('ended', 'chat-a', 'terminated', T0));
    await stores.calls.update('live', () => call('live', 'chat-b', 'established', T0 - 30 * 86_400_000));
    await stores.calls.update('early', () => ({ placeholder: true, callId: 'early', createdAt: iso(T0), events: [] }));

    at(RETENTION - 1);
    assert.deepEqual((await sweeper.sweep()).calls, 0);
    at(RETENTION);
    assert.deepEqual((await sweeper.sweep()).calls, 2);
    assert.ok(await stores.calls.get('live'));
    assert.equal(await stores.calls.get('ended'), undefined);
    assert.equal(await stores.calls.get('early'), undefined);
  });

  it('keeps a chat counter while the chat has a live call, and removes it once the chat is idle for the retention', async () => {
    const { stores, sweeper, at } = build();
    await stores.chats.update('chat-live', () => ({ next: 2, calls: [{ number: 1, callId: 'live' }], touchedAt: iso(T0) }));
    await stores.chats.update('chat-idle', () => ({ next: 2, calls: [{ number: 1, callId: 'gone' }], touchedAt: iso(T0) }));
    await stores.calls.update('live', () => call('live', 'chat-live', 'established', T0));
    at(RETENTION);
    await sweeper.sweep();
    assert.ok(await stores.chats.get('chat-live'));
    assert.equal(await stores.chats.get('chat-idle'), undefined);
  });

  it('does not remove a record that was written again between the look and the delete', async () => {
    const { stores, at } = build();
    await stores.chats.update('chat', () => ({ next: 1, calls: [], touchedAt: iso(T0) }));
    at(RETENTION);
    // A rule whose first look sees the old record, while a write renews it before the compare-and-swap.
    let looked = false;
    const sweeper = new Sweeper({
      rules: [
        {
          name: 'chats',
          store: stores.chats,
          expired: (chat: ChatCalls) => {
            if (!looked) {
              looked = true;
              void stores.chats.update('chat', (c) => c && { ...c, touchedAt: iso(T0 + RETENTION) });
            }
            return Date.parse(chat.touchedAt!) + RETENTION <= T0 + RETENTION;
          },
        } as never,
      ],
      everyMs: 3_600_000,
      log: new LogCapture().log,
    });
    await sweeper.sweep();
    assert.ok(await stores.chats.get('chat'), 'the renewed record stays');
  });

  it('goes past a record it cannot read: it is quarantined, and the records after it are still swept', async () => {
    const { documents, stores, sweeper, at } = build();
    await documents.createIfAbsent('calls/garbage', { not: 'an envelope' });
    await stores.calls.update('ended', () => call('ended', 'chat', 'terminated', T0));
    at(RETENTION);
    await sweeper.sweep();
    assert.equal(await stores.calls.get('ended'), undefined);
    assert.equal(await documents.get('calls/garbage'), undefined);
    const aside: string[] = [];
    for await (const key of documents.listByPrefix('quarantine/')) aside.push(key);
    assert.deepEqual(aside, ['quarantine/calls/garbage']);
  });
});
