// `mute` and `remove`, and the Mute, Remove and Cancel buttons beside each person on a call card, end to end: the real
// server, the simulator, the Bot Connector stand-in.
import assert from 'node:assert/strict';
import { AUDIT_MESSAGE } from '../../src/log/auditLog.js';
import { LogCapture } from '../support/logCapture.js';
import type { CardJson } from './connectorStandIn.js';
import { RallyHarness } from './rallyHarness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

// The simulator's demo directory.
const ADELE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';
const ALEX_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02';
const LEE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a04';

type Button = { title: string; verb: string; data: Record<string, unknown> };

/** A person's line on a card: the label beside their name, and the buttons beside it by title. */
function lineOf(card: CardJson, name: string): { label: string; buttons: Record<string, Button> } {
  const rows = (card.body as Json[]).find((b) => b.type === 'Container' && b.items?.some((i: Json) => i.type === 'ColumnSet'))?.items ?? [];
  const row = rows.find((r: Json) => r.columns[0].items[0].text === name);
  assert.ok(row, `the card shows ${name}`);
  const buttons: Button[] = row.columns[2]?.items[0].actions ?? [];
  return { label: row.columns[1].items[0].text, buttons: Object.fromEntries(buttons.map((b) => [b.title, b])) };
}

describe('muting and removing people in a call, over HTTP', function () {
  let h: RallyHarness;
  const logs = new LogCapture('info');
  beforeEach(async () => {
    h = await RallyHarness.start({ parts: { log: logs.log } });
  });
  afterEach(async () => {
    await h.close();
  });

  /** The participant the simulator's latest roster of the call shows for a user, or undefined once they left. */
  function inRoster(callId: string, userId: string): Json {
    const rosters = h.sim.deliveries.flatMap((d) => d.body.value).filter((n) => n.resourceUrl === `/communications/calls/${callId}/participants`);
    return (rosters.at(-1)?.resourceData as Json[] | undefined)?.find((p) => p.info.identity.user?.id === userId);
  }

  const muteRequests = (callId: string) => h.graph('POST', new RegExp(`^/communications/calls/${callId}/participants/[^/]+/mute$`));
  const removeRequests = (callId: string) => h.graph('DELETE', new RegExp(`^/communications/calls/${callId}/participants/[^/]+$`));

  it('"mute" mutes Alex at Graph and the card shows her muted; "remove" removes her and the card shows she left', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    const alex = inRoster(callId, ALEX_ID);
    assert.equal(alex.isMuted, false);
    assert.deepEqual(Object.keys(lineOf(h.connector.latestCard(cardId), 'Alex Wilber').buttons), ['Mute', 'Remove']);

    await h.say('mute alexw@contoso.com');
    await h.connector.lineContaining('Muting Alex Wilber in #1…');
    await h.settle();
    assert.deepEqual(muteRequests(callId).map((r) => [r.url.split('/').at(-2), r.status]), [[alex.id, 200]]);
    assert.equal(inRoster(callId, ALEX_ID).isMuted, true, 'muted at the simulator');
    const muted = lineOf(h.connector.latestCard(cardId), 'Alex Wilber');
    assert.equal(muted.label, 'Joined · muted');
    assert.deepEqual(Object.keys(muted.buttons), ['Remove'], 'no Mute beside someone muted');

    await h.say('remove alexw@contoso.com');
    await h.connector.lineContaining('Removing Alex Wilber from #1…');
    await h.settle();
    assert.deepEqual(removeRequests(callId).map((r) => [r.url.split('/').at(-1), r.status]), [[alex.id, 204]]);
    assert.equal(inRoster(callId, ALEX_ID), undefined, 'gone from the simulator\'s roster');
    const left = lineOf(h.connector.latestCard(cardId), 'Alex Wilber');
    assert.match(left.label, /^Was there for \d+ s$/);
    assert.deepEqual(left.buttons, {});
    assert.match(lineOf(h.connector.latestCard(cardId), 'Adele Vance').label, /^Joined$/, 'Adele is still on');

    const audits = logs.records().filter((r) => r.msg === AUDIT_MESSAGE && r.callId === callId).map((r) => [r.audit, r.users, r.outcome]);
    assert.deepEqual(audits.slice(-2), [['participantMuted', [ALEX_ID], 'accepted'], ['participantRemoved', [ALEX_ID], 'accepted']]);
  });

  it('the card\'s Mute and Remove beside Adele do the same, once when the same copy of the card is pressed twice', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    const adele = inRoster(callId, ADELE_ID);
    const mute = lineOf(h.connector.latestCard(cardId), 'Adele Vance').buttons.Mute!;
    assert.equal(mute.data.participantId, adele.id);

    const answers = [await h.press(cardId, mute.verb, mute.data), await h.press(cardId, mute.verb, mute.data)];
    assert.deepEqual(answers.map((a) => [a.status, a.body.type]), [[200, 'application/vnd.microsoft.card.adaptive'], [200, 'application/vnd.microsoft.card.adaptive']]);
    await h.settle();
    assert.equal(muteRequests(callId).length, 1, 'a double click mutes once');
    assert.equal(inRoster(callId, ADELE_ID).isMuted, true);
    assert.equal(lineOf(h.connector.latestCard(cardId), 'Adele Vance').label, 'Joined · muted');

    const remove = lineOf(h.connector.latestCard(cardId), 'Adele Vance').buttons.Remove!;
    assert.equal((await h.press(cardId, remove.verb, remove.data)).status, 200);
    await h.settle();
    assert.equal(inRoster(callId, ADELE_ID), undefined);
    assert.match(lineOf(h.connector.latestCard(cardId), 'Adele Vance').label, /^Was there for \d+ s$/);
  });

  it("the card's Remove pressed twice at the same moment (a double click that reaches Rally twice at once) removes once, and answers both with the card", async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    const remove = lineOf(h.connector.latestCard(cardId), 'Adele Vance').buttons.Remove!;
    const answers = await Promise.all([h.press(cardId, remove.verb, remove.data), h.press(cardId, remove.verb, remove.data)]);
    assert.deepEqual(answers.map((a) => [a.status, a.body.type]), [[200, 'application/vnd.microsoft.card.adaptive'], [200, 'application/vnd.microsoft.card.adaptive']]);
    await h.settle();
    assert.equal(removeRequests(callId).length, 1, 'one removal reaches Graph');
    assert.equal(inRoster(callId, ADELE_ID), undefined);
    assert.deepEqual(h.connector.lines().filter((l) => /Adele/.test(l)), ['Removing Adele Vance from #1…'], 'one answer in the chat');
  });

  it('"remove" on an invite still ringing (Lee Gu lets it ring) cancels it', async () => {
    const { callId, cardId } = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    await h.say('invite leeg@contoso.com');
    await h.settle();
    const ringing = lineOf(h.connector.latestCard(cardId), 'Lee Gu');
    assert.equal(ringing.label, 'Ringing…');
    assert.deepEqual(Object.keys(ringing.buttons), ['Cancel']);
    const { participantId } = ringing.buttons.Cancel!.data;
    assert.equal(typeof participantId, 'string', 'the participant the invite\'s answer named');

    await h.say('remove leeg@contoso.com');
    await h.connector.lineContaining('Cancelling the invite to Lee Gu in #1…');
    await h.settle();
    assert.deepEqual(removeRequests(callId).map((r) => [r.url.split('/').at(-1), r.status]), [[participantId, 204]]);
    const operation = h.sim.deliveries.flatMap((d) => d.body.value).find((n) => n.resourceUrl.includes('/operations/'));
    const result = operation?.resourceData as Json;
    assert.deepEqual([result?.status, result?.resultInfo.code], ['failed', 487]);
    const cancelled = lineOf(h.connector.latestCard(cardId), 'Lee Gu');
    assert.equal(cancelled.label, 'Could not join: The ring was cancelled before they answered.');
    assert.deepEqual(cancelled.buttons, {});
    assert.equal(inRoster(callId, LEE_ID), undefined, 'Lee never joined');
    assert.deepEqual(h.connector.lines(), ['Cancelling the invite to Lee Gu in #1…', 'Lee Gu could not join #1. The ring was cancelled before they answered.'], 'the cancel is told once');
  });

  it('answers bad input in one sentence each and asks Graph to mute or remove no one: not in the call, an ended call, a one-to-one call, an unknown person', async () => {
    const group = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    await h.say('mute meganb@contoso.com');
    await h.connector.lineContaining('Megan Bowen is not in #1 right now.');
    await h.say('mute nobody@contoso.com');
    await h.connector.lineContaining('I couldn\'t find nobody@contoso.com in your organization.');

    await h.say('hangup');
    await h.settle();
    await h.say('remove alexw@contoso.com from #1');
    await h.connector.lineContaining('#1 has ended.');

    await h.placeCall('call adelev@contoso.com');
    await h.say('mute adelev@contoso.com');
    await h.connector.lineContaining('#2 is a one-to-one call, and Microsoft Graph can mute people only in group calls and meetings.');

    assert.deepEqual(h.graph('POST', /\/participants\/[^/]+\/mute$/), []);
    assert.deepEqual(h.graph('DELETE', /\/participants\//), []);
    assert.equal(muteRequests(group.callId).length + removeRequests(group.callId).length, 0);
  });
});
