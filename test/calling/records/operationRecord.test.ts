import assert from 'node:assert/strict';
import type { OperationEvent } from '../../../src/calling/notifications/notificationEvents.js';
import { applyOperationResult, newOperationRecord } from '../../../src/calling/records/operationRecord.js';
import type { OperationRecord } from '../../../src/calling/records/operationRecord.js';
import { english } from '../../support/english.js';

const op: OperationRecord = newOperationRecord({
  clientContext: 'ctx-1',
  callId: 'call-1',
  tenantId: 't1',
  chatKey: 'chat-1',
  kind: 'invite',
  participants: [{ kind: 'user', id: 'u-alice', displayName: 'Alice' }],
  requestedBy: { id: 'u1', name: 'Pat' },
  at: '2024-05-01T10:00:00.000Z',
});

function result(status: OperationEvent['status'], extra: Partial<OperationEvent> = {}): OperationEvent {
  return { kind: 'operation', callId: 'call-1', changeType: 'deleted', operationId: 'op-1', status, clientContext: 'ctx-1', participants: [], ...extra };
}

describe('operation record', () => {
  it('starts running', () => {
    assert.equal(op.status, 'running');
    assert.equal(op.createdAt, '2024-05-01T10:00:00.000Z');
    assert.equal(op.operationId, undefined);
  });

  it('completes once; a second completed is a no-op', () => {
    const done = applyOperationResult(op, result('completed'));
    assert.deepEqual(done.changes, [{ kind: 'operationCompleted' }]);
    assert.equal(done.op.status, 'completed');
    assert.equal(done.op.operationId, 'op-1');
    const again = applyOperationResult(done.op, result('completed'));
    assert.equal(again.op, done.op);
    assert.deepEqual(again.changes, []);
  });

  it('a late running after completed does not regress', () => {
    const done = applyOperationResult(op, result('completed')).op;
    for (const late of [result('running'), result('notStarted'), result('failed', { resultInfo: { code: 500 } })]) {
      const update = applyOperationResult(done, late);
      assert.equal(update.op, done);
      assert.deepEqual(update.changes, []);
    }
  });

  it('fails with the reason in words and keeps the resultInfo', () => {
    const failed = applyOperationResult(op, result('failed', { operationId: null, resultInfo: { code: 403, message: 'Forbidden' } }));
    assert.equal(failed.op.status, 'failed');
    assert.deepEqual(failed.op.resultInfo, { code: 403, message: 'Forbidden' });
    assert.equal(failed.op.operationId, undefined);
    assert.equal(failed.changes.length, 1);
    const [change] = failed.changes;
    assert.equal(change?.kind, 'operationFailed');
    assert.match(change.kind === 'operationFailed' ? english(change.reason) : '', /Calls\.InitiateGroupCall\.All/);
  });

  it('running only learns the operation id', () => {
    const running = applyOperationResult(op, result('running'));
    assert.deepEqual(running.changes, []);
    assert.deepEqual(running.op, { ...op, operationId: 'op-1' });
    assert.equal(applyOperationResult(running.op, result('running')).op, running.op);
  });

  it('is correlated by clientContext, not by operation id', () => {
    const other = applyOperationResult(op, result('completed', { clientContext: 'ctx-2' }));
    assert.equal(other.op, op);
    assert.deepEqual(other.changes, []);
    const byContext = applyOperationResult({ ...op, operationId: 'op-1' }, result('completed', { operationId: 'something-else' }));
    assert.deepEqual(byContext.changes, [{ kind: 'operationCompleted' }]);
    assert.equal(byContext.op.operationId, 'op-1');
  });
});
