import assert from 'node:assert/strict';
import { newCallRecord } from '../../../src/calling/records/callRecord.js';
import type { CallRecord } from '../../../src/calling/records/callRecord.js';
import { CallingApiError } from '../../../src/calling/errors.js';
import { continueEscalations } from '../../../src/calling/notifications/escalationFollowUp.js';
import type { Report } from '../../../src/calling/notifications/notificationProcessor.js';

const at = '2026-11-23T20:00:00.000Z';
function groupCall(callId: string, pending: boolean): CallRecord {
  const record = newCallRecord({ callId, tenantId: 't', kind: 'group', chatKey: `chat-${callId}`, handle: '#2', placedBy: { id: 'u', name: 'U' }, state: 'established', at });
  return pending ? { ...record, pendingEscalation: { peerToPeerCallId: 'p2p' } } : record;
}
const report = (record: CallRecord): Report => ({ kind: 'call', chatKey: record.chatKey, callId: record.callId, record, changes: [] });

describe('continueEscalations', () => {
  it('continues only calls with a pending escalation and says which step failed, in the user\'s words', async () => {
    const continued: string[] = [];
    const forbidden = new CallingApiError('graphForbidden', 'Rally lacks Calls.InitiateGroupCall.All.', { status: 403 });
    const desk = {
      continueEscalation: async (record: CallRecord) => {
        continued.push(record.callId);
        if (record.callId === 'b') throw forbidden;
        return undefined;
      },
    };
    const failures = await continueEscalations([report(groupCall('a', true)), report(groupCall('b', true)), report(groupCall('c', false))], desk);
    assert.deepEqual(continued, ['a', 'b']);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.chatKey, 'chat-b');
    assert.equal(failures[0]!.message, 'Could not move the one-to-one call into #2. Rally lacks Calls.InitiateGroupCall.All.');
    assert.equal(failures[0]!.error, forbidden);
  });
});
