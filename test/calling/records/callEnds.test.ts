import assert from 'node:assert/strict';
import { GONE_AT_GRAPH, recordEnded } from '../../../src/calling/records/callEnds.js';
import { callOf } from '../../../src/calling/records/callDocument.js';
import type { CallDocument } from '../../../src/calling/records/callDocument.js';
import { newCallRecord } from '../../../src/calling/records/callRecord.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';

const AT = '2026-11-30T10:00:00.000Z';

async function establishedCall() {
  const calls = new DocumentRecordStore<CallDocument>(new MemoryDocumentStore(), 'calls/');
  await calls.update('c1', () => ({
    ...newCallRecord({ callId: 'c1', tenantId: 't', kind: 'peerToPeer', chatKey: 'chat', placedBy: { id: 'u', name: 'U' }, at: AT }),
    state: 'established' as const,
  }));
  return calls;
}

describe('recordEnded', () => {
  it('ends the call as a terminated notification would, with news for its chat', async () => {
    const calls = await establishedCall();
    assert.equal(await recordEnded(calls, 'c1', GONE_AT_GRAPH, AT), true);
    const call = callOf(await calls.get('c1'))!;
    assert.equal(call.state, 'terminated');
    assert.deepEqual(call.resultInfo, GONE_AT_GRAPH);
    const ended = call.unreported?.find((n) => n.kind === 'ended');
    assert.ok(ended, 'the end is news for the chat');
    assert.equal('answered' in ended, false);
  });

  it('marks the end as answered when the refusal of someone\'s request revealed it, and changes the rest the same way', async () => {
    const calls = await establishedCall();
    assert.equal(await recordEnded(calls, 'c1', GONE_AT_GRAPH, AT, { answered: true }), true);
    const call = callOf(await calls.get('c1'))!;
    assert.equal(call.state, 'terminated');
    assert.deepEqual(call.unreported?.filter((n) => n.kind === 'ended'), [{ kind: 'ended', reason: 'Teams could not find that call or person; the call may already have ended.', answered: true }]);
  });

  it('changes nothing, and says so, for a call already ended or never recorded', async () => {
    const calls = await establishedCall();
    await recordEnded(calls, 'c1', GONE_AT_GRAPH, AT);
    const before = await calls.get('c1');
    assert.equal(await recordEnded(calls, 'c1', GONE_AT_GRAPH, AT, { answered: true }), false);
    assert.deepEqual(await calls.get('c1'), before);
    assert.equal(await recordEnded(calls, 'nothing', GONE_AT_GRAPH, AT), false);
    assert.equal(await calls.get('nothing'), undefined);
  });
});
