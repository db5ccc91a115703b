import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { renderCallCard } from '../../src/bot/callCardView.js';
import { renderHelpCard } from '../../src/bot/helpCard.js';
import { outcomeLine, renderPageCard } from '../../src/bot/pageCardView.js';
import { readCardAction } from '../../src/bot/cardActions.js';
import { InvalidRequestError } from '../../src/calling/errors.js';
import type { PageRecord, PageStep } from '../../src/calling/paging/pageRecord.js';
import type { CallTarget } from '../../src/calling/targets/people.js';
import type { AdaptiveCardJson } from '../../src/bot/cardTemplates.js';
import type { BridgeMeeting } from '../../src/calling/bridges/bridgeMeeting.js';
import { applyCallEvent, newCallRecord, withInviteParticipants, withInvitees } from '../../src/calling/records/callRecord.js';
import { targetKey } from '../../src/calling/targets/people.js';
import type { CallRecord } from '../../src/calling/records/callRecord.js';
import type { E164 } from '../../src/calling/targets/phoneNumber.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import type { Language } from '../../src/i18n/languages.js';
import { Translator } from '../../src/i18n/translator.js';

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

/** A request that named no language: English, as every card spoke before Rally had other languages. */
const EN = new Translator();

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

const adeleTarget: CallTarget = { kind: 'user', id: 'adele', displayName: 'Adele Vance' };
const leeTarget: CallTarget = { kind: 'user', id: 'lee', displayName: 'Lee Gu' };
const phoneTarget: CallTarget = { kind: 'phone', number: '+14255550100' as E164 };

/** A page of Adele, then Lee, then a phone number, each rung for 30 s; `steps` overrides each step's fields in turn. */
function pageOf(steps: Partial<PageStep>[], extra: Partial<PageRecord> = {}): PageRecord {
  const targets = [adeleTarget, leeTarget, phoneTarget];
  return {
    id: 'page-1',
    activityKey: 'message/chat/m1',
    chatKey: 'chat',
    tenantId: 'tenant',
    requestedBy: { id: 'u', name: 'Diego' },
    steps: targets.map((target, i) => ({ target, status: 'waiting', ...steps[i] })),
    current: 0,
    waitMs: 30_000,
    state: 'paging',
    createdAt: '2026-11-23T20:00:00.123Z',
    revision: 7,
    shownRevision: 6,
    ...extra,
  };
}

const DECLINED: Partial<PageStep> = { status: 'declined', reason: 'They declined the call.' };
const pages = {
  paging: pageOf([DECLINED, { status: 'ringing', callId: 'c-lee', handle: '#5' }], { current: 1 }),
  pagingTheLast: pageOf([DECLINED, { status: 'noAnswer' }, { status: 'answered', callId: 'c-phone', handle: '#6' }], { current: 2 }),
  accepted: pageOf([DECLINED, { status: 'accepted', callId: 'c-lee', handle: '#4' }], { current: 1, state: 'accepted', endedAt: at }),
  acceptedMoving: pageOf([{ status: 'accepted', callId: 'c-adele', handle: '#4' }], {
    state: 'accepted',
    endedAt: at,
    into: { callId: 'group-1', handle: '#2' },
    move: { callId: 'group-1', handle: '#2', status: 'pending' },
  }),
  exhausted: pageOf([DECLINED, { status: 'noAnswer' }, { status: 'noConfirm' }], { current: 3, state: 'exhausted', endedAt: at }),
  stopped: pageOf([{ status: 'noAnswer' }, { status: 'stopped' }], { current: 1, state: 'stopped', endedAt: at, stoppedBy: { id: 'u', name: 'Diego' } }),
} satisfies Record<string, PageRecord>;

type Block = { type: string; text?: string; items?: Block[]; columns?: Block[] };

/** Each step's line on a page card: its name and its label. */
function stepLines(card: AdaptiveCardJson): [string, string][] {
  const list = (card.body as Block[]).find((b) => b.type === 'Container');
  assert.ok(list, 'the card lists the steps');
  return list.items!.map((row) => [row.columns![0]!.items![0]!.text!, row.columns![1]!.items![0]!.text!]);
}

function labels(page: PageRecord): string[] {
  return stepLines(renderPageCard(page, EN)).map(([, label]) => label);
}

type PageButton = { title: string; verb: string; data: Record<string, unknown> };

function button(card: AdaptiveCardJson, title: string): PageButton {
  const found = (card.actions as PageButton[]).find((a) => a.title === title);
  assert.ok(found, `the card has ${title}`);
  return found;
}

function refusedButton(verb: unknown, data: unknown): void {
  assert.throws(() => readCardAction(verb, data), (e: unknown) => {
    assert.ok(e instanceof InvalidRequestError && e.code === 'unknownButton', String(e));
    assert.equal(e.userMessage, 'That button is not one I know. Say "help" to see what I can do.');
    return true;
  }, `refuses ${String(verb)} with ${JSON.stringify(data)}`);
}

