// The notification use case over the real record store (compare-and-swap on a document store): what Graph's
// notification bodies do to the stored calls and operations, what news they leave for the chat, and how bodies that
// arrive together, twice, out of order, or before their call was recorded are applied. The follow-up and adoption
// collaborators are fakes that only note what they were asked.
import { CallKeeper } from '../../../src/calling/records/callKeeper.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { CallIntent, IntentStep } from '../../../src/calling/intents/callIntent.js';
import { InvalidNotificationError } from '../../../src/calling/notifications/notificationParser.js';
import { NotificationInbox } from '../../../src/calling/notifications/notificationInbox.js';
import type { Sender } from '../../../src/calling/notifications/notificationInbox.js';
import { adopt, callOf, isPlaceholder } from '../../../src/calling/records/callDocument.js';
import type { CallDocument, CallNews, StoredCall } from '../../../src/calling/records/callDocument.js';
import { newCallRecord, withInvitees } from '../../../src/calling/records/callRecord.js';
import type { CallKind } from '../../../src/calling/records/callRecord.js';
import { newOperationRecord } from '../../../src/calling/records/operationRecord.js';
import type { OperationKind, OperationRecord } from '../../../src/calling/records/operationRecord.js';
import type { RecordStore } from '../../../src/calling/records/recordStore.js';
import type { CallState } from '../../../src/calling/requests/graphTypes.js';
import type { UserTarget } from '../../../src/calling/targets/people.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import type { DocumentStore, StoredDocument } from '../../../src/storage/documentStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';
import { AT, REQUESTER, TENANT_ID, buildCallDesk, intentAt } from '../../support/callDeskFixture.js';
import { collected } from '../../support/collected.js';
import { LogCapture } from '../../support/logCapture.js';
import { reasonsInEnglish } from '../../support/reasonsInEnglish.js';

// Ids from the example bodies (000 examples 1 and 3; 001 meeting).
const GROUP_CALL = 'ab6233a5-20b7-4c5e-bea2-ce56c9776429';
const ESCALATED_P2P = 'a7ebfb2d-871e-419c-87af-27290b22e8db';
const MEETING_CALL = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
const CONTEXT = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f';
const P2P_CALL = 'c0ffee00-0000-4000-8000-000000000001';
const OTHER_TENANT = 'b1e2f3a4-0000-4000-8000-0000000000ff';
const INTENT_ID = 'aW50ZW50LWlkLWZvci10ZXN0';
const SENDING_TIMEOUT_MS = 30_000;
const invited: UserTarget = { kind: 'user', id: '278405a3-f568-4b3e-b684-009193463064', displayName: 'Alice' };
const party: UserTarget = { kind: 'user', id: '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', displayName: 'Bob' };
const NOW = new Date(Date.parse(AT) + 60_000);

