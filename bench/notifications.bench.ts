// `npm run bench`: how fast Rally turns Graph notifications into call-record changes, and what it costs in memory.
// Goals (on the CI machine kind, 2 cores), well above what one tenant's calls send: parse + apply >= 150
// notifications/s through the durable file store (each write is fsynced) and >= 1,000/s in memory; a 250-person
// meeting's full roster applied in under 20 ms. Measured here: about 540/s, 3,700/s and 3 ms. The bench prints the numbers
// and exits non-zero when a goal is missed, so a regression shows up without timing assertions in unit tests.
import { CallKeeper } from '../src/calling/records/callKeeper.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newCallRecord } from '../src/calling/records/callRecord.js';
import { parseCommsNotifications } from '../src/calling/notifications/notificationParser.js';
import { NotificationInbox } from '../src/calling/notifications/notificationInbox.js';
import type { CallDocument } from '../src/calling/records/callDocument.js';
import type { OperationRecord } from '../src/calling/records/operationRecord.js';
import type { CallIntent } from '../src/calling/intents/callIntent.js';
import { DocumentRecordStore } from '../src/storage/documentRecordStore.js';
import type { DocumentStore } from '../src/storage/documentStore.js';
import { FileDocumentStore } from '../src/storage/fileDocumentStore.js';
import { MemoryDocumentStore } from '../src/storage/memoryDocumentStore.js';
import { createLogger } from '../src/log/logger.js';

/** The notification use case over a document store, with the chat follow-ups left out: this measures applying. */
function inboxOver(documents: DocumentStore) {
  const calls = new DocumentRecordStore<CallDocument>(documents, 'calls/');
  const inbox = new NotificationInbox({
    calls: new CallKeeper(calls),
    operations: new DocumentRecordStore<OperationRecord>(documents, 'operations/'),
    intents: new DocumentRecordStore<CallIntent>(documents, 'intents/'),
    jobs: { followUpLater: async () => () => undefined, checkIntent: async () => '' },
    adopter: { adopt: async () => undefined },
    adoptSendingAfterMs: 20_000,
    log: createLogger('silent'),
  });
  return { calls, apply: (body: unknown) => inbox.receive(parseCommsNotifications(body).events, { tenantId: 't' }) };
}

const CALLS = 50;
const ROUNDS = 20;

function stateBody(callId: string, state: string): unknown {
  return {
    '@odata.type': '#microsoft.graph.commsNotifications',
    value: [{ changeType: 'updated', resourceUrl: `/communications/calls/${callId}`, resourceData: { '@odata.type': '#microsoft.graph.call', id: callId, state } }],
  };
}

function rosterBody(callId: string, people: number, round: number): unknown {
  const participants = Array.from({ length: people }, (_, i) => ({
    '@odata.type': '#microsoft.graph.participant',
    id: `p-${i}`,
    info: { identity: { user: { id: `user-${i}`, displayName: `Person ${i}` } } },
    mediaStreams: [],
    isMuted: (i + round) % 2 === 0,
    isInLobby: false,
  }));
  return { value: [{ changeType: 'updated', resourceUrl: `/communications/calls/${callId}/participants`, resourceData: participants }] };
}

async function run(name: string, documents: DocumentStore, goalPerSecond: number): Promise<boolean> {
  const { calls, apply } = inboxOver(documents);
  const ids = Array.from({ length: CALLS }, (_, i) => `bench-call-${i}`);
  for (const callId of ids) {
    await calls.update(callId, () =>
      newCallRecord({ callId, tenantId: 't', kind: 'group', chatKey: 'chat', placedBy: { id: 'u', name: 'U' }, at: new Date().toISOString() }),
    );
  }
  const bodies = ids.flatMap((id) => [stateBody(id, 'establishing'), stateBody(id, 'established'), ...Array.from({ length: ROUNDS }, (_, r) => rosterBody(id, 5, r))]);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  await Promise.all(
    ids.map(async (_, i) => {
      for (const body of bodies.slice(i * (ROUNDS + 2), (i + 1) * (ROUNDS + 2))) await apply(body);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(bodies.length / seconds);
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const ok = perSecond >= goalPerSecond;
  console.log(`${ok ? 'ok  ' : 'SLOW'} ${name}: ${bodies.length} notifications in ${seconds.toFixed(2)} s = ${perSecond}/s (goal ${goalPerSecond}/s), heap +${heapMb.toFixed(1)} MB`);
  return ok;
}

async function bigRoster(): Promise<boolean> {
  const { calls, apply } = inboxOver(new MemoryDocumentStore());
  await calls.update('big', () => newCallRecord({ callId: 'big', tenantId: 't', kind: 'meeting', chatKey: 'c', placedBy: { id: 'u', name: 'U' }, at: new Date().toISOString() }));
  await apply(rosterBody('big', 250, 0));
  const started = performance.now();
  await apply(rosterBody('big', 250, 1));
  const ms = performance.now() - started;
  const ok = ms < 20;
  console.log(`${ok ? 'ok  ' : 'SLOW'} full roster of 250 people: ${ms.toFixed(2)} ms (goal < 20 ms)`);
  return ok;
}

const dir = await mkdtemp(join(tmpdir(), 'rally-bench-'));
try {
  const files = await FileDocumentStore.open(dir);
  const results = [await run('memory store', new MemoryDocumentStore(), 1_000), await run('file store', files, 150), await bigRoster()];
  await files.close();
  process.exitCode = results.every(Boolean) ? 0 : 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
