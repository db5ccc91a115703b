import assert from 'node:assert/strict';
import type { NotifiedParticipant } from '../../../src/calling/notifications/notificationEvents.js';
import { applyFullRoster, applyRosterDelta, sameRoster } from '../../../src/calling/records/roster.js';
import type { RosterEntry } from '../../../src/calling/records/roster.js';

const alice: RosterEntry = { key: 'p-1', participantId: 'p-1', kind: 'user', identityId: 'u-1', displayName: 'Alice', muted: false, inLobby: false };
const bob: RosterEntry = { key: 'p-2', kind: 'phone', identityId: '+14255550100', muted: true, inLobby: false, sequenceNumber: 3, removed: { reason: 'Left' } };

describe('sameRoster', () => {
  it('is true for equal entries in the same order, whatever the order of their fields', () => {
    const reordered = Object.fromEntries(Object.entries(bob).reverse()) as unknown as RosterEntry;
    assert.equal(sameRoster([alice, bob], [structuredClone(alice), reordered]), true);
    assert.equal(sameRoster([], []), true);
  });

  it('is false when any field differs, is missing or is added, or the order or length differs', () => {
    const variants: RosterEntry[] = [
      { ...alice, key: 'p-9' },
      { ...alice, participantId: 'p-9' },
      { ...alice, kind: 'guest' },
      { ...alice, identityId: 'u-9' },
      { ...alice, displayName: 'Alicia' },
      { ...alice, muted: true },
      { ...alice, inLobby: true },
      { ...alice, sequenceNumber: 1 },
      { ...alice, removed: {} },
    ];
    for (const variant of variants) assert.equal(sameRoster([alice], [variant]), false, JSON.stringify(variant));
    const { displayName: _gone, ...withoutName } = alice;
    assert.equal(sameRoster([alice], [withoutName]), false);
    assert.equal(sameRoster([withoutName], [alice]), false);
    assert.equal(sameRoster([bob], [{ ...bob, removed: {} }]), false);
    assert.equal(sameRoster([{ ...bob, removed: {} }], [bob]), false);
    const { removed: _back, ...present } = bob;
    assert.equal(sameRoster([bob], [present]), false);
    assert.equal(sameRoster([alice, bob], [bob, alice]), false);
    assert.equal(sameRoster([alice, bob], [alice]), false);
  });
});

describe('applyFullRoster', () => {
  const participant: NotifiedParticipant = { key: 'p-1', participantId: 'p-1', identity: { kind: 'user', id: 'u-1', displayName: 'Alice' }, isMuted: false, isInLobby: false };
  const stored = applyFullRoster([], [participant]).roster;

  it('a roster sent again as it was changes nothing', () => {
    assert.deepEqual(applyFullRoster(stored, [structuredClone(participant)]), { roster: stored, changes: [] });
  });

  it('a roster differing from the stored one in any field, or in whether someone left, makes a new roster', () => {
    const variants: NotifiedParticipant[] = [
      { ...participant, key: 'p-9' },
      { ...participant, participantId: 'p-9' },
      { ...participant, identity: { ...participant.identity, kind: 'guest' } },
      { ...participant, identity: { ...participant.identity, id: 'u-9' } },
      { ...participant, identity: { kind: 'user', id: 'u-1' } },
      { ...participant, isMuted: true },
      { ...participant, isInLobby: true },
      { ...participant, removed: { reason: 'Left' } },
    ];
    for (const variant of variants) assert.equal(sameRoster(applyFullRoster(stored, [variant]).roster, stored), false, JSON.stringify(variant));
    assert.deepEqual(applyFullRoster(stored, [{ ...participant, isMuted: true }]).changes.map((c) => c.kind), ['participantUpdated']);
    assert.deepEqual(applyFullRoster(stored, [{ ...participant, removed: {} }]).changes.map((c) => c.kind), ['participantLeft']);
  });

  it('an entry a delta roster set (it has a sequence number) is replaced by the full roster\'s', () => {
    const fromDelta = applyRosterDelta([], 3, [participant]).roster;
    assert.equal(applyFullRoster(fromDelta, [participant]).roster[0]!.sequenceNumber, undefined);
  });
});
