import assert from 'node:assert/strict';
import { CallKeeper, GONE_AT_GRAPH } from '../../../src/calling/records/callKeeper.js';
import { callOf } from '../../../src/calling/records/callDocument.js';
import type { CallDocument } from '../../../src/calling/records/callDocument.js';
import { newCallRecord } from '../../../src/calling/records/callRecord.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';
import { MemoryRecordStore } from '../../support/memoryRecordStore.js';
import { reasonsInEnglish } from '../../support/reasonsInEnglish.js';

const AT = '2026-11-30T10:00:00.000Z';

async function establishedCall() {
  const calls = new DocumentRecordStore<CallDocument>(new MemoryDocumentStore(), 'calls/');
  await calls.update('c1', () => ({
    ...newCallRecord({ callId: 'c1', tenantId: 't', kind: 'peerToPeer', chatKey: 'chat', placedBy: { id: 'u', name: 'U' }, at: AT }),
    state: 'established' as const,
  }));
  return new CallKeeper(calls);
}

describe('CallKeeper.recordEnded', () => {
  it('ends the call as a terminated notification would, with news for its chat', async () => {
    const calls = await establishedCall();
    assert.equal(await calls.recordEnded('c1', GONE_AT_GRAPH, AT), true);
    const call = callOf(await calls.get('c1'))!;
    assert.equal(call.state, 'terminated');
    assert.deepEqual(call.resultInfo, GONE_AT_GRAPH);
    const ended = call.unreported?.find((n) => n.kind === 'ended');
    assert.ok(ended, 'the end is news for the chat');
    assert.equal('answered' in ended, false);
  });

  it('marks the end as answered when the refusal of someone\'s request revealed it, and changes the rest the same way', async () => {
    const calls = await establishedCall();
    assert.equal(await calls.recordEnded('c1', GONE_AT_GRAPH, AT, { answered: true }), true);
    const call = callOf(await calls.get('c1'))!;
    assert.equal(call.state, 'terminated');
    assert.deepEqual(reasonsInEnglish(call.unreported?.filter((n) => n.kind === 'ended')), [{ kind: 'ended', reason: 'Teams could not find that call or person; the call may already have ended.', answered: true }]);
  });

  it('changes nothing, and says so, for a call already ended or never recorded', async () => {
    const calls = await establishedCall();
    await calls.recordEnded('c1', GONE_AT_GRAPH, AT);
    const before = await calls.get('c1');
    assert.equal(await calls.recordEnded('c1', GONE_AT_GRAPH, AT, { answered: true }), false);
    assert.deepEqual(await calls.get('c1'), before);
    assert.equal(await calls.recordEnded('nothing', GONE_AT_GRAPH, AT), false);
    assert.equal(await calls.get('nothing'), undefined);
  });
});

describe('CallKeeper steps', () => {
  const person = { id: 'u2', name: 'Alex' };
  async function kept() {
    const store = new MemoryRecordStore<CallDocument>();
    await store.update('c1', () => ({
      ...newCallRecord({ callId: 'c1', tenantId: 't', kind: 'group', chatKey: 'chat', placedBy: { id: 'u', name: 'U' }, at: AT }),
      state: 'established' as const,
      pendingEscalation: { peerToPeerCallId: 'p2p' },
    }));
    return { store, calls: new CallKeeper(store), writes: () => store.writes };
  }

  it('lets one run claim an escalation step, and another only once it saw the same (stale) claim', async () => {
    const { calls } = await kept();
    assert.equal(await calls.claimEscalation('c1', undefined, AT), true);
    assert.equal(await calls.claimEscalation('c1', undefined, AT), false, 'the step is claimed now');
    assert.equal(await calls.claimEscalation('c1', AT, '2026-11-30T10:05:00.000Z'), true, 'a takeover names the claim it saw');
    await calls.escalationTaken('c1', { kind: 'escalationUnknown' });
    const call = (await calls.get('c1'))!;
    assert.equal(call.pendingEscalation, undefined);
    assert.deepEqual(call.unreported, [{ kind: 'escalationUnknown' }]);
  });

  it('writes nothing when a step finds nothing to do', async () => {
    const { calls, writes } = await kept();
    const before = writes();
    assert.equal(await calls.releaseFromPage('c1'), false);
    assert.equal(await calls.claimKeyPrompt('c1'), false);
    await calls.shownByPage('c1');
    await calls.hangUpTaken('c1');
    await calls.notEnding('c1');
    await calls.inviteLost('c1', 'no-such-invite', false);
    assert.equal(writes(), before);
  });

  it('names who ends a call once, and forgets the name when Graph would not hang it up', async () => {
    const { calls } = await kept();
    await calls.endingBy('c1', person);
    await calls.endingBy('c1', { id: 'u3', name: 'Someone else' });
    assert.deepEqual((await calls.get('c1'))!.endedBy, person);
    await calls.notEnding('c1');
    assert.equal((await calls.get('c1'))!.endedBy, undefined);
  });

  it('never writes a step into a placeholder or into nothing', async () => {
    const store = new MemoryRecordStore<CallDocument>();
    await store.update('early', () => ({ placeholder: true, callId: 'early', createdAt: AT, events: [] }));
    const calls = new CallKeeper(store);
    assert.equal(await calls.recordEnded('early', GONE_AT_GRAPH, AT), false);
    assert.equal(await calls.ringing('none', [], 'ctx'), undefined);
    assert.equal(await store.get('none'), undefined);
  });
});
