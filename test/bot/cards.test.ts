import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { renderCallCard } from '../../src/bot/callCardView.js';
import { renderHelpCard } from '../../src/bot/helpCard.js';
import type { AdaptiveCardJson } from '../../src/bot/cardTemplates.js';
import { applyCallEvent, newCallRecord } from '../../src/calling/records/callRecord.js';
import type { CallRecord } from '../../src/calling/records/callRecord.js';
import type { E164 } from '../../src/calling/targets/phoneNumber.js';

// The package's main entry does not load in Node 20 (shared/spec/local-e2e.md); its browser bundle parses without a DOM.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.min.js');

function validationProblems(card: AdaptiveCardJson): string[] {
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents as { message: string }[]) problems.push(event.message);
  return problems;
}

const at = '2026-11-23T20:00:00.000Z';
const placed = newCallRecord({
  callId: 'call-1',
  tenantId: 'tenant',
  kind: 'peerToPeer',
  chatKey: 'chat',
  handle: '#1',
  placedBy: { id: 'u', name: 'Diego' },
  targets: [{ kind: 'user', id: 'adele', displayName: 'Adele Vance' }, { kind: 'phone', number: '+14255550100' as E164 }],
  at,
});
const established = applyCallEvent(placed, { kind: 'callState', callId: 'call-1', changeType: 'updated', state: 'established' }, at).record;
const ended = applyCallEvent(established, { kind: 'callState', callId: 'call-1', changeType: 'updated', state: 'terminated', resultInfo: { code: 603 } }, at).record;

function cardText(card: AdaptiveCardJson): string {
  return JSON.stringify(card);
}

function actions(card: AdaptiveCardJson): string[] {
  return ((card.actions ?? []) as { title: string }[]).map((a) => a.title);
}

describe('cards', () => {
  const records: [string, CallRecord][] = [['establishing', placed], ['established', established], ['ended', ended]];
  for (const [name, record] of records) {
    it(`renders a valid Adaptive Card 1.5 for a ${name} call`, () => {
      for (const pickerSupported of [true, false]) {
        const card = renderCallCard(record, { pickerSupported, revision: 'r1' });
        // The renderer predates Teams' dynamic typeahead (`choices.data` with Data.Query), so it wants static choices.
        const expected = pickerSupported && record.state !== 'terminated' ? ['An Input.ChoiceSet must have at least one choice defined.'] : [];
        assert.deepEqual(validationProblems(card), expected);
        assert.equal(card.version, '1.5');
        assert.doesNotMatch(cardText(card), /\$\{/, 'every template binding is expanded');
      }
    });
  }

  it('shows state and each person\'s outcome, and offers buttons only while the call is live', () => {
    const live = renderCallCard(established, { pickerSupported: false, revision: 'r1' });
    assert.match(cardText(live), /"Connected"/);
    assert.match(cardText(live), /Adele Vance.*Joined/);
    assert.deepEqual(actions(live), ['Invite', 'Escalate', 'Hang up', 'Refresh']);
    const over = renderCallCard(ended, { pickerSupported: false, revision: 'r2' });
    assert.match(cardText(over), /"Ended"/);
    assert.deepEqual(actions(over), ['Refresh']);
  });

  it('turns an ended call into its summary: how long it lasted, who was there for how long, who hung up', () => {
    const connected = applyCallEvent(placed, { kind: 'callState', callId: 'call-1', changeType: 'updated', state: 'established' }, '2026-11-23T20:00:10.000Z').record;
    const hungUp = applyCallEvent(
      { ...connected, endedBy: { id: 'u', name: 'Diego' } },
      { kind: 'callState', callId: 'call-1', changeType: 'deleted', state: 'terminated' },
      '2026-11-23T20:04:22.000Z',
    ).record;
    const text = cardText(renderCallCard(hungUp, { pickerSupported: false, revision: 'r3' }));
    assert.match(text, /Lasted 4 min 12 s · hung up by Diego/);
    assert.match(text, /Adele Vance.*Joined for 4 min 12 s/);
    assert.deepEqual(validationProblems(renderCallCard(hungUp, { pickerSupported: false, revision: 'r3' })), []);
    assert.doesNotMatch(cardText(renderCallCard(connected, { pickerSupported: false, revision: 'r4' })), /Lasted/, 'a live call has no summary');
  });

  it('shows the people in a meeting from Graph\'s roster, since Rally rang nobody there', () => {
    const meeting = newCallRecord({ callId: 'm', tenantId: 't', kind: 'meeting', chatKey: 'c', handle: '#2', placedBy: { id: 'u', name: 'Diego' }, at });
    const withRoster = applyCallEvent(meeting, {
      kind: 'roster',
      callId: 'm',
      participants: [
        { key: 'p1', participantId: 'p1', identity: { kind: 'user', id: 'alex', displayName: 'Alex Wilber' }, isMuted: false, isInLobby: false },
        { key: 'p2', participantId: 'p2', identity: { kind: 'user', id: 'megan', displayName: 'Megan Bowen' }, isMuted: false, isInLobby: true },
      ],
    }, at).record;
    const text = cardText(renderCallCard(withRoster, { pickerSupported: false, revision: 'r5' }));
    assert.match(text, /Alex Wilber.*In the meeting/);
    assert.match(text, /Megan Bowen.*In the lobby/);
  });

  it('offers the Graph people picker only where the client supports it, and always a plain field', () => {
    const withPicker = cardText(renderCallCard(placed, { pickerSupported: true, revision: 'r' }));
    const without = cardText(renderCallCard(placed, { pickerSupported: false, revision: 'r' }));
    assert.match(withPicker, /graph\.microsoft\.com\/users/);
    assert.doesNotMatch(without, /Data\.Query/);
    for (const card of [withPicker, without]) assert.match(card, /"id":"people"/);
  });

  it('uses Action.Execute with the call id and card revision on every button', () => {
    const card = renderCallCard(established, { pickerSupported: false, revision: 'rev-7' });
    for (const action of card.actions as { type: string; data: { callId: string; rev: string } }[]) {
      assert.equal(action.type, 'Action.Execute');
      assert.deepEqual(action.data, { callId: 'call-1', rev: 'rev-7' });
    }
  });

  it('renders a valid help card listing every command', () => {
    const card = renderHelpCard('Rally');
    assert.deepEqual(validationProblems(card), []);
    for (const command of ['call', 'join', 'invite', 'escalate', 'move', 'calls', 'status', 'hangup']) {
      assert.match(cardText(card), new RegExp(`"title":"${command}\\b`));
    }
  });
});
