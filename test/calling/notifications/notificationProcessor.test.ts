import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyCallEvent, newCallRecord, withInvitees } from '../../../src/calling/records/callRecord.js';
import type { CallKind, CallRecord, CallRecordEvent } from '../../../src/calling/records/callRecord.js';
import type { NotificationEvent } from '../../../src/calling/notifications/notificationEvents.js';
import { parseCommsNotifications } from '../../../src/calling/notifications/notificationParser.js';
import { adoptEarlyEvents, processNotifications } from '../../../src/calling/notifications/notificationProcessor.js';
import type { EarlyEvents, NotificationDeps, Report } from '../../../src/calling/notifications/notificationProcessor.js';
import { newOperationRecord } from '../../../src/calling/records/operationRecord.js';
import type { OperationKind, OperationRecord } from '../../../src/calling/records/operationRecord.js';
import type { UserTarget } from '../../../src/calling/targets/people.js';
import { MemoryRecordStore } from '../../support/memoryRecordStore.js';

// Ids from the documents (000 examples 1 and 3).
const GROUP_CALL = 'ab6233a5-20b7-4c5e-bea2-ce56c9776429';
const P2P_CALL = 'a7ebfb2d-871e-419c-87af-27290b22e8db';
const CONTEXT = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f';
const invited: UserTarget = { kind: 'user', id: '278405a3-f568-4b3e-b684-009193463064', displayName: 'Alice' };
const party: UserTarget = { kind: 'user', id: '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', displayName: 'Bob' };
const NOW = new Date('2024-05-01T10:00:00.000Z');

function example(name: string): NotificationEvent[] {
  return parseCommsNotifications(JSON.parse(readFileSync(new URL(`./notificationExamples/${name}.json`, import.meta.url), 'utf8')));
}

function callRecord(callId: string, kind: CallKind, handle: string, targets: UserTarget[] = []): CallRecord {
  return newCallRecord({ callId, tenantId: 't1', kind, chatKey: `chat-of-${handle}`, handle, placedBy: { id: 'u1', name: 'Pat' }, targets, at: NOW.toISOString() });
}

function operation(kind: OperationKind, callId: string, participants: UserTarget[], replacesCallId?: string): OperationRecord {
  return newOperationRecord({
    clientContext: CONTEXT,
    callId,
    tenantId: 't1',
    chatKey: 'chat-that-asked',
    kind,
    participants,
    ...(replacesCallId === undefined ? {} : { replacesCallId }),
    requestedBy: { id: 'u1', name: 'Pat' },
    at: NOW.toISOString(),
  });
}

class World {
  readonly calls = new MemoryRecordStore<CallRecord>();
  readonly operations = new MemoryRecordStore<OperationRecord>();
  readonly deps: NotificationDeps = { calls: this.calls, operations: this.operations, clock: () => NOW };

  process(...names: string[]): Promise<Report[]> {
    return processNotifications(names.flatMap(example), this.deps);
  }
}

function summary(reports: Report[]): string[] {
  return reports.map((r) => {
    if (r.kind === 'ignored') return `ignored ${r.reason}`;
    const changes = r.changes.map((c) => ('outcome' in c ? c.kind : c.kind === 'inviteeUpdated' ? `${c.kind}:${c.invitee.outcome}` : c.kind));
    return `${r.kind} ${r.chatKey}: ${changes.join(', ')}`;
  });
}