/** An example body; with `callId`, about that call instead of the document's. */
function example(name: string, callId?: string): unknown {
  const text = readFileSync(new URL(`./notificationExamples/${name}.json`, import.meta.url), 'utf8');
  if (callId === undefined) return JSON.parse(text);
  const original = /\/communications\/calls\/([^/"]+)/.exec(text)![1]!;
  return JSON.parse(text.split(original).join(callId));
}

function stateBody(callId: string, state: CallState, resultInfo?: { code: number; subcode: number }): unknown {
  return {
    value: [{ changeType: 'updated', resourceUrl: `/communications/calls/${callId}`, resourceData: { '@odata.type': '#microsoft.graph.call', state, ...(resultInfo ? { resultInfo } : {}) } }],
  };
}

/** A delta roster in which person `n` joins. */
function joinBody(callId: string, n: number): unknown {
  const participant = { id: `participant-${n}`, info: { identity: { user: { id: `user-${n}`, displayName: `Person ${n}` } } }, isMuted: false, isInLobby: false };
  return {
    value: [
      {
        changeType: 'updated',
        resourceUrl: `/communications/calls/${callId}/participants`,
        resourceData: [{ '@odata.type': '#microsoft.graph.deltaParticipants', sequenceNumber: n, participants: [participant] }],
      },
    ],
  };
}

/** The meeting's full roster once the bot has gone: John alone. */
function onlyJohn(): unknown {
  const body = example('meeting-roster') as { value: { resourceData: { info: { identity: { user?: unknown } } }[] }[] };
  const [notification] = body.value;
  notification!.resourceData = notification!.resourceData.filter((p) => p.info.identity.user !== undefined);
  return body;
}

/** Several bodies' notifications in one body. */
function together(...bodies: unknown[]): unknown {
  return { value: bodies.flatMap((b) => (b as { value: unknown[] }).value) };
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The memory document store, watched: counts the writes under each prefix, and can hold the writes of one key until
 * the test lets them go, or fail the next one.
 */
class WatchedDocuments implements DocumentStore {
  private readonly inner = new MemoryDocumentStore();
  private readonly writes: string[] = [];
  private readonly held = new Map<string, Deferred>();
  private readonly failing = new Map<string, Error>();
  /** Keys whose write is waiting to be let go. */
  readonly waiting = new Set<string>();

  writesUnder(prefix: string): number {
    return this.writes.filter((key) => key.startsWith(prefix)).length;
  }

  /** Holds every write of `key` until the returned function is called. */
  hold(key: string): () => void {
    const gate = deferred();
    this.held.set(key, gate);
    return () => {
      this.held.delete(key);
      gate.resolve();
    };
  }

  failNext(key: string, error: Error): void {
    this.failing.set(key, error);
  }

  private async writing(key: string): Promise<void> {
    const gate = this.held.get(key);
    if (gate) {
      this.waiting.add(key);
      await gate.promise;
      this.waiting.delete(key);
    }
    const error = this.failing.get(key);
    if (error) {
      this.failing.delete(key);
      throw error;
    }
    this.writes.push(key);
  }

  get(key: string): Promise<StoredDocument | undefined> {
    return this.inner.get(key);
  }

  getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined> {
    return this.inner.getIfChanged(key, eTag);
  }

  async createIfAbsent(key: string, value: unknown): Promise<string | undefined> {
    await this.writing(key);
    return this.inner.createIfAbsent(key, value);
  }

  async putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined> {
    await this.writing(key);
    return this.inner.putIfMatch(key, value, eTag);
  }

  async deleteIfMatch(key: string, eTag: string): Promise<boolean> {
    await this.writing(key);
    return this.inner.deleteIfMatch(key, eTag);
  }

  listByPrefix(prefix: string): AsyncIterable<string> {
    return this.inner.listByPrefix(prefix);
  }

  checkReady(): Promise<void> {
    return this.inner.checkReady();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Stores {
  calls: RecordStore<CallDocument>;
  operations: RecordStore<OperationRecord>;
  intents: RecordStore<CallIntent>;
}

/** An inbox over `stores` whose collaborators note what they were asked, and nothing more. */
function inboxOver(stores: Stores) {
  const noted = {
    /** Calls whose follow-up job was recorded. */
    followUps: [] as string[],
    /** Calls whose follow-up was started (after Graph has its answer). */
    started: [] as string[],
    adopted: [] as { intentId: string; callId: string }[],
    intentChecks: [] as { intentId: string; at: string }[],
  };
  const logs = new LogCapture();
  const inbox = new NotificationInbox({
    ...stores,
    calls: new CallKeeper(stores.calls),
    jobs: {
      followUpLater: async (callId: string) => {
        noted.followUps.push(callId);
        return () => void noted.started.push(callId);
      },
      checkIntent: async (intentId: string, at: Date) => {
        noted.intentChecks.push({ intentId, at: at.toISOString() });
        return `intent:${intentId}`;
      },
    },
    adopter: { adopt: async (intent: CallIntent, callId: string) => void noted.adopted.push({ intentId: intent.id, callId }) },
    adoptSendingAfterMs: SENDING_TIMEOUT_MS,
    log: logs.log,
    clock: () => NOW,
  });
  /** One POST, as the edge hands it over: parsed, applied, and once applied its follow-ups started. */
  const receive = async (body: unknown, sender: Sender = { tenantId: TENANT_ID }): Promise<void> => {
    const start = await inbox.deliver(body, sender);
    start();
  };
  return { inbox, receive, logs, ...noted };
}

/** The inbox over the real record store on a watched memory document store. */
function world() {
  const documents = new WatchedDocuments();
  const stores = {
    calls: new DocumentRecordStore<CallDocument>(documents, 'calls/'),
    operations: new DocumentRecordStore<OperationRecord>(documents, 'operations/'),
    intents: new DocumentRecordStore<CallIntent>(documents, 'intents/'),
  };
  return { documents, ...stores, ...inboxOver(stores) };
}

type World = ReturnType<typeof world>;

async function seedCall(
  stores: Stores,
  callId: string,
  kind: CallKind,
  options: { handle?: string; state?: CallState; targets?: UserTarget[]; invitedUnder?: string } = {},
): Promise<StoredCall> {
  const handle = options.handle ?? '#1';
  const fresh = newCallRecord({
    callId,
    tenantId: TENANT_ID,
    kind,
    chatKey: `chat-of-${handle}`,
    handle,
    placedBy: REQUESTER,
    targets: options.invitedUnder === undefined ? (options.targets ?? []) : [],
    ...(options.state ? { state: options.state } : {}),
    at: AT,
  });
  const record = options.invitedUnder === undefined ? fresh : withInvitees(fresh, options.targets ?? [], options.invitedUnder);
  await stores.calls.update(callId, () => record);
  return record;
}

async function seedOperation(stores: Stores, kind: OperationKind, callId: string, participants: UserTarget[], replacesCallId?: string): Promise<void> {
  const op = newOperationRecord({
    clientContext: CONTEXT,
    callId,
    tenantId: TENANT_ID,
    chatKey: 'chat-that-asked',
    kind,
    participants,
    ...(replacesCallId === undefined ? {} : { replacesCallId }),
    requestedBy: REQUESTER,
    at: AT,
  });
  await stores.operations.update(CONTEXT, () => op);
}

function intent(step: IntentStep, overrides: Partial<CallIntent> = {}): CallIntent {
  return intentAt(INTENT_ID, step, overrides);
}

async function storedCall(w: Stores, callId: string): Promise<StoredCall> {
  const call = callOf(await w.calls.get(callId));
  assert.ok(call, `call ${callId} is recorded`);
  return call;
}

const kinds = (news: readonly CallNews[] | undefined) => (news ?? []).map((n) => n.kind);

/** Fails unless `promise` settles within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timeout = new AbortController();
  try {
    return await Promise.race([
      promise,
      delay(ms, undefined, { signal: timeout.signal }).then(() => assert.fail(`${what} did not finish within ${ms} ms`)),
    ]);
  } finally {
    timeout.abort();
  }
}

async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await delay(2);
  }
}

describe('NotificationInbox', () => {
  let w: World;
  beforeEach(() => {
    w = world();
  });

  describe('call state', () => {
    it('established, then establishing, in two POSTs: the call ends established, with the news of that one change', async () => {
      await seedCall(w, P2P_CALL, 'peerToPeer', { targets: [party] });
      await w.receive(example('peer-to-peer-established', P2P_CALL));
      await w.receive(example('peer-to-peer-establishing', P2P_CALL));

      const call = await storedCall(w, P2P_CALL);
      assert.equal(call.state, 'established');
      assert.deepEqual(call.stateHistory.map((s) => s.state), ['establishing', 'established']);
      assert.deepEqual(call.unreported, [
        { kind: 'stateChanged', from: 'establishing', to: 'established' },
        { kind: 'inviteeUpdated', invitee: { target: party, outcome: 'joined' }, previous: 'ringing' },
      ]);
      assert.ok(w.started.includes(P2P_CALL), 'its follow-up was started');
    });

    it('established and establishing out of order in one body: one state change, no step back', async () => {
      await seedCall(w, MEETING_CALL, 'meeting', { state: 'incoming' });
      await w.receive(together(example('meeting-established'), example('meeting-establishing')));

      const call = await storedCall(w, MEETING_CALL);
      assert.equal(call.state, 'established');
      assert.deepEqual(call.unreported, [{ kind: 'stateChanged', from: 'incoming', to: 'established' }]);
    });

    it('a redelivered body changes nothing and writes no news again', async () => {
      await seedCall(w, GROUP_CALL, 'group', { targets: [invited], invitedUnder: CONTEXT });
      await seedOperation(w, 'invite', GROUP_CALL, [invited]);
      const body = together(example('invite-1-operation-completed'), example('meeting-roster', GROUP_CALL));
      await w.receive(body);
      const call = await storedCall(w, GROUP_CALL);
      const op = await w.operations.get(CONTEXT);
      const writes = w.documents.writesUnder('');
      assert.deepEqual(kinds(call.unreported), ['inviteeUpdated', 'participantJoined', 'participantJoined', 'operationFinished']);

      await w.receive(body);
      assert.equal(w.documents.writesUnder(''), writes, 'nothing was written');
      assert.deepEqual(await storedCall(w, GROUP_CALL), call);
      assert.deepEqual(await w.operations.get(CONTEXT), op);
    });

    it("a POST with another tenant's token does not change the call; one with the call's own tenant (any case) does", async () => {
      const before = await seedCall(w, MEETING_CALL, 'meeting');
      const writes = w.documents.writesUnder('calls/');
      await w.receive(together(example('meeting-established'), example('meeting-roster')), { tenantId: OTHER_TENANT });
      assert.deepEqual(await storedCall(w, MEETING_CALL), before);
      assert.equal(w.documents.writesUnder('calls/'), writes);
      assert.deepEqual(w.followUps, []);
      assert.ok(w.logs.records().some((r) => r.callId === MEETING_CALL && /another tenant/.test(r.msg)));

      await w.receive(example('meeting-established'), { tenantId: TENANT_ID.toUpperCase() });
      assert.equal((await storedCall(w, MEETING_CALL)).state, 'established');
    });
  });

  describe('calls not recorded yet', () => {
    it('events for an unknown call wait in a placeholder, which is not a call, and start no follow-up', async () => {
      await w.receive(example('meeting-established'));
      await w.receive(example('meeting-roster'));

      const stored = await w.calls.get(MEETING_CALL);
      assert.equal(isPlaceholder(stored), true);
      assert.equal(callOf(stored), undefined);
      assert.ok(isPlaceholder(stored));
      assert.deepEqual(
        stored.events.map((e) => [e.event.kind, e.tenantId]),
        [
          ['callState', TENANT_ID],
          ['roster', TENANT_ID],
        ],
      );
      assert.deepEqual(w.followUps, []);
      assert.deepEqual(w.started, []);
    });

    it("adopting the placeholder applies its events in order, and only those of the call's own tenant", async () => {
      await w.receive(example('meeting-established'), { tenantId: OTHER_TENANT });
      await w.receive(example('meeting-roster'));
      await w.receive(onlyJohn());
      const fresh = newCallRecord({ callId: MEETING_CALL, tenantId: TENANT_ID, kind: 'meeting', chatKey: 'chat-1', handle: '#1', placedBy: REQUESTER, at: AT });

      const adopted = callOf(await w.calls.update(MEETING_CALL, (current) => adopt(fresh, current, NOW.toISOString())));
      assert.ok(adopted);
      assert.equal(adopted.state, 'establishing', "another tenant's 'established' is not applied");
      assert.deepEqual(adopted.roster.map((p) => p.displayName), ['John'], 'the later roster wins');
      assert.deepEqual(kinds(adopted.unreported), ['participantJoined', 'participantJoined', 'participantLeft']);
      assert.deepEqual(await storedCall(w, MEETING_CALL), adopted);

      // Notifications after adoption apply to the call directly.
      await w.receive(example('meeting-established'));
      assert.equal((await storedCall(w, MEETING_CALL)).state, 'established');
      assert.deepEqual(w.started, [MEETING_CALL]);
    });

    it('CallDesk.record adopts the placeholder: the call starts from what its notifications said, and is followed up', async () => {
      const f = buildCallDesk();
      const inbox = inboxOver({ calls: f.calls, operations: f.operations, intents: f.intents });
      await inbox.receive(example('meeting-established'));
      await inbox.receive(example('meeting-roster'));
      assert.ok(isPlaceholder(await f.calls.get(MEETING_CALL)));

      const recorded = await f.protocol.record(intent('sent', { callId: MEETING_CALL }), MEETING_CALL, 'establishing');
      assert.equal(recorded.state, 'established');
      assert.deepEqual(recorded.stateHistory.map((s) => s.state), ['establishing', 'established']);
      assert.deepEqual(recorded.roster.map((p) => p.displayName), ['John', 'Calling Bot']);
      assert.deepEqual(kinds(recorded.unreported), ['stateChanged', 'participantJoined', 'participantJoined']);
      assert.equal(recorded.intentId, INTENT_ID);
      assert.deepEqual(callOf(await f.calls.get(MEETING_CALL)), recorded);
      assert.deepEqual(f.jobs.followUps, [MEETING_CALL]);
    });

    it('a placeholder whose callbackUri names an unconfirmed intent of the same tenant has its call adopted', async () => {
      await w.intents.update(INTENT_ID, () => intent('unconfirmed'));
      await w.receive(example('meeting-establishing'), { tenantId: TENANT_ID, callbackId: INTENT_ID });
      assert.deepEqual(w.adopted, [{ intentId: INTENT_ID, callId: MEETING_CALL }]);
    });

    it("an unconfirmed intent is not adopted through another tenant's token, nor without a callbackUri", async () => {
      await w.intents.update(INTENT_ID, () => intent('unconfirmed'));
      await w.receive(example('meeting-establishing'), { tenantId: OTHER_TENANT, callbackId: INTENT_ID });
      await w.receive(example('meeting-established'), { tenantId: TENANT_ID });
      assert.deepEqual(w.adopted, []);
      assert.deepEqual(await w.intents.get(INTENT_ID), intent('unconfirmed'));
    });

    it('a sending intent named by the callbackUri notes the call, and is checked once Graph would have answered', async () => {
      await w.intents.update(INTENT_ID, () => intent('sending'));
      await w.receive(example('meeting-establishing'), { tenantId: TENANT_ID, callbackId: INTENT_ID });
      assert.deepEqual(w.adopted, [], 'its answer may still come');
      assert.equal((await w.intents.get(INTENT_ID))?.callId, MEETING_CALL);
      assert.deepEqual(w.intentChecks, [{ intentId: INTENT_ID, at: new Date(Date.parse(AT) + SENDING_TIMEOUT_MS).toISOString() }]);
    });
  });

  describe('operations', () => {
    async function invitedIntoGroupCall(): Promise<void> {
      await seedCall(w, GROUP_CALL, 'group', { targets: [invited], invitedUnder: CONTEXT });
      await seedOperation(w, 'invite', GROUP_CALL, [invited]);
    }

    const finishedNews = (call: StoredCall) => (call.unreported ?? []).filter((n) => n.kind === 'operationFinished');

    it('a completed invite updates its operation, and its call gets the invitee joined and one operationFinished news item', async () => {
      await invitedIntoGroupCall();
      await w.receive(example('invite-1-operation-completed'));

      const op = await w.operations.get(CONTEXT);
      assert.equal(op?.status, 'completed');
      assert.equal(op?.operationId, 'eec3812a-fdc3-4fb4-825c-a06c9f35414e');
      const call = await storedCall(w, GROUP_CALL);
      assert.deepEqual(call.invitees.map((i) => i.outcome), ['joined']);
      assert.deepEqual(kinds(call.unreported), ['inviteeUpdated', 'operationFinished']);
      assert.deepEqual(finishedNews(call), [{ kind: 'operationFinished', operation: op }]);
      assert.deepEqual(w.started, [GROUP_CALL]);
    });

    it("the operation's news is appended once when the result is delivered twice", async () => {
      await invitedIntoGroupCall();
      await w.receive(example('invite-1-operation-completed'));
      await w.receive(example('invite-1-operation-completed'));
      const call = await storedCall(w, GROUP_CALL);
      assert.equal(finishedNews(call).length, 1);
      assert.deepEqual(kinds(call.unreported), ['inviteeUpdated', 'operationFinished']);
    });

    it("the operation's news is appended once when the result is delivered twice at the same time", async () => {
      for (let round = 0; round < 5; round++) {
        w = world();
        await invitedIntoGroupCall();
        await Promise.all([w.receive(example('invite-1-operation-completed')), w.receive(example('invite-1-operation-completed'))]);
        const call = await storedCall(w, GROUP_CALL);
        assert.equal(finishedNews(call).length, 1, `round ${round}: ${JSON.stringify(kinds(call.unreported))}`);
        assert.deepEqual(kinds(call.unreported), ['inviteeUpdated', 'operationFinished']);
        assert.equal((await w.operations.get(CONTEXT))?.status, 'completed');
      }
    });

    it("another tenant's token changes neither the operation nor its call", async () => {
      await invitedIntoGroupCall();
      const op = await w.operations.get(CONTEXT);
      const call = await storedCall(w, GROUP_CALL);
      await w.receive(example('invite-1-operation-completed'), { tenantId: OTHER_TENANT });
      assert.deepEqual(await w.operations.get(CONTEXT), op);
      assert.deepEqual(await storedCall(w, GROUP_CALL), call);
      assert.deepEqual(w.followUps, []);
    });

    it('a completed escalation marks the peer-to-peer call replaced by the group call, and its end reads as the move', async () => {
      await seedCall(w, ESCALATED_P2P, 'peerToPeer', { handle: '#1', state: 'established', targets: [party] });
      await seedCall(w, GROUP_CALL, 'group', { handle: '#2', targets: [party], invitedUnder: CONTEXT });
      await seedOperation(w, 'escalate', GROUP_CALL, [party], ESCALATED_P2P);

      await w.receive(example('invite-3-operation-completed'));
      const p2p = await storedCall(w, ESCALATED_P2P);
      assert.deepEqual(p2p.replacedBy, { callId: GROUP_CALL, handle: '#2' });
      assert.deepEqual(p2p.unreported, [{ kind: 'movedIntoGroupCall', groupCallId: GROUP_CALL, groupCallHandle: '#2' }]);
      assert.deepEqual(kinds((await storedCall(w, GROUP_CALL)).unreported), ['inviteeUpdated', 'operationFinished']);
      assert.deepEqual([...w.started].sort(), [ESCALATED_P2P, GROUP_CALL].sort());

      await w.receive(stateBody(ESCALATED_P2P, 'terminated', { code: 200, subcode: 7015 }));
      const ended = await storedCall(w, ESCALATED_P2P);
      assert.equal(ended.state, 'terminated');
      assert.deepEqual(reasonsInEnglish(ended.unreported?.find((n) => n.kind === 'ended')), { kind: 'ended', reason: 'The call moved into group call #2.' });
    });
  });

  describe('many at once', () => {
    it('100 POSTs for one call at the same time all land, in far fewer writes than POSTs', async () => {
      await seedCall(w, MEETING_CALL, 'meeting');
      const writes = w.documents.writesUnder('calls/');
      const bodies = Array.from({ length: 100 }, (_, n) => (n === 50 ? stateBody(MEETING_CALL, 'established') : joinBody(MEETING_CALL, n + 1)));

      await Promise.all(bodies.map((body) => w.receive(body)));

      const call = await storedCall(w, MEETING_CALL);
      const people = Array.from({ length: 100 }, (_, n) => n + 1).filter((n) => n !== 51);
      assert.equal(call.state, 'established');
      assert.deepEqual(call.roster.map((p) => p.key).sort(), people.map((n) => `participant-${n}`).sort());
      assert.equal(call.rosterSequenceNumber, 100);
      const news = call.unreported ?? [];
      assert.equal(news.filter((n) => n.kind === 'participantJoined').length, 99);
      assert.deepEqual(news.filter((n) => n.kind === 'stateChanged'), [{ kind: 'stateChanged', from: 'establishing', to: 'established' }]);
      const callWrites = w.documents.writesUnder('calls/') - writes;
      assert.ok(callWrites >= 1 && callWrites < bodies.length / 4, `${callWrites} writes for ${bodies.length} POSTs`);
    });

    it("full rosters whose POSTs share a write: only the last is applied, and another tenant's never displaces the call's own", async () => {
      await seedCall(w, MEETING_CALL, 'meeting');
      const release = w.documents.hold(`calls/${MEETING_CALL}`);
      const first = w.receive(example('meeting-established'));
      await eventually(() => w.documents.waiting.has(`calls/${MEETING_CALL}`), 'the first write to be under way');
      // These three wait for the held write, then go into the next one together.
      const queued = [w.receive(example('meeting-roster')), w.receive(onlyJohn()), w.receive(example('meeting-roster'), { tenantId: OTHER_TENANT })];
      release();
      await Promise.all([first, ...queued]);

      const call = await storedCall(w, MEETING_CALL);
      assert.deepEqual(call.roster.map((p) => p.displayName), ['John']);
      assert.deepEqual(kinds(call.unreported), ['stateChanged', 'participantJoined'], 'no news of the bot joining and leaving in between');
    });

    it('keeps no hold on a body while its write waits', async () => {
      await seedCall(w, MEETING_CALL, 'meeting');
      const release = w.documents.hold(`calls/${MEETING_CALL}`);
      // Made and handed over in a function of its own, so that this test keeps no hold on the body either.
      const { ref, applied } = (() => {
        const body = example('meeting-roster') as object;
        return { ref: new WeakRef(body), applied: w.inbox.deliver(body, { tenantId: TENANT_ID }) };
      })();
      try {
        await eventually(() => w.documents.waiting.has(`calls/${MEETING_CALL}`), 'the write to be under way');
        assert.equal(await collected(ref), true, 'the body is still reachable');
      } finally {
        release();
      }
      await applied;
      assert.deepEqual((await storedCall(w, MEETING_CALL)).roster.map((p) => p.displayName), ['John', 'Calling Bot']);
    });

    it('a body that is not a commsNotifications envelope is refused, having changed nothing', async () => {
      await seedCall(w, MEETING_CALL, 'meeting');
      const writes = w.documents.writesUnder('');
      await assert.rejects(w.inbox.deliver({ value: 'not a list' }, { tenantId: TENANT_ID }), InvalidNotificationError);
      assert.equal(w.documents.writesUnder(''), writes);
    });

    it('two calls proceed in parallel: a held write for one does not hold up the other', async () => {
      await seedCall(w, MEETING_CALL, 'meeting');
      await seedCall(w, P2P_CALL, 'peerToPeer');
      const release = w.documents.hold(`calls/${MEETING_CALL}`);
      let meetingDone = false;
      const meeting = w.receive(stateBody(MEETING_CALL, 'established')).then(() => (meetingDone = true));
      try {
        await eventually(() => w.documents.waiting.has(`calls/${MEETING_CALL}`), "the meeting's write to be under way");
        await within(w.receive(stateBody(P2P_CALL, 'established')), 5000, "the other call's POST");
        assert.equal((await storedCall(w, P2P_CALL)).state, 'established');
        assert.equal(meetingDone, false, "the meeting's write is still held");
      } finally {
        release();
      }
      await meeting;
      assert.equal((await storedCall(w, MEETING_CALL)).state, 'established');
    });

    it('a failed write rejects the POST; the other call it named is recorded and followed up, and a redelivery completes it', async () => {
      await seedCall(w, MEETING_CALL, 'meeting');
      await seedCall(w, P2P_CALL, 'peerToPeer');
      w.documents.failNext(`calls/${MEETING_CALL}`, new Error('store unavailable'));
      const body = together(stateBody(MEETING_CALL, 'established'), stateBody(P2P_CALL, 'established'));

      await assert.rejects(w.receive(body), /store unavailable/);
      assert.equal((await storedCall(w, MEETING_CALL)).state, 'establishing');
      assert.equal((await storedCall(w, P2P_CALL)).state, 'established');
      assert.deepEqual(w.started, [P2P_CALL], 'what was recorded is still told');

      await w.receive(body);
      assert.equal((await storedCall(w, MEETING_CALL)).state, 'established');
    });
  });
});
