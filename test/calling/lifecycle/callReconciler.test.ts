import assert from 'node:assert/strict';
import { CallKeeper } from '../../../src/calling/records/callKeeper.js';
import { CallReconciler } from '../../../src/calling/lifecycle/callReconciler.js';
import { CallingApiError } from '../../../src/calling/errors.js';
import { callOf } from '../../../src/calling/records/callDocument.js';
import type { CallDocument } from '../../../src/calling/records/callDocument.js';
import { newCallRecord } from '../../../src/calling/records/callRecord.js';
import type { Call } from '../../../src/calling/requests/graphTypes.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';
import { LogCapture } from '../../support/logCapture.js';
import { sentence } from '../../../src/i18n/sentence.js';

function build(getCall: (callId: string) => Promise<Call>) {
  const calls = new DocumentRecordStore<CallDocument>(new MemoryDocumentStore(), 'calls/');
  const followedUp: string[] = [];
  const reconciler = new CallReconciler({
    calls: new CallKeeper(calls),
    api: { getCall: async (_tenant, callId) => getCall(callId) },
    followUp: { followUp: async (callId) => void followedUp.push(callId) },
    jobs: { schedule: async (name) => name },
    everyMs: 60_000,
    log: new LogCapture().log,
  });
  const seed = async (callId: string) =>
    calls.update(callId, () => ({ ...newCallRecord({ callId, tenantId: 't', kind: 'group', chatKey: 'c', placedBy: { id: 'u', name: 'U' }, at: new Date().toISOString() }), state: 'established' as const }));
  return { calls, followedUp, reconciler, seed };
}

const graphError = (code: string, status: number) => new CallingApiError(code, sentence('graph.callGone'), { status });

describe('CallReconciler', () => {
  it('records a call Graph answers 404 for as ended, and has its chat told', async () => {
    const { calls, followedUp, reconciler, seed } = build(async () => Promise.reject(graphError('callNotFound', 404)));
    await seed('gone');
    await reconciler.check('gone');
    assert.equal(callOf(await calls.get('gone'))?.state, 'terminated');
    assert.deepEqual(followedUp, ['gone']);
  });

  it('leaves a call Graph still has, or could not say about (5xx, timeout), as it was, for the next round', async () => {
    for (const answer of [async () => ({ id: 'c', state: 'established' }) as Call, async () => Promise.reject(graphError('graphUnavailable', 503))]) {
      const { calls, followedUp, reconciler, seed } = build(answer);
      await seed('c');
      await reconciler.check('c');
      assert.equal(callOf(await calls.get('c'))?.state, 'established');
      assert.deepEqual(followedUp, []);
    }
  });
});