describe('processNotifications', () => {
  it('an invite completes: the chat that asked hears it, the call card sees the person join (000 example 1)', async () => {
    const world = new World();
    world.calls.put(GROUP_CALL, withInvitees(callRecord(GROUP_CALL, 'group', '#1'), [invited], CONTEXT));
    world.operations.put(CONTEXT, operation('invite', GROUP_CALL, [invited]));

    const reports = await world.process('invite-1-operation-completed', 'invite-1-roster');
    assert.deepEqual(summary(reports), [
      'operation chat-that-asked: operationCompleted',
      'call chat-of-#1: inviteeUpdated:joined',
      'call chat-of-#1: participantJoined',
    ]);
    const op = await world.operations.get(CONTEXT);
    assert.equal(op?.status, 'completed');
    assert.equal(op?.operationId, 'eec3812a-fdc3-4fb4-825c-a06c9f35414e');
    const [, call] = reports;
    assert.equal(call?.kind === 'call' && call.record.invitees[0]?.outcome, 'joined');
    assert.deepEqual((await world.calls.get(GROUP_CALL))?.invitees.map((i) => i.outcome), ['joined']);
  });

  it('applies nothing a tenant sends about another tenant\'s calls or operations', async () => {
    const world = new World();
    world.calls.put(GROUP_CALL, withInvitees(callRecord(GROUP_CALL, 'group', '#1'), [invited], CONTEXT));
    world.operations.put(CONTEXT, operation('invite', GROUP_CALL, [invited]));
    const events = ['invite-1-operation-completed', 'invite-1-roster'].flatMap(example);
    const writes = world.calls.writes + world.operations.writes;

    const stranger = await processNotifications(events, world.deps, { tenantId: 'someone-else' });
    assert.deepEqual(summary(stranger), ['ignored otherTenant', 'ignored otherTenant']);
    assert.equal(world.calls.writes + world.operations.writes, writes);

    const owner = await processNotifications(events, world.deps, { tenantId: 'T1' });
    assert.equal(owner.filter((r) => r.kind !== 'ignored').length, 3, 'the owning tenant (any case) is heard');
  });

  it('keeps early events with their sender and adopts only those of the call\'s own tenant', async () => {
    const world = new World();
    const early = new MemoryRecordStore<EarlyEvents>();
    const deps: NotificationDeps = { ...world.deps, early };
    const callId = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
    await processNotifications(example('meeting-established'), deps, { tenantId: 'someone-else' });
    world.calls.put(callId, newCallRecord({ callId, tenantId: 't1', kind: 'meeting', chatKey: 'c', placedBy: { id: 'u', name: 'n' }, at: NOW.toISOString() }));

    assert.deepEqual(summary(await adoptEarlyEvents(callId, deps)), ['ignored otherTenant']);
    assert.equal((await world.calls.get(callId))?.state, 'establishing');

    await processNotifications(example('meeting-established'), { ...deps, calls: new MemoryRecordStore<CallRecord>() }, { tenantId: 't1' });
    assert.deepEqual(summary(await adoptEarlyEvents(callId, deps)), ['call c: stateChanged']);
    assert.equal((await world.calls.get(callId))?.state, 'established');
  });

  it('a redelivered body changes nothing and reports nothing', async () => {
    const world = new World();
    world.calls.put(GROUP_CALL, withInvitees(callRecord(GROUP_CALL, 'group', '#1'), [invited], CONTEXT));
    world.operations.put(CONTEXT, operation('invite', GROUP_CALL, [invited]));
    await world.process('invite-1-operation-completed', 'invite-1-roster');
    const writes = world.calls.writes + world.operations.writes;

    assert.deepEqual(await world.process('invite-1-operation-completed', 'invite-1-roster'), []);
    assert.equal(world.calls.writes + world.operations.writes, writes);
  });

  it('ignores what Rally does not know, without writing', async () => {
    const world = new World();
    const unfollowed = parseCommsNotifications({
      value: [{ changeType: 'updated', resourceUrl: '/communications/calls/x/audioRoutingGroups/y', resourceData: {} }],
    });
    const reports = await processNotifications([...example('meeting-established'), ...example('invite-2-operation-completed'), ...unfollowed], world.deps);
    assert.deepEqual(summary(reports), ['ignored unknownCall', 'ignored unknownOperation', 'ignored notFollowed']);
    assert.equal(world.calls.writes + world.operations.writes, 0);
  });

  it('out of order within one body: established then establishing ends established, reported once', async () => {
    const world = new World();
    const callId = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
    world.calls.put(callId, newCallRecord({ callId, tenantId: 't1', kind: 'meeting', chatKey: 'c', placedBy: { id: 'u', name: 'n' }, state: 'incoming', at: NOW.toISOString() }));
    const reports = await world.process('meeting-established', 'meeting-establishing');
    assert.deepEqual(summary(reports), ['call c: stateChanged']);
    assert.equal((await world.calls.get(callId))?.state, 'established');
  });

  describe('escalation (000 example 3)', () => {
    function escalated(): World {
      const world = new World();
      const p2p = callRecord(P2P_CALL, 'peerToPeer', '#1', [party]);
      world.calls.put(P2P_CALL, applyCallEvent(p2p, { kind: 'callState', callId: P2P_CALL, changeType: 'updated', state: 'established' }, NOW.toISOString()).record);
      world.calls.put(GROUP_CALL, withInvitees(callRecord(GROUP_CALL, 'group', '#2'), [party], CONTEXT));
      world.operations.put(CONTEXT, operation('escalate', GROUP_CALL, [party], P2P_CALL));
      return world;
    }
    const p2pTerminated = (): NotificationEvent[] =>
      parseCommsNotifications({
        value: [
          {
            changeType: 'updated',
            resourceUrl: `/communications/calls/${P2P_CALL}`,
            resourceData: { state: 'terminated', resultInfo: { code: 200, subcode: 7015 } },
          },
          { changeType: 'deleted', resourceUrl: `/communications/calls/${P2P_CALL}`, resourceData: { '@odata.type': '#microsoft.graph.call' } },
        ],
      });

    it('after completed, the peer-to-peer call is reported as moved into the group call', async () => {
      const world = escalated();
      const reports = await world.process('invite-3-operation-completed');
      assert.deepEqual(summary(reports), [
        'operation chat-that-asked: operationCompleted',
        'call chat-of-#2: inviteeUpdated:joined',
        'call chat-of-#1: movedIntoGroupCall',
      ]);
      const ended = await processNotifications(p2pTerminated(), world.deps);
      assert.deepEqual(summary(ended), ['call chat-of-#1: stateChanged, ended']);
      const [report] = ended;
      assert.deepEqual(report?.kind === 'call' && report.changes.find((c) => c.kind === 'ended'), {
        kind: 'ended',
        reason: 'The call moved into group call #2.',
      });
      const p2p = await world.calls.get(P2P_CALL);
      assert.equal(p2p?.state, 'terminated');
      assert.deepEqual(p2p?.replacedBy, { callId: GROUP_CALL, handle: '#2' });
    });

    it('termination arriving before the operation result still ends up moved', async () => {
      const world = escalated();
      await processNotifications(p2pTerminated(), world.deps);
      const reports = await world.process('invite-3-operation-completed');
      assert.equal(summary(reports).at(-1), 'call chat-of-#1: movedIntoGroupCall');
      const p2p = await world.calls.get(P2P_CALL);
      assert.equal(p2p?.state, 'terminated');
      assert.equal(p2p?.replacedBy?.callId, GROUP_CALL);
      assert.deepEqual(await world.process('invite-3-operation-completed'), []);
    });

    it('a failed escalation leaves the peer-to-peer call alone', async () => {
      const world = escalated();
      const failed = example('invite-3-operation-completed').map((e) =>
        e.kind === 'operation' ? { ...e, status: 'failed' as const, resultInfo: { code: 486 } } : e,
      );
      const reports = await processNotifications(failed, world.deps);
      assert.deepEqual(summary(reports), ['operation chat-that-asked: operationFailed', 'call chat-of-#2: inviteeUpdated:failed']);
      assert.equal((await world.calls.get(P2P_CALL))?.replacedBy, undefined);
    });
  });

  describe('concurrent writers (eTag conflicts)', () => {
    it('re-applies the change on top of the other write, and reports only the final application', async () => {
      const world = new World();
      const callId = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
      world.calls.put(callId, callRecord(callId, 'meeting', '#1'));
      // Another instance stores the roster between this update's read and its write.
      const [roster] = example('meeting-roster') as CallRecordEvent[];
      world.calls.conflictOnce(callId, (current) => applyCallEvent(current!, roster!, NOW.toISOString()).record);

      const reports = await world.process('meeting-established');
      assert.equal(world.calls.changeRuns.get(callId), 2);
      assert.deepEqual(summary(reports), ['call chat-of-#1: stateChanged']);
      const stored = await world.calls.get(callId);
      assert.equal(stored?.state, 'established');
      assert.deepEqual(stored?.roster.map((e) => e.displayName), ['John', 'Calling Bot']);
    });

    it('reports nothing when the other instance already applied the same notification', async () => {
      const world = new World();
      world.calls.put(GROUP_CALL, withInvitees(callRecord(GROUP_CALL, 'group', '#1'), [invited], CONTEXT));
      world.operations.put(CONTEXT, operation('invite', GROUP_CALL, [invited]));
      const [completed] = example('invite-1-operation-completed');
      world.operations.conflictOnce(CONTEXT, (current) => ({ ...current!, status: 'completed' }));

      const reports = await processNotifications([completed!], world.deps);
      assert.equal(world.operations.changeRuns.get(CONTEXT), 2);
      assert.deepEqual(summary(reports), ['call chat-of-#1: inviteeUpdated:joined']);
    });
  });
});
