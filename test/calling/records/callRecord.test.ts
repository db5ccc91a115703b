import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyCallEvent, callEndReason, newCallRecord, withInvitees } from '../../../src/calling/records/callRecord.js';
import type { CallChange, CallKind, CallRecord, CallRecordEvent } from '../../../src/calling/records/callRecord.js';
import type { CallState } from '../../../src/calling/requests/graphTypes.js';
import type { NotificationEvent, NotifiedParticipant, ResultSummary } from '../../../src/calling/notifications/notificationEvents.js';
import { parseCommsNotifications } from '../../../src/calling/notifications/notificationParser.js';
import type { CallTarget, PhoneTarget, UserTarget } from '../../../src/calling/targets/people.js';
import type { E164 } from '../../../src/calling/targets/phoneNumber.js';
import { english } from '../../support/english.js';
import { reasonsInEnglish } from '../../support/reasonsInEnglish.js';
import { Translator } from '../../../src/i18n/translator.js';

const AT = '2024-05-01T10:00:00.000Z';
const LATER = '2024-05-01T10:00:05.000Z';

const alice: UserTarget = { kind: 'user', id: 'AAAA0000-0000-0000-0000-00000000000A', displayName: 'Alice' };
const bob: UserTarget = { kind: 'user', id: 'bbbb0000-0000-0000-0000-00000000000b', displayName: 'Bob' };
const phone: PhoneTarget = { kind: 'phone', number: '+14255550100' as E164 };

function record(kind: CallKind = 'group', targets: CallTarget[] = [], callId = 'call-1'): CallRecord {
  return newCallRecord({ callId, tenantId: 't1', kind, chatKey: 'chat-1', handle: '#1', placedBy: { id: 'u1', name: 'Pat' }, targets, at: AT });
}

function state(value: CallState, resultInfo?: ResultSummary, callId = 'call-1'): CallRecordEvent {
  return { kind: 'callState', callId, changeType: value === 'terminated' ? 'deleted' : 'updated', state: value, ...(resultInfo ? { resultInfo } : {}) };
}

/** Applies events in order, collecting every change. */
function run(start: CallRecord, events: CallRecordEvent[]): { record: CallRecord; changes: CallChange[] } {
  return events.reduce(
    (acc, event) => {
      const update = applyCallEvent(acc.record, event, LATER);
      return { record: update.record, changes: [...acc.changes, ...update.changes] };
    },
    { record: start, changes: [] as CallChange[] },
  );
}

/** Applying it again to its own result changes nothing and returns the same object. */
function assertIdempotent(current: CallRecord, event: CallRecordEvent): void {
  const again = applyCallEvent(current, event, LATER);
  assert.equal(again.record, current);
  assert.deepEqual(again.changes, []);
}

function participant(key: string, identity: NotifiedParticipant['identity'], extra: Partial<NotifiedParticipant> = {}): NotifiedParticipant {
  return { key, identity, isMuted: false, isInLobby: false, ...extra };
}

function example(name: string): NotificationEvent[] {
  return parseCommsNotifications(JSON.parse(readFileSync(new URL(`../notifications/notificationExamples/${name}.json`, import.meta.url), 'utf8'))).events;
}

function onCall(events: NotificationEvent[], callId = 'call-1'): CallRecordEvent[] {
  return events.map((e) => {
    assert.notEqual(e.kind, 'ignored');
    return { ...(e as CallRecordEvent), callId };
  });
}

function outcomes(r: CallRecord): string[] {
  return r.invitees.map((i) => `${i.target.kind === 'phone' ? i.target.number : i.target.displayName}:${i.outcome}`);
}

