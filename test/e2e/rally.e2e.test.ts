// End to end in a real browser: Rally in local mode (Graph calling simulator + Rally + Agents Playground), driven
// through the Playground's chat page in headless Chromium. One stack serves every scenario, in one personal chat.
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { DEFAULT_PERMISSIONS } from '../../src/simulator/index.js';
import { cardButton, cardTextField, PlaygroundPage } from './browser.js';
import { startLocalStack } from './localStack.js';
import type { LocalStack } from './localStack.js';

const SCREENSHOTS = 'test-output/e2e';
const PEOPLE_FIELD = 'Add people: emails or phone numbers';

describe('Rally in the Agents Playground (browser)', function () {
  this.timeout(60_000);

  let stack: LocalStack;
  let chat: PlaygroundPage;

  before(async function () {
    stack = await startLocalStack();
    chat = await PlaygroundPage.open(stack.playground.url);
  });

  after(async function () {
    await chat?.close();
    await stack?.close();
  });

  /** The card's call number, e.g. "#2", read from its "#2 · Group call" line. */
  async function handleOf(card: Locator): Promise<string> {
    const handle = /#\d+/.exec(await card.innerText())?.[0];
    assert.ok(handle, 'the call card names its call');
    return handle;
  }

  async function hangUp(card: Locator): Promise<void> {
    await cardButton(card, 'Hang up').click();
    await card.getByText('Ended', { exact: true }).waitFor();
  }

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await chat?.screenshot(`${SCREENSHOTS}/failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`);
  });

  it('answers "help" with the help card', async function () {
    const card = await chat.sendAndWaitForCard('help');
    await card.getByText('Rally gets people on a call').waitFor();
    await card.getByText('call ‹person› ‹person› …').waitFor();
    await chat.screenshot(`${SCREENSHOTS}/help.png`);
  });

  it('shows a one-to-one call going from Connecting… to Connected with Adele joined, without a reload', async function () {
    const versions = await chat.recordCardVersions();
    const card = await chat.sendAndWaitForCard('call adelev@contoso.com');
    await card.getByText('Call with Adele Vance').waitFor();
    await card.getByText('Connected', { exact: true }).waitFor();
    await card.getByText('Joined', { exact: true }).waitFor();

    const handle = await handleOf(card);
    const states = (await versions())
      .filter((text) => text.includes(`${handle} · One-to-one call`))
      .map((text) => (text.includes('Connecting…') ? 'establishing' : text.includes('Connected') ? 'established' : 'other'));
    assert.ok(states.indexOf('establishing') >= 0, `the card showed "Connecting…" first (saw ${states.join(', ')})`);
    assert.ok(states.indexOf('establishing') < states.indexOf('established'), `then "Connected" (saw ${states.join(', ')})`);

    await chat.screenshot(`${SCREENSHOTS}/one-to-one-call.png`);
    await hangUp(card);
  });

  it('places a group call, then invites a phone number from the card\'s Invite button', async function () {
    const card = await chat.sendAndWaitForCard('call adelev@contoso.com alexw@contoso.com');
    await card.getByText('Group call', { exact: false }).waitFor();
    await card.getByText('Connected', { exact: true }).waitFor();
    await card.getByText('Joined', { exact: true }).nth(1).waitFor();
    assert.match(await card.innerText(), /Adele Vance[\s\S]*Alex Wilber/);
    await chat.screenshot(`${SCREENSHOTS}/group-call.png`);

    // The Playground has no people picker, so the card offers only the plain text field.
    assert.equal(await card.getByLabel('Add people', { exact: true }).count(), 0, 'no people picker on the card');
    await cardTextField(card, PEOPLE_FIELD).fill('+14255550100');
    await cardButton(card, 'Invite').click();
    // The card tells the story (ringing, then joined); the chat gets one line for the result.
    await card.getByText('+14255550100', { exact: true }).waitFor();
    await chat.botMessage('+14255550100 joined the call.').waitFor();
    await card.getByText('Joined', { exact: true }).nth(2).waitFor();
    await chat.screenshot(`${SCREENSHOTS}/invite-phone.png`);
    // A group call with everyone joined, clipped to the card.
    await chat.screenshot(`${SCREENSHOTS}/call-card.png`, card);
    await hangUp(card);
  });

  it('escalates a one-to-one call into a group call from the Escalate button', async function () {
    const peerToPeer = await chat.sendAndWaitForCard('call adelev@contoso.com');
    await peerToPeer.getByText('Connected', { exact: true }).waitFor();

    await cardTextField(peerToPeer, PEOPLE_FIELD).fill('alexw@contoso.com');
    const groupCall = await chat.newCardAfter(() => cardButton(peerToPeer, 'Escalate').click());
    await groupCall.getByText('Group call', { exact: false }).waitFor();
    const groupHandle = await handleOf(groupCall);

    await peerToPeer.getByText('Moved', { exact: true }).waitFor();
    await peerToPeer.getByText(`The call moved into group call ${groupHandle}.`).waitFor();
    await chat.botMessage(`Adele Vance moved into ${groupHandle}.`).waitFor();
    await groupCall.getByText('Connected', { exact: true }).waitFor();
    await chat.screenshot(`${SCREENSHOTS}/escalate.png`);
    await hangUp(groupCall);
  });

  it('says so when someone declines', async function () {
    const card = await chat.sendAndWaitForCard('call meganb@contoso.com');
    const handle = await handleOf(card);
    await chat.botMessage(new RegExp(`^Megan Bowen declined ${handle}\\.`)).waitFor();
    await card.getByText(/^Declined/).waitFor();
    await chat.screenshot(`${SCREENSHOTS}/declined.png`);
  });

  it('names the missing Graph permission when a group call is refused', async function () {
    stack.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Calls.InitiateGroupCall.All'));
    try {
      const cardsBefore = await chat.cards().count();
      await chat.send('call adelev@contoso.com alexw@contoso.com');
      await chat.botMessage('Calls.InitiateGroupCall.All').waitFor();
      assert.equal(await chat.cards().count(), cardsBefore, 'no call card for a call that was not placed');
      await chat.screenshot(`${SCREENSHOTS}/missing-permission.png`);
    } finally {
      stack.sim.setGrantedPermissions([...DEFAULT_PERMISSIONS]);
    }
  });

  it('"status" brings the call\'s one card up to date instead of copying it, and the ended call becomes its summary', async function () {
    const card = await chat.sendAndWaitForCard('call adelev@contoso.com');
    await card.getByText('Connected', { exact: true }).waitFor();
    const handle = await handleOf(card);
    const cardsBefore = await chat.cards().count();
    await chat.send(`status ${handle}`);
    await chat.botMessage(`${handle}: call, connected, Adele Vance (joined). Its card above shows it as it is now.`).waitFor();
    assert.equal(await chat.cards().count(), cardsBefore, 'no second copy of the card');

    await chat.send(`hangup ${handle}`);
    await card.getByText('Ended', { exact: true }).waitFor();
    await card.getByText(/^Lasted .* · hung up by /).waitFor();
    await card.getByText(/^Joined for /).waitFor();
    assert.equal(await cardButton(card, 'Hang up').count(), 0, 'an ended call offers no Hang up button');
    // The README's picture (docs/call-card.png is a copy of this one): the summary an ended call leaves in the chat.
    await chat.screenshot(`${SCREENSHOTS}/summary-card.png`, card);
  });

  it('invites into a one-to-one call from its card by escalating it into a group call', async function () {
    const peerToPeer = await chat.sendAndWaitForCard('call adelev@contoso.com');
    await peerToPeer.getByText('Connected', { exact: true }).waitFor();
    await cardTextField(peerToPeer, PEOPLE_FIELD).fill('alexw@contoso.com');
    const groupCall = await chat.newCardAfter(() => cardButton(peerToPeer, 'Invite').click());
    await groupCall.getByText('Group call', { exact: false }).waitFor();
    await peerToPeer.getByText('Moved', { exact: true }).waitFor();
    await groupCall.getByText('Call with Alex Wilber, Adele Vance').waitFor();
    await chat.screenshot(`${SCREENSHOTS}/invite-escalates.png`);
    await hangUp(groupCall);
  });

  it('asks which call "hangup" means when two are going on, and ends neither', async function () {
    const first = await chat.sendAndWaitForCard('call adelev@contoso.com');
    await first.getByText('Connected', { exact: true }).waitFor();
    const second = await chat.sendAndWaitForCard('call alexw@contoso.com');
    await second.getByText('Connected', { exact: true }).waitFor();
    const [a, b] = [await handleOf(first), await handleOf(second)];
    await chat.send('hangup');
    // Calls an earlier scenario left going would be listed too: the chat shares one stack.
    await chat.botMessage(new RegExp(`This chat has \\d+ calls going on \\(.*${a}.*${b}\\): which one\\? Say "hangup #\\d+", for example`)).waitFor();
    assert.equal(await first.getByText('Connected', { exact: true }).count(), 1);
    assert.equal(await second.getByText('Connected', { exact: true }).count(), 1);
    await chat.screenshot(`${SCREENSHOTS}/which-call.png`);
    await hangUp(first);
    await hangUp(second);
  });

  it('ends a call from the card\'s Hang up button', async function () {
    const card = await chat.sendAndWaitForCard('call alexw@contoso.com');
    await card.getByText('Connected', { exact: true }).waitFor();
    const handle = await handleOf(card);
    await cardButton(card, 'Hang up').click();
    await card.getByText('Ended', { exact: true }).waitFor();
    await chat.botMessage(new RegExp(`^${handle} ended\\.`)).waitFor();
    assert.equal(await cardButton(card, 'Hang up').count(), 0, 'an ended call offers no Hang up button');
    await chat.screenshot(`${SCREENSHOTS}/hang-up.png`);
  });

  it('opens a bridge: one card with Join, the meeting id and passcode; the roster fills in; Mute and Remove work from the card', async function () {
    const card = await chat.sendAndWaitForCard('bridge Sev1: checkout down');
    await card.getByText('Sev1: checkout down', { exact: true }).waitFor();
    await card.getByText(/ · Bridge$/).waitFor();
    await card.getByText('Connected', { exact: true }).waitFor();
    // An Action.OpenUrl: the Playground draws it as a link, not a button (it is not pressed here: it leaves loopback).
    const join = card.getByRole('link', { name: 'Join', exact: true }).or(card.getByText('Join', { exact: true }));
    await join.first().waitFor();
    await card.getByText(/^Meeting ID \d{3} \d{3} \d{3} \d{3} · Passcode \w+$/).waitFor();
    assert.equal(await cardButton(card, 'End bridge').count(), 1);

    // By command, naming the bridge: the card is redrawn as Graph's first roster comes in, which would empty its
    // people field under a typing test (the Invite button is tried on the group call's card above).
    await chat.send(`invite adelev@contoso.com alexw@contoso.com to ${await handleOf(card)}`);
    // Teams renders {{TIME()}} as the reader's local time: "In since 11:05 PM".
    await card.getByText(/^In since \d/).nth(1).waitFor();
    assert.match(await card.innerText(), /Adele Vance[\s\S]*In since[\s\S]*Alex Wilber[\s\S]*In since/);
    // The README's picture of a bridge (docs/bridge-card.png is a copy of this one).
    await chat.screenshot(`${SCREENSHOTS}/bridge-card.png`, card);

    // Beside each person: Mute, then Remove. Alex's row is the second.
    await cardButton(card, 'Mute').nth(1).click();
    await card.getByText(/^In since .* · muted$/).waitFor();
    assert.equal(await cardButton(card, 'Mute').count(), 1, 'no Mute beside someone muted already');
    await cardButton(card, 'Remove').nth(1).click();
    await card.getByText(/^Was there for /).waitFor();
    assert.doesNotMatch(await card.innerText(), /Alex Wilber\s+In since/);
    await chat.screenshot(`${SCREENSHOTS}/bridge-controls.png`, card);

    await cardButton(card, 'End bridge').click();
    await card.getByText('Ended', { exact: true }).waitFor();
    assert.equal(await card.getByText('Join', { exact: true }).count(), 0, 'an ended bridge offers no Join');
  });

  it('pages a ladder: a decline, an answer without a 1, then an acceptance moved into the meeting, all on one live card', async function () {
    const meeting = await chat.sendAndWaitForCard('join 1234567 passcode psw123');
    await meeting.getByText('Connected', { exact: true }).waitFor();
    const meetingHandle = await handleOf(meeting);

    const page = await chat.sendAndWaitForCard(`page meganb@contoso.com then johannal@contoso.com then adelev@contoso.com into ${meetingHandle} after 5s`);
    await page.getByText('Paging Megan Bowen, then Johanna Lorenz, then Adele Vance').waitFor();
    await page.getByText(`Each rings for 5 s · the one who accepts joins ${meetingHandle}`).waitFor();
    await page.getByText(/^Declined/).waitFor();
    await page.getByText('Answered · waiting for them to press 1').waitFor();
    await chat.screenshot(`${SCREENSHOTS}/page-ringing.png`, page);
    await page.getByText('Answered, but did not press 1 in 5 s').waitFor();
    await chat.botMessage(`Adele Vance accepted the page; Rally is bringing them into ${meetingHandle}.`).waitFor();
    await page.getByText('Accepted', { exact: true }).waitFor();
    await page.getByText(`Accepted · brought into ${meetingHandle}`).waitFor();
    assert.equal(await cardButton(page, 'Stop paging').count(), 0, 'an accepted page offers no Stop');
    await chat.botMessage(new RegExp(`^Adele Vance moved into ${meetingHandle}\\.`)).waitFor();
    // The README's picture of a page (docs/page-card.png is a copy of this one).
    await chat.screenshot(`${SCREENSHOTS}/page-card.png`, page);
    await hangUp(meeting);
  });
});