describe('cards', () => {
  const records: [string, CallRecord][] = [['establishing', placed], ['established', established], ['ended', ended]];
  for (const [name, record] of records) {
    it(`renders a valid Adaptive Card 1.5 for a ${name} call`, () => {
      for (const pickerSupported of [true, false]) {
        const card = renderCallCard(record, { pickerSupported, revision: 'r1' }, EN);
        // The renderer predates Teams' dynamic typeahead (`choices.data` with Data.Query), so it wants static choices.
        const expected = pickerSupported && record.state !== 'terminated' ? ['An Input.ChoiceSet must have at least one choice defined.'] : [];
        assert.deepEqual(validationProblems(card), expected);
        assert.equal(card.version, '1.5');
        assert.doesNotMatch(cardText(card), /\$\{/, 'every template binding is expanded');
      }
    });
  }

  it('shows state and each person\'s outcome, and offers buttons only while the call is live', () => {
    const live = renderCallCard(established, { pickerSupported: false, revision: 'r1' }, EN);
    assert.match(cardText(live), /"Connected"/);
    assert.match(cardText(live), /Adele Vance.*Joined/);
    assert.deepEqual(actions(live), ['Invite', 'Escalate', 'Hang up', 'Refresh']);
    const over = renderCallCard(ended, { pickerSupported: false, revision: 'r2' }, EN);
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
    const text = cardText(renderCallCard(hungUp, { pickerSupported: false, revision: 'r3' }, EN));
    assert.match(text, /Lasted 4 min 12 s · hung up by Diego/);
    assert.match(text, /Adele Vance.*Joined for 4 min 12 s/);
    assert.deepEqual(validationProblems(renderCallCard(hungUp, { pickerSupported: false, revision: 'r3' }, EN)), []);
    assert.doesNotMatch(cardText(renderCallCard(connected, { pickerSupported: false, revision: 'r4' }, EN)), /Lasted/, 'a live call has no summary');
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
    const text = cardText(renderCallCard(withRoster, { pickerSupported: false, revision: 'r5' }, EN));
    assert.match(text, /Alex Wilber.*In the meeting/);
    assert.match(text, /Megan Bowen.*In the lobby/);
  });

  it('offers the Graph people picker only where the client supports it, and always a plain field', () => {
    const withPicker = cardText(renderCallCard(placed, { pickerSupported: true, revision: 'r' }, EN));
    const without = cardText(renderCallCard(placed, { pickerSupported: false, revision: 'r' }, EN));
    assert.match(withPicker, /graph\.microsoft\.com\/users/);
    assert.doesNotMatch(without, /Data\.Query/);
    for (const card of [withPicker, without]) assert.match(card, /"id":"people"/);
  });

  it('uses Action.Execute with the call id and card revision on every button', () => {
    const card = renderCallCard(established, { pickerSupported: false, revision: 'rev-7' }, EN);
    for (const action of card.actions as { type: string; data: { callId: string; rev: string } }[]) {
      assert.equal(action.type, 'Action.Execute');
      assert.deepEqual(action.data, { callId: 'call-1', rev: 'rev-7' });
    }
  });

  it('offers "Join this meeting" on the help card of a meeting\'s chat only, as a button the bot reads as "join"', () => {
    const card = renderHelpCard(EN, 'Rally', { inMeetingChat: true, copy: 'copy-1' });
    assert.deepEqual(validationProblems(card), []);
    assert.doesNotMatch(cardText(card), /\$when|\$\{/, 'every template directive is expanded');
    assert.deepEqual(actions(card), ['Run', 'My calls', 'Status', 'Join this meeting']);
    const join = (card.actions as { title: string; verb: string; data: unknown }[]).at(-1)!;
    assert.deepEqual(readCardAction(join.verb, join.data), { verb: 'runCommand', preset: 'join', copy: 'copy-1' });
    assert.deepEqual(actions(renderHelpCard(EN, 'Rally')), ['Run', 'My calls', 'Status']);
  });

  describe('bridge card', () => {
    const meeting: BridgeMeeting = {
      subject: 'Sev1: checkout, payments down',
      joinWebUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d',
      threadId: '19:meeting_abc@thread.v2',
      messageId: '0',
      organizerId: 'u',
      tenantId: 'tenant',
      joinMeetingId: '123456789012',
      passcode: 'Ab12Cd',
    };
    /** A full roster of these people (by object id), each under the participant id `p-<id>`. */
    const roster = (...people: [id: string, name: string, inLobby?: boolean][]) => ({
      kind: 'roster' as const,
      callId: 'bridge-1',
      participants: people.map(([id, displayName, inLobby = false]) => ({ key: `p-${id}`, participantId: `p-${id}`, identity: { kind: 'user' as const, id, displayName }, isMuted: false, isInLobby: inLobby })),
    });
    const opened = newCallRecord({ callId: 'bridge-1', tenantId: 'tenant', kind: 'meeting', chatKey: 'chat', handle: '#3', placedBy: { id: 'u', name: 'Diego' }, bridge: meeting, at });
    const joined = applyCallEvent(opened, { kind: 'callState', callId: 'bridge-1', changeType: 'updated', state: 'established' }, at).record;
    // Adele came in at 20:01 (and was rung into it), Lee at 20:02 but waits in the lobby; Alex is rung and not in yet.
    const adeleIn = applyCallEvent(withInvitees(joined, [adeleTarget], 'ctx-adele'), roster(['adele', 'Adele Vance']), '2026-11-23T20:01:00.250Z').record;
    const live = applyCallEvent(
      withInvitees(adeleIn, [{ kind: 'user', id: 'alex', displayName: 'Alex Wilber' }], 'ctx-alex'),
      roster(['adele', 'Adele Vance'], ['lee', 'Lee Gu', true], ['rally-bot', '']),
      '2026-11-23T20:02:00.000Z',
    ).record;
    const over = applyCallEvent(live, { kind: 'callState', callId: 'bridge-1', changeType: 'deleted', state: 'terminated' }, '2026-11-23T20:30:00.000Z').record;
    type Action = { type: string; title: string; url?: string; verb?: string };
    const actionsOf = (record: CallRecord) => renderCallCard(record, { pickerSupported: false, revision: 'r9' }, EN).actions as Action[];
    const peopleOf = (record: CallRecord): [string, string][] => {
      const list = (renderCallCard(record, { pickerSupported: false, revision: 'r9' }, EN).body as Block[]).find((b) => b.type === 'Container' && b.items?.[0]?.type === 'ColumnSet');
      return (list?.items ?? []).map((row) => [row.columns![0]!.items![0]!.text!, row.columns![1]!.items![0]!.text!]);
    };

    for (const [name, record] of [['opening', opened], ['live', live], ['ended', over]] as const) {
      it(`renders a valid Adaptive Card 1.5 for a bridge that is ${name}, every binding expanded`, () => {
        for (const pickerSupported of [true, false]) {
          const card = renderCallCard(record, { pickerSupported, revision: 'r9' }, EN);
          const expected = pickerSupported && record.state !== 'terminated' ? ['An Input.ChoiceSet must have at least one choice defined.'] : [];
          assert.deepEqual(validationProblems(card), expected);
          assert.equal(card.version, '1.5');
          assert.doesNotMatch(cardText(card), /\$\{/, 'every template binding is expanded');
        }
      });
    }

    it('is titled by its subject, labelled Bridge, and gives the meeting id and passcode as Teams prints them', () => {
      const card = renderCallCard(live, { pickerSupported: false, revision: 'r9' }, EN);
      const texts = JSON.stringify(card.body);
      assert.match(texts, /"text":"Sev1: checkout, payments down"/);
      assert.match(texts, /"text":"#3 · Bridge"/);
      assert.match(texts, /"text":"Meeting ID 123 456 789 012 · Passcode Ab12Cd"/);
      const { passcode: _passcode, ...noPasscode } = meeting;
      assert.match(cardText(renderCallCard({ ...live, bridge: noPasscode }, { pickerSupported: false, revision: 'r9' }, EN)), /"text":"Meeting ID 123 456 789 012"/);
      const { joinMeetingId: _id, ...noId } = meeting;
      assert.doesNotMatch(cardText(renderCallCard({ ...live, bridge: noId }, { pickerSupported: false, revision: 'r9' }, EN)), /Meeting ID/, 'no dial-in line without an id');
    });

    it('offers Join (opening the join link), Invite, Page and End bridge while live', () => {
      const actions = actionsOf(live);
      assert.deepEqual(actions.map((a) => a.title), ['Join', 'Invite', 'Page', 'End bridge', 'Refresh']);
      assert.deepEqual(actions[0], { type: 'Action.OpenUrl', title: 'Join', url: meeting.joinWebUrl, style: 'positive' });
      assert.deepEqual(actions.map((a) => a.verb), [undefined, 'invite', 'pageInto', 'hangup', 'refresh']);
      assert.deepEqual(actionsOf(opened).map((a) => a.title), ['Join', 'Invite', 'Page', 'End bridge', 'Refresh'], 'from the moment Rally is joining');
    });

    it('an ended bridge offers no Join, nor anything but Refresh', () => {
      assert.deepEqual(actionsOf(over).map((a) => a.title), ['Refresh']);
      assert.doesNotMatch(cardText(renderCallCard(over, { pickerSupported: false, revision: 'r9' }, EN)), /Action\.OpenUrl/);
    });

    it('a call that is not a bridge has no Join, no Page and no dial-in line, and hangs up as a call', () => {
      const meetingCall = applyCallEvent(newCallRecord({ ...opened, callId: 'm', bridge: undefined, at }), { kind: 'callState', callId: 'm', changeType: 'updated', state: 'established' }, at).record;
      assert.deepEqual(actionsOf(meetingCall).map((a) => a.title), ['Invite', 'Hang up', 'Refresh']);
      assert.doesNotMatch(cardText(renderCallCard(meetingCall, { pickerSupported: false, revision: 'r9' }, EN)), /Bridge|Meeting ID/);
    });

    it('lists who is in since when (in each reader\'s time), who waits in the lobby, then who was rung and is not in', () => {
      assert.deepEqual(peopleOf(live), [
        ['Adele Vance', 'In since {{TIME(2026-11-23T20:01:00Z)}}'],
        ['Lee Gu', 'In the lobby'],
        ['Alex Wilber', 'Ringing…'],
      ]);
    });

    it("keeps the time someone came in as the roster changes, and drops it once they leave", () => {
      const leeAdmitted = applyCallEvent(live, roster(['adele', 'Adele Vance'], ['lee', 'Lee Gu']), '2026-11-23T20:05:00.000Z').record;
      assert.equal(peopleOf(leeAdmitted)[0]![1], 'In since {{TIME(2026-11-23T20:01:00Z)}}');
      const adeleLeft = applyCallEvent(leeAdmitted, roster(['lee', 'Lee Gu']), '2026-11-23T20:06:00.000Z').record;
      assert.deepEqual(peopleOf(adeleLeft).map(([name]) => name), ['Lee Gu', 'Adele Vance', 'Alex Wilber'], 'Adele, who left, is listed with the people rung');
      assert.match(peopleOf(adeleLeft)[1]![1], /^Was there for 5 min/);
      const backAgain = applyCallEvent(adeleLeft, roster(['lee', 'Lee Gu'], ['adele', 'Adele Vance']), '2026-11-23T20:10:00.000Z').record;
      assert.equal(peopleOf(backAgain).find(([name]) => name === 'Adele Vance')?.[1], 'In since {{TIME(2026-11-23T20:10:00Z)}}');
    });

    it('says who was there once it has ended', () => {
      assert.deepEqual(peopleOf(over).slice(0, 2), [['Adele Vance', 'Was there'], ['Lee Gu', 'In the lobby']]);
    });
  });

  describe('buttons beside each person', () => {
    const lee: CallTarget = { kind: 'user', id: 'lee', displayName: 'Lee Gu' };
    const alex: CallTarget = { kind: 'user', id: 'alex', displayName: 'Alex Wilber' };
    const person = (key: string, id: string, displayName: string, isMuted: boolean) => ({ key, participantId: key, identity: { kind: 'user' as const, id, displayName }, isMuted, isInLobby: false });
    const bot = { key: 'p-bot', participantId: 'p-bot', identity: { kind: 'app' as const, id: 'rally', displayName: 'Rally' }, isMuted: false, isInLobby: false };

    /** A group call with Adele (unmuted) and Alex (muted) in it, and Lee still ringing under an invite Graph named p-lee for. */
    function groupCall(): CallRecord {
      const placedGroup = newCallRecord({ callId: 'group-1', tenantId: 't', kind: 'group', chatKey: 'c', handle: '#2', placedBy: { id: 'u', name: 'Diego' }, targets: [adeleTarget, alex], at });
      const up = applyCallEvent(placedGroup, { kind: 'callState', callId: 'group-1', changeType: 'updated', state: 'established' }, at).record;
      const inCall = applyCallEvent(up, { kind: 'roster', callId: 'group-1', participants: [bot, person('p-adele', 'adele', 'Adele Vance', false), person('p-alex', 'alex', 'Alex Wilber', true)] }, at).record;
      return withInviteParticipants(withInvitees(inCall, [lee], 'ctx-lee'), 'ctx-lee', new Map([[targetKey(lee), 'p-lee']]));
    }

    type Row = { columns: { items: { text?: string; actions?: { title: string; verb: string; data: Record<string, unknown> }[] }[] }[] };
    /** Each person's line: name, label, and the buttons beside them as title → data. */
    function rows(card: AdaptiveCardJson): { name: string; label: string; buttons: Record<string, { verb: string; data: Record<string, unknown> }> }[] {
      const list = (card.body as { type: string; items?: Row[] }[]).find((b) => b.type === 'Container' && (b.items ?? []).some((i) => 'columns' in i));
      return (list?.items ?? []).map((row) => ({
        name: row.columns[0]!.items[0]!.text!,
        label: row.columns[1]!.items[0]!.text!,
        buttons: Object.fromEntries((row.columns[2]?.items[0]?.actions ?? []).map((a) => [a.title, { verb: a.verb, data: a.data }])),
      }));
    }

    it('offers Mute and Remove beside each person in a group call, shows the muted one muted, and Cancel beside a ring', () => {
      const card = renderCallCard(groupCall(), { pickerSupported: false, revision: 'rev-9' }, EN);
      assert.deepEqual(validationProblems(card), []);
      assert.doesNotMatch(cardText(card), /\$\{|\$when|\$data/, 'every binding and directive is expanded');
      const data = (participantId: string) => ({ callId: 'group-1', rev: 'rev-9', participantId });
      assert.deepEqual(rows(card), [
        { name: 'Adele Vance', label: 'Joined', buttons: { Mute: { verb: 'muteParticipant', data: data('p-adele') }, Remove: { verb: 'removeParticipant', data: data('p-adele') } } },
        { name: 'Alex Wilber', label: 'Joined · muted', buttons: { Remove: { verb: 'removeParticipant', data: data('p-alex') } } },
        { name: 'Lee Gu', label: 'Ringing…', buttons: { Cancel: { verb: 'removeParticipant', data: data('p-lee') } } },
      ]);
      assert.deepEqual(readCardAction('muteParticipant', data('p-adele')), { verb: 'muteParticipant', ...data('p-adele') });
      assert.deepEqual(readCardAction('removeParticipant', data('p-lee')), { verb: 'removeParticipant', ...data('p-lee') });
    });

    it('offers nothing beside a ring Graph named no participant for, nor anyone once the call has ended', () => {
      const ringing = { ...groupCall(), invitees: groupCall().invitees.map((i) => ({ ...i, participantId: undefined })) };
      assert.deepEqual(rows(renderCallCard(JSON.parse(JSON.stringify(ringing)), { pickerSupported: false, revision: 'r' }, EN)).map((r) => Object.keys(r.buttons)), [['Mute', 'Remove'], ['Remove'], []]);
      const over = applyCallEvent(groupCall(), { kind: 'callState', callId: 'group-1', changeType: 'deleted', state: 'terminated' }, at).record;
      const card = renderCallCard(over, { pickerSupported: false, revision: 'r' }, EN);
      assert.deepEqual(validationProblems(card), []);
      assert.deepEqual(rows(card).map((r) => [r.label.includes('muted'), Object.keys(r.buttons)]), [[false, []], [false, []], [false, []]]);
    });

    it('offers nothing beside the other party of a one-to-one call: Graph mutes no one there, and removing them is hanging up', () => {
      const withRoster = applyCallEvent(established, { kind: 'roster', callId: 'call-1', participants: [bot, person('p-adele', 'adele', 'Adele Vance', false)] }, at).record;
      assert.ok(rows(renderCallCard(withRoster, { pickerSupported: false, revision: 'r' }, EN)).every((r) => Object.keys(r.buttons).length === 0));
    });

    it('offers them beside each person of a meeting\'s roster, the muted shown muted', () => {
      const meeting = newCallRecord({ callId: 'm', tenantId: 't', kind: 'meeting', chatKey: 'c', handle: '#3', placedBy: { id: 'u', name: 'Diego' }, at });
      const up = applyCallEvent(meeting, { kind: 'callState', callId: 'm', changeType: 'updated', state: 'established' }, at).record;
      const inMeeting = applyCallEvent(up, { kind: 'roster', callId: 'm', participants: [bot, person('p-adele', 'adele', 'Adele Vance', true), person('p-alex', 'alex', 'Alex Wilber', false)] }, at).record;
      const card = renderCallCard(inMeeting, { pickerSupported: false, revision: 'r' }, EN);
      assert.deepEqual(validationProblems(card), []);
      assert.deepEqual(rows(card).map((r) => [r.name, r.label, Object.keys(r.buttons)]), [
        ['Adele Vance', 'In the meeting · muted', ['Remove']],
        ['Alex Wilber', 'In the meeting', ['Mute', 'Remove']],
      ]);
    });

    it('refuses a person\'s button without the participant it is beside', () => {
      refusedButton('muteParticipant', { callId: 'group-1', rev: 'r' });
      refusedButton('removeParticipant', { callId: 'group-1', rev: 'r', participantId: '' });
      refusedButton('removeParticipant', { callId: 'group-1', rev: 'r', participantId: 'p'.repeat(257) });
    });
  });

  it('renders a valid help card listing every command', () => {
    const card = renderHelpCard(EN, 'Rally');
    assert.deepEqual(validationProblems(card), []);
    for (const command of ['call', 'bridge', 'join', 'invite', 'escalate', 'move', 'calls', 'status', 'hangup', 'mute', 'remove', 'team', 'teams']) {
      assert.match(cardText(card), new RegExp(`"title":"${command}\\b`));
    }
  });
  describe('page card', () => {
    for (const [name, page] of Object.entries(pages)) {
      it(`renders a valid Adaptive Card 1.5 for a page that is ${name}, every binding expanded`, () => {
        const card = renderPageCard(page, EN);
        assert.deepEqual(validationProblems(card), []);
        assert.equal(card.version, '1.5');
        assert.doesNotMatch(cardText(card), /\$\{/, 'every template binding is expanded');
        assert.doesNotMatch(cardText(card), /\$when|\$data/, 'no template directive is left');
      });
    }

    it('offers Skip only while a next step exists, Stop while paging, and Refresh always', () => {
      assert.deepEqual(actions(renderPageCard(pages.paging, EN)), ['Skip to next', 'Stop paging', 'Refresh']);
      assert.deepEqual(actions(renderPageCard(pages.pagingTheLast, EN)), ['Stop paging', 'Refresh']);
      for (const ended of [pages.accepted, pages.acceptedMoving, pages.exhausted, pages.stopped]) {
        assert.deepEqual(actions(renderPageCard(ended, EN)), ['Refresh'], ended.state);
      }
    });

    it('names who is paged, how long each rings, and where the one who accepts goes', () => {
      const text = cardText(renderPageCard(pages.paging, EN));
      assert.match(text, /"Paging Adele Vance, then Lee Gu, then \+14255550100"/);
      assert.match(text, /"Each rings for 30 s"/);
      assert.match(text, /"Paging…"/);
      assert.match(text, /Paged by Diego · \{\{DATE\(2026-11-23T20:00:00Z, SHORT\)\}\} \{\{TIME\(2026-11-23T20:00:00Z\)\}\}/);
      assert.match(cardText(renderPageCard({ ...pages.acceptedMoving, waitMs: 120_000 }, EN)), /"Each rings for 2 min · the one who accepts joins #2"/);
      assert.deepEqual(stepLines(renderPageCard(pages.paging, EN)).map(([name]) => name), ['1. Adele Vance', '2. Lee Gu', '3. +14255550100']);
    });

    it('labels each step as a person would say it', () => {
      assert.deepEqual(labels(pages.paging), ['Declined', 'Ringing…', 'Not rung yet']);
      assert.deepEqual(labels(pages.pagingTheLast), ['Declined', 'No answer in 30 s', 'Answered · waiting for them to press 1']);
      assert.deepEqual(labels(pages.exhausted), ['Declined', 'No answer in 30 s', 'Answered, but did not press 1 in 30 s']);
      assert.deepEqual(labels(pages.stopped), ['No answer in 30 s', 'Stopped', 'Not rung']);
      assert.deepEqual(
        labels(
          pageOf(
            [
              { status: 'refused', reason: 'The calling policy does not allow calls to that number.' },
              { status: 'failed', reason: 'Microsoft Teams could not reach them.' },
              { status: 'hungUp' },
            ],
            { current: 3, state: 'exhausted' },
          ),
        ),
        ['Not rung: The calling policy does not allow calls to that number.', 'Could not be rung: Microsoft Teams could not reach them.', 'Answered, then hung up without pressing 1'],
      );
      assert.deepEqual(labels(pageOf([{ status: 'skipped', reason: 'Skipped by Diego' }, { status: 'ringing' }], { current: 1 })).slice(0, 1), ['Skipped by Diego']);
      assert.deepEqual(labels(pageOf([{ status: 'skipped' }, { status: 'ringing' }], { current: 1 })).slice(0, 1), ['Skipped']);
      assert.deepEqual(labels(pageOf([{ status: 'noAnswer' }], { waitMs: 90_000, current: 1 })).slice(0, 1), ['No answer in 1 min 30 s']);
    });

    it('says where the one who accepted is: on their own call, moving, brought in, or left where they were', () => {
      assert.deepEqual(labels(pages.accepted)[1], 'Accepted · on #4 with Rally');
      assert.deepEqual(labels(pages.acceptedMoving)[0], 'Accepted · moving into #2');
      const move = pages.acceptedMoving.move!;
      assert.deepEqual(labels({ ...pages.acceptedMoving, move: { ...move, status: 'sent' } })[0], 'Accepted · brought into #2');
      assert.deepEqual(
        labels({ ...pages.acceptedMoving, move: { ...move, status: 'failed', failure: 'No.' } })[0],
        'Accepted · on #4 with Rally (could not be moved into #2)',
      );
    });

    it('shows the state, and leaves the outcome sentence to the chat line', () => {
      const stateOf = (page: PageRecord) => cardText(renderPageCard(page, EN));
      assert.match(stateOf(pages.accepted), /"text":"Accepted","color":"Good"/);
      assert.match(stateOf(pages.exhausted), /"text":"Nobody accepted","color":"Attention"/);
      assert.match(stateOf(pages.stopped), /"text":"Stopped","color":"Warning"/);
      assert.doesNotMatch(stateOf(pages.accepted), /accepted the page/, 'the outcome is the chat line\'s, not repeated on the card');
      assert.doesNotMatch(stateOf(pages.exhausted), /"text":"Nobody accepted the page/, 'the steps say what became of each person');
      const textBlocks = (page: PageRecord) => (renderPageCard(page, EN).body as Block[]).filter((b) => b.type === 'TextBlock').map((b) => b.text);
      assert.deepEqual(textBlocks(pages.paging), ['Paged by Diego · {{DATE(2026-11-23T20:00:00Z, SHORT)}} {{TIME(2026-11-23T20:00:00Z)}}'], 'no outcome while paging');
      assert.equal(textBlocks(pages.stopped).length, 1, 'a stopped page has no outcome line');
      assert.equal(textBlocks(pages.accepted).length, 1, 'nor an accepted one: the steps say it');
    });

    describe('outcome line', () => {
      it('accepted, nobody to move: where they are and what to say next', () => {
        assert.equal(
          outcomeLine(pages.accepted, EN),
          'Lee Gu accepted the page and is on #4 with Rally. Say "escalate" and a person to bring others in, or "hangup #4".',
        );
      });

      it('accepted with a move, pending or sent: Rally is bringing them in', () => {
        assert.equal(outcomeLine(pages.acceptedMoving, EN), 'Adele Vance accepted the page; Rally is bringing them into #2.');
        const sent = { ...pages.acceptedMoving, move: { ...pages.acceptedMoving.move!, status: 'sent' as const } };
        assert.equal(outcomeLine(sent, EN), 'Adele Vance accepted the page; Rally is bringing them into #2.');
      });

      it('a move that failed says why, and where they are instead', () => {
        const failed = { ...pages.acceptedMoving, move: { ...pages.acceptedMoving.move!, status: 'failed' as const, failure: '#2 has ended.' } };
        assert.equal(outcomeLine(failed, EN), 'Adele Vance accepted the page, but could not be brought into #2: #2 has ended. They are on #4 with Rally.');
      });

      it('nobody accepted: what became of each person', () => {
        const line = outcomeLine(pageOf([{ status: 'noAnswer' }, { status: 'noConfirm' }, { status: 'hungUp' }], { current: 3, state: 'exhausted' }), EN);
        assert.equal(
          line,
          'Nobody accepted the page: Adele Vance did not answer in 30 s, Lee Gu answered but did not press 1, and +14255550100 hung up without pressing 1.',
        );
        assert.equal(
          outcomeLine(pages.exhausted, EN),
          'Nobody accepted the page: Adele Vance declined, Lee Gu did not answer in 30 s, and +14255550100 answered but did not press 1.',
        );
      });

      it('nobody accepted: the line has no doubled punctuation, and each reason stays on the card in its own words', () => {
        const exhausted = pageOf([DECLINED, { status: 'failed', reason: 'Rally could not place the call.' }, { status: 'noAnswer' }], { current: 3, state: 'exhausted' });
        const line = outcomeLine(exhausted, EN)!;
        assert.doesNotMatch(line, /\.[;.]/, line);
        assert.match(line, /Lee Gu could not be reached/, line);
        assert.match(cardText(renderPageCard(exhausted, EN)), /"text":"Could not be rung: Rally could not place the call\."/);
      });

      it('a stopped page, or one still paging, has no outcome line', () => {
        assert.equal(outcomeLine(pages.stopped, EN), undefined);
        assert.equal(outcomeLine(pages.paging, EN), undefined);
      });
    });

    describe('buttons', () => {
      it('Skip carries the page, the step it showed ringing and the revision; the button reads it back', () => {
        const card = renderPageCard(pages.paging, EN);
        const skip = button(card, 'Skip to next');
        assert.equal(skip.verb, 'skipPageStep');
        assert.deepEqual(skip.data, { pageId: 'page-1', step: 1, rev: '7' });
        assert.deepEqual(readCardAction('skipPageStep', skip.data), { verb: 'skipPageStep', pageId: 'page-1', step: 1, rev: '7' });
        // As Teams may send it: every value a string.
        assert.deepEqual(readCardAction('skipPageStep', { pageId: 'page-1', step: '1', rev: '7' }), { verb: 'skipPageStep', pageId: 'page-1', step: 1, rev: '7' });
        const first = button(renderPageCard(pageOf([{ status: 'ringing' }]), EN), 'Skip to next');
        assert.deepEqual(readCardAction('skipPageStep', first.data), { verb: 'skipPageStep', pageId: 'page-1', step: 0, rev: '7' });
      });

      it('Stop and Refresh carry the page and the revision, and read back', () => {
        const card = renderPageCard(pages.paging, EN);
        assert.deepEqual(readCardAction('stopPage', button(card, 'Stop paging').data), { verb: 'stopPage', pageId: 'page-1', rev: '7' });
        assert.deepEqual(readCardAction('refreshPage', button(card, 'Refresh').data), { verb: 'refreshPage', pageId: 'page-1', rev: '7' });
        const refresh = (card.refresh as { action: PageButton }).action;
        assert.deepEqual(readCardAction(refresh.verb, refresh.data), { verb: 'refreshPage', pageId: 'page-1', rev: '7' });
      });

      it('refuses an unknown verb, or data no page card sends, with one sentence', () => {
        const skip = { pageId: 'page-1', step: 1, rev: '7' };
        refusedButton('skipPage', skip);
        refusedButton(undefined, skip);
        refusedButton('__proto__', skip);
        refusedButton('toString', skip);
        refusedButton('skipPageStep', undefined);
        refusedButton('skipPageStep', { ...skip, pageId: '' });
        refusedButton('skipPageStep', { ...skip, pageId: 'p'.repeat(65) });
        refusedButton('skipPageStep', { ...skip, rev: 'r'.repeat(65) });
        refusedButton('skipPageStep', { pageId: 'page-1', rev: '7' });
        for (const step of [-1, 101, 1.5, 'two', '1e9', {}]) refusedButton('skipPageStep', { ...skip, step });
        refusedButton('stopPage', { pageId: 42 });
        refusedButton('refreshPage', 'page-1');
      });

      it('refuses a Skip whose step is blank or not a number, rather than reading it as step 0 or 1', () => {
        // z.coerce.number() turns "", " ", null, false and [] into 0 and true into 1: data no page card sends.
        for (const step of ['', ' ', null, false, true, []]) refusedButton('skipPageStep', { pageId: 'page-1', step, rev: '7' });
      });
    });
  });
});

describe('cards in each language', () => {
  const hungUp = applyCallEvent({ ...established, endedBy: { id: 'u', name: 'Diego' } }, { kind: 'callState', callId: 'call-1', changeType: 'deleted', state: 'terminated' }, '2026-11-23T20:04:12.000Z').record;
  /** What each language's call card, page card and help card say for a few texts every reader sees. */
  const expected: Record<Language, { connected: string; hangUp: string; summary: RegExp; paging: string; help: string }> = {
    en: { connected: 'Connected', hangUp: 'Hang up', summary: /Lasted 4 min 12 s · hung up by Diego/, paging: 'Paging Adele Vance, then Lee Gu, then +14255550100', help: 'Rally gets people on a call' },
    fr: { connected: 'Connecté', hangUp: 'Raccrocher', summary: /Durée : 4 min 12 s · raccroché par Diego/, paging: 'Alerte : Adele Vance, puis Lee Gu, puis +14255550100', help: 'Rally réunit les gens en appel' },
    de: { connected: 'Verbunden', hangUp: 'Auflegen', summary: /Dauer: 4 Min\. 12 Sek\. · aufgelegt von Diego/, paging: 'Alarmierung: Adele Vance, dann Lee Gu, dann +14255550100', help: 'Rally holt Leute in einen Anruf' },
    es: { connected: 'Conectada', hangUp: 'Colgar', summary: /Duró 4 min 12 s · colgó Diego/, paging: 'Avisando a Adele Vance, luego Lee Gu, luego +14255550100', help: 'Rally reúne a la gente en una llamada' },
    'pt-BR': { connected: 'Conectada', hangUp: 'Desligar', summary: /Durou 4 min 12 s · encerrada por Diego/, paging: 'Acionando Adele Vance, depois Lee Gu, depois +14255550100', help: 'Rally coloca as pessoas em uma chamada' },
    ja: { connected: '接続済み', hangUp: '切断', summary: /通話時間 4分12秒 · Diego が終了/, paging: 'Adele Vance、次に Lee Gu、次に +14255550100 を呼び出し中', help: 'Rally で通話にメンバーを集めましょう' },
    'zh-Hans': { connected: '已连接', hangUp: '挂断', summary: /持续 4分12秒 · 由 Diego 挂断/, paging: '正在呼叫 Adele Vance，然后 Lee Gu，然后 +14255550100', help: 'Rally 帮你把人拉进通话' },
  };

  for (const language of LANGUAGES) {
    const t = new Translator({ locale: language });

    it(`${language}: every call, page and help card is a valid Adaptive Card 1.5, every binding expanded`, () => {
      const cards = [
        ...[placed, established, ended, hungUp].map((record) => renderCallCard(record, { pickerSupported: false, revision: 'r' }, t)),
        ...Object.values(pages).map((page) => renderPageCard(page, t)),
        renderHelpCard(t, 'Rally', { inMeetingChat: true }),
      ];
      for (const card of cards) {
        assert.deepEqual(validationProblems(card), []);
        assert.doesNotMatch(cardText(card), /\$\{|\$when|\$data/, 'every template directive is expanded');
      }
    });

    it(`${language}: the cards speak ${language}, and keep Adaptive Cards' DATE() and TIME() for the reader's zone`, () => {
      const { connected, hangUp, summary, paging, help } = expected[language];
      const live = renderCallCard(established, { pickerSupported: false, revision: 'r' }, t);
      assert.ok(cardText(live).includes(`"${connected}"`), cardText(live));
      assert.equal(actions(live).at(-2), hangUp);
      assert.match(cardText(live), /\{\{DATE\(2026-11-23T20:00:00Z, SHORT\)\}\} \{\{TIME\(2026-11-23T20:00:00Z\)\}\}/);
      assert.match(cardText(renderCallCard(hungUp, { pickerSupported: false, revision: 'r' }, t)), summary);
      const page = renderPageCard(pages.paging, t);
      assert.ok(cardText(page).includes(`"${paging}"`), cardText(page));
      assert.match(cardText(page), /\{\{DATE\(2026-11-23T20:00:00Z, SHORT\)\}\} \{\{TIME\(2026-11-23T20:00:00Z\)\}\}/);
      assert.equal((renderHelpCard(t, 'Rally').body as Block[])[0]!.text, help);
    });
  }

  it('says someone Teams named nobody for in each language\'s own words: who hung up, who paged', () => {
    const { name: _none, ...nameless } = hungUp.endedBy!;
    const someoneHungUp = { ...hungUp, endedBy: nameless };
    const someonePaged = { ...pages.paging, requestedBy: nameless };
    const said: Record<Language, [hungUpBy: string, pagedBy: string]> = {
      en: ['hung up by someone"', '"Paged by someone · '],
      fr: ['raccroché par quelqu’un"', '"Alerte lancée par quelqu’un · '],
      de: ['aufgelegt von jemandem"', '"Alarmiert von jemandem · '],
      es: ['colgó alguien"', '"Aviso de alguien · '],
      'pt-BR': ['encerrada por alguém"', '"Acionado por alguém · '],
      ja: ['誰かが終了"', '"誰かが呼び出し · '],
      'zh-Hans': ['由某人挂断"', '"由某人呼叫 · '],
    };
    for (const language of LANGUAGES) {
      const t = new Translator({ locale: language });
      const [hungUpBy, pagedBy] = said[language];
      assert.ok(cardText(renderCallCard(someoneHungUp, { pickerSupported: false, revision: 'r' }, t)).includes(hungUpBy), `${language}: ${hungUpBy}`);
      assert.ok(cardText(renderPageCard(someonePaged, t)).includes(pagedBy), `${language}: ${pagedBy}`);
    }
  });

  it('keeps the help card\'s limits in its plural forms: 5 pages, 10 in a team', () => {
    const facts = (t: Translator) => ((renderHelpCard(t, 'Rally').body as { type: string; facts?: { value: string }[] }[]).find((b) => b.type === 'FactSet')?.facts ?? []).map((f) => f.value);
    assert.ok(facts(EN).includes('Rings up to 5 people or numbers in turn until one presses 1, then brings them into this chat\'s call'), 'English page line');
    assert.ok(facts(new Translator({ locale: 'fr' })).some((v) => v.startsWith('Nomme une fois, dans l’ordre, jusqu’à 10 personnes ou numéros')), 'French team line');
  });
});