describe('call record', () => {
  it('starts establishing, with the targets ringing, and survives JSON', () => {
    const r = record('peerToPeer', [alice]);
    assert.equal(r.state, 'establishing');
    assert.deepEqual(r.stateHistory, [{ state: 'establishing', at: AT }]);
    assert.deepEqual(outcomes(r), ['Alice:ringing']);
    const moved = run(r, [state('established'), ...onCall(example('meeting-roster'))]).record;
    assert.deepEqual(JSON.parse(JSON.stringify(moved)), moved);
  });

  describe('state', () => {
    it('established arriving before establishing ends established', () => {
      const r = newCallRecord({ callId: 'c', tenantId: 't', kind: 'group', chatKey: 'k', placedBy: { id: 'u', name: 'n' }, state: 'incoming', at: AT });
      const { record: after, changes } = run(r, [state('established', undefined, 'c'), state('establishing', undefined, 'c')]);
      assert.equal(after.state, 'established');
      assert.deepEqual(changes, [{ kind: 'stateChanged', from: 'incoming', to: 'established' }]);
      assert.deepEqual(after.stateHistory, [{ state: 'incoming', at: AT }, { state: 'established', at: LATER }]);
    });

    it('a repeated state is a no-op', () => {
      const established = applyCallEvent(record(), state('established'), LATER).record;
      assertIdempotent(established, state('established'));
    });

    it('may go on and off hold, but never back to establishing', () => {
      const { record: after, changes } = run(record(), [state('established'), state('hold'), state('established'), state('establishing')]);
      assert.equal(after.state, 'established');
      assert.deepEqual(
        changes.map((c) => (c.kind === 'stateChanged' ? c.to : c.kind)),
        ['established', 'hold', 'established'],
      );
    });

    it('terminated is final, and reports why the call ended', () => {
      const ended = run(record(), [state('established'), state('terminated', { code: 200, subcode: 4521 })]);
      assert.deepEqual(reasonsInEnglish(ended.changes.slice(1)), [
        { kind: 'stateChanged', from: 'established', to: 'terminated' },
        { kind: 'ended', reason: 'The other participant hung up.' },
      ]);
      assert.deepEqual(ended.record.resultInfo, { code: 200, subcode: 4521 });
      for (const late of [state('established'), state('terminating'), state('terminated', { code: 603 }), ...onCall(example('meeting-roster'))]) {
        assertIdempotent(ended.record, late);
      }
    });

    it('learns the end reason when it arrives after the end', () => {
      const gone = run(record(), [{ kind: 'callState', callId: 'call-1', changeType: 'deleted', state: 'terminated' }]);
      assert.deepEqual(reasonsInEnglish(gone.changes.at(-1)), { kind: 'ended', reason: 'The call ended.' });
      const reason = applyCallEvent(gone.record, state('terminated', { code: 200, subcode: 5002 }), LATER);
      assert.deepEqual(reasonsInEnglish(reason.changes), [{ kind: 'endReasonUpdated', reason: 'The call ended because everyone else left.' }]);
      assertIdempotent(reason.record, state('terminated', { code: 200, subcode: 5002 }));
    });

    it('the Delete call example: terminating, then terminated with string codes', () => {
      const { record: after, changes } = run(record('peerToPeer', [], '57dab8b1-894c-409a-b240-bd8beae78896'), [
        ...example('call-terminating'),
        ...example('call-terminated'),
      ] as CallRecordEvent[]);
      assert.equal(after.state, 'terminated');
      assert.deepEqual(after.resultInfo, { code: 200, subcode: 5001, message: 'The conversation has ended.' });
      assert.deepEqual(reasonsInEnglish(changes.at(-1)), { kind: 'ended', reason: 'The call ended.' });
    });
  });

  describe('invitees', () => {
    it('the one person of a peer-to-peer or PSTN call joined when it is established', () => {
      for (const [kind, target] of [['peerToPeer', alice], ['pstn', phone]] as const) {
        const { record: after, changes } = run(record(kind, [target]), [state('established')]);
        assert.equal(after.invitees[0]!.outcome, 'joined');
        assert.deepEqual(changes.at(-1), { kind: 'inviteeUpdated', invitee: { target, outcome: 'joined' }, previous: 'ringing' });
      }
      assert.deepEqual(outcomes(run(record('group', [alice, bob]), [state('established')]).record), ['Alice:ringing', 'Bob:ringing']);
    });

    it('whoever is still ringing when the call ends declined or failed, with the reason in words', () => {
      const declined = run(record('peerToPeer', [alice]), [state('terminated', { code: 603, subcode: 0 })]).record;
      assert.deepEqual(reasonsInEnglish(declined.invitees), [{ target: alice, outcome: 'declined', reason: 'They declined the call.' }]);
      const unanswered = run(record('pstn', [phone]), [state('terminated', { code: 408 })]).record;
      assert.deepEqual(reasonsInEnglish(unanswered.invitees), [{ target: phone, outcome: 'failed', reason: 'No one answered.' }]);
      const joinedFirst = run(record('peerToPeer', [alice]), [state('established'), state('terminated', { code: 603 })]).record;
      assert.equal(joinedFirst.invitees[0]!.outcome, 'joined');
    });

    it("keeps the reason as a sentence, said after the store's round trip in the language of whoever reads it", () => {
      const declined = run(record('peerToPeer', [alice]), [state('terminated', { code: 603, subcode: 0 })]);
      const stored = JSON.parse(JSON.stringify(declined)) as typeof declined;
      const french = new Translator({ locale: 'fr' });
      assert.equal(french.say(stored.record.invitees[0]!.reason!), 'La personne a refusé l’appel.');
      const ended = stored.changes.find((c) => c.kind === 'ended');
      assert.equal(ended?.kind === 'ended' ? new Translator({ locale: 'de' }).say(ended.reason) : undefined, 'Die Person hat den Anruf abgelehnt.');
    });

    it('still reads the English reason of a record written before Rally spoke languages', () => {
      const old = { ...record('peerToPeer', [alice]), invitees: [{ target: alice, outcome: 'declined' as const, reason: 'They declined the call.' }] };
      const later = applyCallEvent(old, state('terminated', { code: 603 }), LATER).record;
      assert.equal(new Translator({ locale: 'fr' }).say(later.invitees[0]!.reason!), 'They declined the call.', 'said as it was written');
    });

    it('join when they appear in the roster (users by object id in any case, phones by number), not while in the lobby', () => {
      const r = withInvitees(record('meeting'), [alice, phone], 'ctx-1');
      const lobby = participant('p-a', { kind: 'user', id: alice.id.toLowerCase() }, { isInLobby: true });
      const inLobby = applyCallEvent(r, { kind: 'roster', callId: 'call-1', participants: [lobby] }, LATER);
      assert.deepEqual(outcomes(inLobby.record), ['Alice:ringing', '+14255550100:ringing']);
      assert.deepEqual(inLobby.changes.map((c) => c.kind), ['participantJoined']);

      const admitted = applyCallEvent(
        inLobby.record,
        { kind: 'roster', callId: 'call-1', participants: [{ ...lobby, isInLobby: false }, participant('p-p', { kind: 'phone', id: '+1 425 555 0100' })] },
        LATER,
      );
      assert.deepEqual(outcomes(admitted.record), ['Alice:joined', '+14255550100:joined']);
      assert.deepEqual(
        admitted.changes.map((c) => c.kind),
        ['participantUpdated', 'participantJoined', 'inviteeUpdated', 'inviteeUpdated'],
      );
    });

    it('an invite operation decides the outcome of the people it invited, and only theirs', () => {
      const r = withInvitees(withInvitees(record('group'), [alice], 'ctx-1'), [bob], 'ctx-2');
      const failed: CallRecordEvent = {
        kind: 'operation',
        callId: 'call-1',
        changeType: 'deleted',
        operationId: null,
        status: 'failed',
        clientContext: 'ctx-1',
        resultInfo: { code: 603 },
        participants: [],
      };
      const afterFail = applyCallEvent(r, failed, LATER);
      assert.deepEqual(reasonsInEnglish(afterFail.record.invitees[0]), { target: alice, outcome: 'declined', reason: 'They declined the call.', clientContext: 'ctx-1' });
      assert.equal(afterFail.record.invitees[1]!.outcome, 'ringing');
      assertIdempotent(afterFail.record, failed);

      const forbidden = applyCallEvent(r, { ...failed, resultInfo: { code: 403 } }, LATER).record;
      assert.match(english(forbidden.invitees[0]!.reason!), /Calls\.InitiateGroupCall\.All/);

      const done = applyCallEvent(afterFail.record, { ...failed, clientContext: 'ctx-2', status: 'completed', resultInfo: undefined }, LATER);
      assert.deepEqual(outcomes(done.record), ['Alice:declined', 'Bob:joined']);
      const running = applyCallEvent(r, { ...failed, status: 'running' }, LATER);
      assert.equal(running.record, r);
    });

    it('someone who joined and leaves left; re-inviting rings them again', () => {
      const joined = run(withInvitees(record('group'), [alice], 'ctx-1'), [
        { kind: 'roster', callId: 'call-1', participants: [participant('p-a', { kind: 'user', id: alice.id })] },
      ]).record;
      const left = applyCallEvent(joined, { kind: 'roster', callId: 'call-1', participants: [] }, LATER);
      assert.deepEqual(outcomes(left.record), ['Alice:left']);
      assert.deepEqual(left.changes.map((c) => c.kind), ['participantLeft', 'inviteeUpdated']);
      assert.deepEqual(withInvitees(left.record, [alice], 'ctx-9').invitees, [{ target: alice, outcome: 'ringing', clientContext: 'ctx-9' }]);
    });
  });

  describe('roster', () => {
    it('a full roster replaces the previous one; a repeat changes nothing', () => {
      const [roster] = onCall(example('meeting-roster'));
      const first = applyCallEvent(record('meeting'), roster!, LATER);
      assert.deepEqual(first.record.roster.map((e) => e.displayName), ['John', 'Calling Bot']);
      assert.deepEqual(first.changes.map((c) => c.kind), ['participantJoined', 'participantJoined']);
      assertIdempotent(first.record, roster!);

      const [guestRoster] = onCall(example('guest-roster'));
      const replaced = applyCallEvent(first.record, guestRoster!, LATER);
      assert.deepEqual(replaced.record.roster.map((e) => [e.displayName, e.kind, e.inLobby]), [['Guest User', 'guest', true]]);
      // The guest has the bot's participant id in the document: the same participant, now a guest in the lobby.
      assert.deepEqual(replaced.changes.map((c) => c.kind), ['participantUpdated', 'participantLeft']);
    });

    it('delta updates apply per participant in sequence order; duplicates and stale ones change nothing', () => {
      const [seq1] = onCall(example('meeting-roster-delta'));
      const [seq2] = onCall(example('guest-roster-delta'));
      // The documents' two delta updates on one call, in order and reversed, end the same.
      const inOrder = run(record('meeting'), [seq1!, seq2!]);
      const reversed = run(record('meeting'), [seq2!, seq1!]);
      const byKey = (r: CallRecord) => [...r.roster].sort((a, b) => a.key.localeCompare(b.key));
      assert.deepEqual(byKey(reversed.record), byKey(inOrder.record));
      assert.equal(inOrder.record.rosterSequenceNumber, 2);
      assert.equal(reversed.record.rosterSequenceNumber, 2);
      // seq 2 re-adds the bot's participant (as the guest) after seq 1 removed it; reversed, seq 1 is stale for it.
      const present = (r: CallRecord) => r.roster.filter((e) => !e.removed).map((e) => e.displayName);
      assert.deepEqual(present(inOrder.record), ['John', 'Guest User']);
      assert.deepEqual(present(reversed.record), ['Guest User', 'John']);
      assertIdempotent(inOrder.record, seq1!);
      assertIdempotent(inOrder.record, seq2!);
    });

    it('a participant removed in a later update is not brought back by an older one', () => {
      const who = participant('p1', { kind: 'user', id: alice.id, displayName: 'Alice' });
      const joined: CallRecordEvent = { kind: 'rosterDelta', callId: 'call-1', sequenceNumber: 4, participants: [{ ...who, rosterSequenceNumber: 4 }] };
      const removed: CallRecordEvent = {
        kind: 'rosterDelta',
        callId: 'call-1',
        sequenceNumber: 5,
        participants: [{ ...who, rosterSequenceNumber: 5, removed: { reason: 'Left' } }],
      };
      const { record: after, changes } = run(withInvitees(record('group'), [alice], 'ctx'), [removed, joined]);
      assert.deepEqual(after.roster.map((e) => [e.key, e.removed]), [['p1', { reason: 'Left' }]]);
      assert.deepEqual(changes, []);
      assert.equal(after.invitees[0]!.outcome, 'ringing');

      const inOrder = run(withInvitees(record('group'), [alice], 'ctx'), [joined, removed]);
      assert.deepEqual(inOrder.changes.map((c) => c.kind), ['participantJoined', 'inviteeUpdated', 'participantLeft', 'inviteeUpdated']);
      assert.deepEqual(outcomes(inOrder.record), ['Alice:left']);
    });

    it('an update numbered like the one already applied is a repeat, even if it differs', () => {
      const who = participant('p1', { kind: 'user', id: 'x', displayName: 'X' }, { rosterSequenceNumber: 7 });
      const first = applyCallEvent(record('meeting'), { kind: 'rosterDelta', callId: 'call-1', sequenceNumber: 7, participants: [who] }, LATER);
      assertIdempotent(first.record, { kind: 'rosterDelta', callId: 'call-1', sequenceNumber: 7, participants: [{ ...who, isMuted: true }] });
    });

    it('reports mute and lobby changes', () => {
      const who = participant('p1', { kind: 'user', id: 'x', displayName: 'X' });
      const { changes } = run(record('meeting'), [
        { kind: 'roster', callId: 'call-1', participants: [who] },
        { kind: 'roster', callId: 'call-1', participants: [{ ...who, isMuted: true }] },
      ]);
      const updated = changes[1];
      assert.equal(updated?.kind, 'participantUpdated');
      assert.equal(updated.kind === 'participantUpdated' && updated.previous.muted, false);
      assert.equal(updated.kind === 'participantUpdated' && updated.participant.muted, true);
    });
  });

  describe('rosterSince', () => {
    const T1 = '2024-05-01T10:01:00.000Z';
    const T2 = '2024-05-01T10:02:00.000Z';
    const T3 = '2024-05-01T10:03:00.000Z';
    const T4 = '2024-05-01T10:04:00.000Z';
    const a = participant('p-a', { kind: 'user', id: alice.id, displayName: 'Alice' });
    const b = participant('p-b', { kind: 'user', id: bob.id, displayName: 'Bob' });
    const full = (...participants: NotifiedParticipant[]): CallRecordEvent => ({ kind: 'roster', callId: 'call-1', participants });
    const delta = (sequenceNumber: number, ...participants: NotifiedParticipant[]): CallRecordEvent => ({
      kind: 'rosterDelta',
      callId: 'call-1',
      sequenceNumber,
      participants: participants.map((p) => ({ ...p, rosterSequenceNumber: sequenceNumber })),
    });

    it('is absent until someone comes in', () => {
      assert.equal(record('meeting').rosterSince, undefined);
    });

    it('sets the time of the roster event for each person who joins, and keeps it as the roster changes', () => {
      const first = applyCallEvent(record('meeting'), full(a), T1).record;
      assert.deepEqual(first.rosterSince, { 'p-a': T1 });
      const second = applyCallEvent(first, full({ ...a, isMuted: true }, b), T2).record;
      assert.deepEqual(second.rosterSince, { 'p-a': T1, 'p-b': T2 }, 'Alice, muted since, came in at T1 still');
      const muted = applyCallEvent(second, full(a, { ...b, isMuted: true }), T3).record;
      assert.notEqual(muted, second, 'the roster did change');
      assert.deepEqual(muted.rosterSince, { 'p-a': T1, 'p-b': T2 });
    });

    it('counts someone who waited in the lobby as in from when they were let in', () => {
      const waiting = applyCallEvent(record('meeting'), full(a, { ...b, isInLobby: true }), T1).record;
      assert.deepEqual(waiting.rosterSince, { 'p-a': T1 });
      const admitted = applyCallEvent(waiting, full(a, b), T3).record;
      assert.deepEqual(admitted.rosterSince, { 'p-a': T1, 'p-b': T3 });
    });

    it('drops the time of whoever leaves, and sets a new one when they come back', () => {
      const both = run(record('meeting'), [full(a, b)]).record;
      const aliceLeft = applyCallEvent(both, full(b), T2).record;
      assert.deepEqual(aliceLeft.rosterSince, { 'p-b': LATER });
      const back = applyCallEvent(aliceLeft, full(b, a), T3).record;
      assert.deepEqual(back.rosterSince, { 'p-b': LATER, 'p-a': T3 });
      assert.deepEqual(applyCallEvent(back, full(), T4).record.rosterSince, {}, 'an empty call has nobody in since any time');
    });

    it('follows delta rosters: set on joining, kept through an update, dropped on removal, untouched by a stale update', () => {
      const joined = applyCallEvent(record('meeting'), delta(1, a), T1).record;
      assert.deepEqual(joined.rosterSince, { 'p-a': T1 });
      const updated = applyCallEvent(joined, delta(2, { ...a, isMuted: true }, b), T2).record;
      assert.deepEqual(updated.rosterSince, { 'p-a': T1, 'p-b': T2 });
      const removed = applyCallEvent(updated, delta(3, { ...a, removed: { reason: 'Left' } }), T3).record;
      assert.deepEqual(removed.rosterSince, { 'p-b': T2 });
      const stale = applyCallEvent(removed, delta(1, a), T4);
      assert.equal(stale.record, removed, 'an older update does not bring Alice back, nor her time');
    });

    it('a roster that changes nothing returns the very record, times and all', () => {
      const present = run(record('meeting'), [full(a, b)]).record;
      assertIdempotent(present, full(a, b));
      assert.equal(applyCallEvent(present, full(a, b), T4).record, present, 'even when it comes later');
      const byDelta = applyCallEvent(record('meeting'), delta(5, a), T1).record;
      assert.equal(applyCallEvent(byDelta, delta(5, a), T4).record, byDelta);
    });

    it('is not changed once the call has ended', () => {
      const ended = run(record('meeting'), [full(a), state('terminated')]).record;
      assert.equal(applyCallEvent(ended, full(a, b), T4).record, ended);
      assert.deepEqual(ended.rosterSince, { 'p-a': LATER });
    });
  });

  describe('key presses', () => {
    const press = (sequenceId: number, tone = 'tone1', callState?: CallState): CallRecordEvent => ({
      kind: 'callState',
      callId: 'call-1',
      changeType: 'updated',
      ...(callState === undefined ? {} : { state: callState }),
      keyPress: { tone, sequenceId },
    });
    const established = () => applyCallEvent(record('peerToPeer', [alice]), state('established'), AT).record;
    const sequenceIds = (r: CallRecord) => (r.keyPresses ?? []).map((k) => k.sequenceId);

    it('records a press once, by its sequence id, and reports it', () => {
      const first = applyCallEvent(established(), press(1), LATER);
      assert.deepEqual(first.record.keyPresses, [{ tone: 'tone1', sequenceId: 1 }]);
      assert.deepEqual(first.changes, [{ kind: 'keyPressed', tone: 'tone1' }]);
      assertIdempotent(first.record, press(1));
      assertIdempotent(first.record, press(1, 'tone2'));
    });

    it('keeps presses that arrive out of order sorted by sequence id', () => {
      const { record: after, changes } = run(established(), [press(3, 'tone3'), press(1, 'tone1'), press(2, 'tone2'), press(1, 'tone1')]);
      assert.deepEqual(after.keyPresses, [
        { tone: 'tone1', sequenceId: 1 },
        { tone: 'tone2', sequenceId: 2 },
        { tone: 'tone3', sequenceId: 3 },
      ]);
      assert.deepEqual(changes.map((c) => (c.kind === 'keyPressed' ? c.tone : c.kind)), ['tone3', 'tone1', 'tone2']);
    });

    it('keeps at most the latest 10', () => {
      const presses = Array.from({ length: 12 }, (_, i) => press(i + 1, i % 2 === 0 ? 'tone1' : 'pound'));
      const { record: after } = run(established(), presses);
      assert.deepEqual(sequenceIds(after), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assertIdempotent(after, press(12));
    });

    it('a redelivered press older than the 10 kept changes nothing', () => {
      // Graph redelivers: press 1 again, after 12 presses, is a duplicate the record has already let go of.
      const { record: after } = run(established(), Array.from({ length: 12 }, (_, i) => press(i + 1)));
      assertIdempotent(after, press(1));
    });

    it('a press on a terminated call changes nothing', () => {
      const ended = run(established(), [state('terminated', { code: 200, subcode: 5001 })]).record;
      assertIdempotent(ended, press(1));
      assertIdempotent(ended, press(2, 'tone1', 'established'));
      assert.equal(ended.keyPresses, undefined);
    });

    it('the documented tone notification on an established call gives only keyPressed, not a state change', () => {
      const callId = '57dab8b1-894c-409a-b240-bd8beae78896';
      const tone = {
        '@odata.type': '#microsoft.graph.commsNotifications',
        value: [
          {
            '@odata.type': '#microsoft.graph.commsNotification',
            changeType: 'updated',
            resourceUrl: `/communications/calls/${callId}`,
            resourceData: {
              '@odata.type': '#microsoft.graph.call',
              state: 'established',
              toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 1, tone: 'tone1' },
            },
          },
        ],
      };
      const [event] = parseCommsNotifications(tone).events as CallRecordEvent[];
      const before = applyCallEvent(record('peerToPeer', [alice], callId), state('established', undefined, callId), AT).record;
      const update = applyCallEvent(before, event!, LATER);
      assert.deepEqual(update.changes, [{ kind: 'keyPressed', tone: 'tone1' }]);
      assert.equal(update.record.state, 'established');
      assert.equal(update.record.stateHistory, before.stateHistory, 'no state history entry for a repeated state');
      assert.equal(update.record.invitees, before.invitees);
      assert.deepEqual(update.record, { ...before, keyPresses: [{ tone: 'tone1', sequenceId: 1 }] });
      assertIdempotent(update.record, event!);
    });

    it('a press that arrives before established is kept, and the state moves on after it', () => {
      const { record: after, changes } = run(record('peerToPeer', [alice]), [press(1, 'tone1', 'established')]);
      assert.equal(after.state, 'established');
      assert.deepEqual(changes.map((c) => c.kind), ['keyPressed', 'stateChanged', 'inviteeUpdated']);
      assert.deepEqual(after.keyPresses, [{ tone: 'tone1', sequenceId: 1 }]);
    });
  });

  it('content sharing: started once, updated silently, ended', () => {
    const events = onCall([...example('content-sharing-started'), ...example('content-sharing-updated'), ...example('content-sharing-ended')]);
    const { record: after, changes } = run(record('meeting'), events);
    assert.deepEqual(changes, [
      { kind: 'contentSharingChanged', active: true },
      { kind: 'contentSharingChanged', active: false },
    ]);
    assert.deepEqual(after.contentSharingSessionIds, []);
    assertIdempotent(after, events[2]!);
  });

  it('an escalated peer-to-peer call ends by moving into the group call', () => {
    const moved: CallRecordEvent = { kind: 'movedIntoGroupCall', callId: 'call-1', groupCallId: 'group-1', groupCallHandle: '#2' };
    const first = applyCallEvent(record('peerToPeer', [alice]), moved, LATER);
    assert.deepEqual(first.changes, [{ kind: 'movedIntoGroupCall', groupCallId: 'group-1', groupCallHandle: '#2' }]);
    assertIdempotent(first.record, moved);
    const ended = applyCallEvent(first.record, state('terminated', { code: 200, subcode: 7015 }), LATER);
    assert.deepEqual(reasonsInEnglish(ended.changes.find((c) => c.kind === 'ended')), { kind: 'ended', reason: 'The call moved into group call #2.' });
    // Whoever it was ringing moved along with the call: not "failed".
    assert.deepEqual(outcomes(ended.record), ['Alice:ringing']);
    assert.equal(english(callEndReason({ ...ended.record, replacedBy: { callId: 'group-1' } })), 'The call moved into a group call.');
  });
});
