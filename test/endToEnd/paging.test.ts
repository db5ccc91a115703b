// `page` end to end: Teams-shaped messages and button presses in, one-to-one calls, prompts, key presses, hang-ups and
// invites at the Graph simulator, the page's one card and its outcome line at the Connector stand-in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pagePromptAsset, promptResourceId } from '../../src/http/pagePrompt.js';
import { DEFAULT_PERMISSIONS, demoDirectory } from '../../src/simulator/index.js';
import type { DirectoryContents, RecordedRequest } from '../../src/simulator/index.js';
import { waitFor } from '../support/waitFor.js';
import { cardText } from './connectorStandIn.js';
import { ADELE_MEMBER, RallyHarness } from './rallyHarness.js';

const ADELE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';
const LEE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a04';
const MEGAN_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a03';
const JOHANNA_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a07';
const ISAIAH_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a09';
const DIEGO_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a10';
const CAMILLE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a21';
const MINJUN_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a22';

/**
 * The demo cast, plus a second person who lets it ring out (Lee Gu rings for 45 s in the demo), one who picks up and
 * presses 2, one whose Graph profile prefers French, and one whose profile prefers a language Rally does not speak.
 */
const DIRECTORY: DirectoryContents = {
  ...demoDirectory,
  people: [
    ...(demoDirectory.people ?? []),
    { id: ISAIAH_ID, displayName: 'Isaiah Langer', userPrincipalName: 'isaiahl@contoso.com', mail: 'isaiahl@contoso.com', outcome: 'noAnswer', ringsForMs: 60_000 },
    { id: DIEGO_ID, displayName: 'Diego Siciliani', userPrincipalName: 'diegos@contoso.com', mail: 'diegos@contoso.com', outcome: 'answer', presses: '2' },
    { id: CAMILLE_ID, displayName: 'Camille Dubois', userPrincipalName: 'camilled@contoso.com', outcome: 'answer', preferredLanguage: 'fr-FR' },
    { id: MINJUN_ID, displayName: 'Min-jun Kim', userPrincipalName: 'minjunk@contoso.com', outcome: 'answer', preferredLanguage: 'ko-KR' },
  ],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

/** Whom a create-call request rings: a user's object id or a phone number. */
function rung(request: RecordedRequest): string {
  const identity = (request.body as Json).targets[0].identity;
  return identity.user?.id ?? identity.phone?.id;
}

describe('Paging the on-call over HTTP', function () {
  this.timeout(60_000);
  let h: RallyHarness;
  beforeEach(async () => {
    h = await RallyHarness.start({ simulator: { directory: DIRECTORY } });
  });
  afterEach(async () => {
    await h.close();
  });

  /** The page's card as it stands now. */
  const pageCard = (): string => cardText(h.connector.latestCard(pageCardId()));
  const pageCardId = (): string => {
    const posted = h.connector.cardPosts().filter((p) => /^Paging /.test(cardText(p.activity.attachments[0].content)));
    assert.equal(posted.length, 1, `one page card; chat got: ${h.connector.summary().join('\n')}`);
    return posted[0]!.id;
  };
  /** A wait of 5 s per step, plus the job runner's poll, plus slack for a loaded machine. */
  const LADDER_MS = 20_000;
  const calledIn = (): string[] => h.createCallRequests().map(rung);
  const hangUps = (): string[] => h.graph('DELETE', /^\/communications\/calls\/[^/]+$/).map((r) => r.url.split('/').at(-1)!);

  it('first accepts: one call, the prompt and the key subscription on it, and the card and chat say so', async () => {
    await h.say('page adelev@contoso.com then alexw@contoso.com');
    await h.connector.lineContaining('Adele Vance accepted the page');
    await h.settle();
    assert.deepEqual(calledIn(), [ADELE_ID], 'Alex was never rung');
    assert.equal(h.graph('POST', /\/subscribeToTone$/).length, 1);
    const prompts = h.graph('POST', /\/playPrompt$/);
    assert.equal(prompts.length, 1);
    assert.match((prompts[0]!.body as Json).prompts[0].mediaInfo.uri, /\/media\/page-prompt\.wav$/);
    assert.deepEqual(hangUps(), [], 'the person who accepted stays on the line');
    // The call they stay on is an ordinary call of the chat from now on, with its own card to hang up or escalate it.
    const [, callCard] = h.connector.cardPosts();
    assert.equal(h.connector.cardPosts().length, 2, h.connector.summary().join('\n'));
    assert.match(cardText(h.connector.latestCard(callCard!.id)), /Call with Adele Vance \| #1 · One-to-one call \| Connected/);
    assert.ok(h.buttonData(callCard!.id, 'escalate'));
    assert.match(pageCard(), /Accepted/);
    assert.match(pageCard(), /1\. Adele Vance \| Accepted · on #1 with Rally/);
    assert.match(pageCard(), /2\. Alex Wilber \| Not rung/);
    assert.doesNotMatch(pageCard(), /Stop paging|Skip to next/, 'no buttons once the page is over');
  });

  /** What Graph was asked to play on the one prompt it was asked for. */
  const playedMedia = (): { uri: string; resourceId?: string } => {
    const prompts = h.graph('POST', /\/playPrompt$/);
    assert.equal(prompts.length, 1);
    return (prompts[0]!.body as Json).prompts[0].mediaInfo;
  };

  it("speaks the prompt in a person's Graph preferredLanguage: Graph gets the French prompt's URI and resourceId, and that URI serves the French WAV", async () => {
    await h.say('page camilled@contoso.com');
    await h.connector.lineContaining('Camille Dubois accepted the page');
    await h.settle();
    const { uri, resourceId } = playedMedia();
    assert.match(uri, /\/media\/page-prompt\.fr\.wav$/);
    const french = readFileSync(pagePromptAsset('fr'));
    assert.equal(resourceId, promptResourceId('fr', french));

    const served = await fetch(uri);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'audio/wav');
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(french), 'the French recording');
    const english = await fetch(uri.replace(/\.fr\.wav$/, '.wav'));
    assert.ok(!Buffer.from(await english.arrayBuffer()).equals(french), 'English is a recording of its own');
  });

  it('speaks the locale last seen from the person in this chat, though the requester writes in English and Graph names no language', async () => {
    const { id, name, aadObjectId } = ADELE_MEMBER;
    await h.say('help', { from: { id, name, aadObjectId }, locale: 'fr-FR' });
    await h.say('page adelev@contoso.com', { locale: 'en-US' });
    await h.connector.lineContaining('Adele Vance accepted the page');
    await h.settle();
    const { uri, resourceId } = playedMedia();
    assert.match(uri, /\/media\/page-prompt\.fr\.wav$/);
    assert.equal(resourceId, promptResourceId('fr', readFileSync(pagePromptAsset('fr'))));
  });

  it("falls back to the requester's language when the person's preferredLanguage is one Rally does not speak", async () => {
    await h.say('page minjunk@contoso.com', { locale: 'de-DE' });
    await waitFor(() => h.graph('POST', /\/playPrompt$/).length === 1, 'the prompt was played');
    await h.settle();
    assert.match(playedMedia().uri, /\/media\/page-prompt\.de\.wav$/);
  });

  it('first declines, second accepts: the decline and its reason on the card, then the second one rung', async () => {
    await h.say('page meganb@contoso.com then adelev@contoso.com');
    await h.connector.lineContaining('Adele Vance accepted the page');
    await h.settle();
    assert.deepEqual(calledIn(), [MEGAN_ID, ADELE_ID]);
    assert.match(pageCard(), /1\. Megan Bowen \| Declined/);
    assert.match(pageCard(), /2\. Adele Vance \| Accepted/);
    assert.doesNotMatch(h.connector.lines().join('\n'), /declined #/, 'no call-card line about the paged call');
    assert.equal(h.connector.cardPosts().length, 2, 'the page\'s card, and the card of the call Adele stays on');
  });

  it('first presses 2: declined at once from the keypad, shown so on the card, hung up, and the next one rung', async () => {
    await h.say('page diegos@contoso.com then adelev@contoso.com after 1m');
    await h.connector.lineContaining('Adele Vance accepted the page');
    await h.settle();
    assert.deepEqual(calledIn(), [DIEGO_ID, ADELE_ID]);
    assert.equal(hangUps().length, 1, "Diego's call is hung up, Adele's stays");
    assert.match(pageCard(), /1\. Diego Siciliani \| Declined · pressed 2/);
    assert.match(pageCard(), /2\. Adele Vance \| Accepted/);
  });

  it('first answers but never presses 1: hung up when the wait runs out, and the next one rung', async () => {
    await h.say('page johannal@contoso.com then adelev@contoso.com after 5s');
    await h.connector.lineContaining('Adele Vance accepted the page', LADDER_MS);
    await h.settle();
    assert.deepEqual(calledIn(), [JOHANNA_ID, ADELE_ID]);
    assert.equal(hangUps().length, 1, 'Johanna\'s call was hung up');
    assert.match(pageCard(), /1\. Johanna Lorenz \| Answered, but did not press 1 in 5 s/);
    assert.match(pageCard(), /2\. Adele Vance \| Accepted/);
  });

  it('nobody answers: each ringing call is hung up at its deadline, and the chat hears each outcome', async () => {
    await h.say('page leeg@contoso.com then isaiahl@contoso.com after 5s');
    const line = await h.connector.lineContaining('Nobody accepted the page', 2 * LADDER_MS);
    await h.settle();
    assert.deepEqual(calledIn(), [LEE_ID, ISAIAH_ID]);
    assert.equal(hangUps().length, 2, 'both ringing calls were hung up');
    assert.equal(line, 'Nobody accepted the page: Lee Gu did not answer in 5 s and Isaiah Langer did not answer in 5 s.');
    assert.match(pageCard(), /Nobody accepted/);
  });

  it('rings a phone number from the application instance, and the number accepts with 1', async () => {
    await h.say('page +14255550100');
    await h.connector.lineContaining('+14255550100 accepted the page');
    await h.settle();
    const [create] = h.createCallRequests();
    assert.equal((create!.body as Json).targets[0].identity.phone.id, '+14255550100');
    assert.ok((create!.body as Json).source.identity.applicationInstance, 'placed from the application instance');
  });

  it('into a meeting: the accepted person is invited with replacesCallId of their one-to-one call', async () => {
    await h.placeCall('join 1234567 passcode psw123');
    await h.say('page meganb@contoso.com then adelev@contoso.com into #1');
    await h.connector.lineContaining('Adele Vance accepted the page; Rally is bringing them into #1.');
    await h.settle();
    const meetingId = h.callIdOfCard(h.connector.cardPosts()[0]!.id);
    const invites = h.inviteRequests();
    assert.equal(invites.length, 1);
    assert.ok(invites[0]!.url.endsWith(`/communications/calls/${meetingId}/participants/invite`));
    const invitee = (invites[0]!.body as Json).participants[0];
    assert.equal(invitee.identity.user.id, ADELE_ID);
    const adeleCall = h.graph('POST', /\/playPrompt$/).map((r) => r.url.split('/').at(-2))[0];
    assert.equal(invitee.replacesCallId, adeleCall, 'the one-to-one call that accepted is the one replaced');
    assert.match(pageCard(), /Adele Vance \| Accepted · brought into #1/);
  });

  it('without "into", brings the accepted person into the chat\'s one group call or meeting', async () => {
    await h.placeCall('join 1234567 passcode psw123');
    await h.say('page adelev@contoso.com');
    await h.connector.lineContaining('Rally is bringing them into #1');
    await h.settle();
    assert.equal(h.inviteRequests().length, 1);
  });

  it('a phone number that accepts stays on its call with Rally, even with a meeting going on: Graph cannot move it', async () => {
    await h.placeCall('join 1234567 passcode psw123');
    await h.say('page +14255550100');
    const line = await h.connector.lineContaining('+14255550100 accepted the page');
    await h.settle();
    assert.equal(h.inviteRequests().length, 0);
    assert.match(line, /is on #2 with Rally\. Microsoft Graph cannot move a phone call into another call/);
  });

  it('without Calls.AccessMedia.All, a step that picks up fails naming the permission, is hung up, and the ladder goes on', async () => {
    h.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Calls.AccessMedia.All'));
    await h.say('page adelev@contoso.com then meganb@contoso.com');
    const line = await h.connector.lineContaining('Nobody accepted the page');
    await h.settle();
    assert.equal(line, 'Nobody accepted the page: Adele Vance could not be reached and Megan Bowen declined.');
    assert.match(pageCard(), /1\. Adele Vance \| Call failed: .*Calls\.AccessMedia\.All/);
    assert.equal(hangUps().length, 1, 'Adele\'s call, which nobody could accept, was hung up');
    assert.equal(h.graph('POST', /\/playPrompt$/).length, 0, 'no prompt without a way to hear the answer');
  });

  it('Skip rings the next one at once and hangs up the skipped call; Stop ends the page and hangs up the ringing one', async () => {
    await h.say('page leeg@contoso.com then isaiahl@contoso.com then adelev@contoso.com after 60s');
    await waitFor(() => calledIn().length === 1, 'Lee Gu being rung');
    const cardId = pageCardId();
    await waitFor(() => /Ringing…/.test(pageCard()), 'the card showing Lee Gu ringing');
    const skip = await h.press(cardId, 'skipPageStep', h.buttonData(cardId, 'skipPageStep'));
    assert.equal(skip.status, 200);
    await waitFor(() => calledIn().length === 2, 'Isaiah being rung after the skip');
    assert.equal(hangUps().length, 1, 'the skipped call was hung up');
    await waitFor(() => /2\. Isaiah Langer \| Ringing…/.test(pageCard()), 'the card showing Isaiah ringing');
    const stop = await h.press(cardId, 'stopPage', h.buttonData(cardId, 'stopPage'));
    assert.equal(stop.status, 200);
    assert.match(cardText(stop.body.value), /Stopped/);
    await h.settle();
    assert.deepEqual(calledIn(), [LEE_ID, ISAIAH_ID], 'Adele was never rung');
    assert.equal(hangUps().length, 2);
    assert.match(pageCard(), /1\. Lee Gu \| Skipped by Pat Organizer/);
    assert.match(pageCard(), /2\. Isaiah Langer \| Stopped/);
    assert.match(pageCard(), /3\. Adele Vance \| Not rung/);
  });

  describe('bad input gets one clear line and rings nobody', () => {
    const cases: [string, RegExp][] = [
      ['page a@contoso.com then b@contoso.com then c@contoso.com then d@contoso.com then e@contoso.com then f@contoso.com', /at most 5 people or numbers/],
      ['page nobody@contoso.com', /nobody@contoso\.com/],
      ['page adelev@contoso.com after 0s', /5 seconds to 5 minutes/],
      ['page adelev@contoso.com after 3h', /5 seconds to 5 minutes/],
      ['page adelev@contoso.com after soon', /is not a wait/],
      ['page adelev@contoso.com alexw@contoso.com', /one person or number at each step/],
    ];
    for (const [text, expected] of cases) {
      it(text, async () => {
        assert.equal(await h.say(text), 200);
        assert.equal(h.connector.lines().length, 1, h.connector.summary().join('\n'));
        assert.match(h.connector.lines()[0]!, expected);
        assert.equal(h.createCallRequests().length, 0);
        assert.equal(h.connector.cardPosts().length, 0);
      });
    }

    it('into a call that has ended', async () => {
      await h.placeCall('join 1234567 passcode psw123');
      await h.say('hangup');
      await h.settle();
      const before = h.connector.lines().length;
      await h.say('page adelev@contoso.com into #1');
      assert.deepEqual(h.connector.lines().slice(before), ['#1 has ended: name a live group call or meeting after "into", or leave "into" out.']);
      assert.equal(h.createCallRequests().length, 1, 'only the meeting join');
    });
  });
});

describe('Paging the on-call under a calling policy', function () {
  this.timeout(30_000);
  let h: RallyHarness;
  afterEach(async () => {
    await h.close();
  });

  it('a step the policy refuses is reported on the card and the ladder goes on', async () => {
    h = await RallyHarness.start({ simulator: { directory: DIRECTORY }, env: { ALLOWED_DIALERS: '9f2c4c1e-0000-4000-8000-00000000d1a1' } });
    await h.say('page +14255550100 then adelev@contoso.com');
    await h.connector.lineContaining('Adele Vance accepted the page');
    await h.settle();
    assert.deepEqual(h.createCallRequests().map(rung), [ADELE_ID], 'the number was never dialed');
    const card = cardText(h.connector.latestCard(h.connector.cardPosts()[0]!.id));
    assert.match(card, /1\. \+14255550100 \| Not rung: You are not allowed to dial phone numbers with Rally/);
  });

  it('one page counts once against the rate limit, however many people it rings', async () => {
    h = await RallyHarness.start({ simulator: { directory: DIRECTORY }, env: { CALL_RATE_LIMIT: '2/1h' } });
    await h.say('page meganb@contoso.com then nestorw@contoso.com then adelev@contoso.com');
    await h.connector.lineContaining('Adele Vance accepted the page');
    await h.say('call alexw@contoso.com');
    await h.settle();
    assert.equal(h.createCallRequests().length, 4, 'three steps and one call, within a limit of two');
    await h.say('call alexw@contoso.com');
    assert.match(h.connector.lines().at(-1)!, /You have started many calls/);
  });
});

describe('Paging the on-call through a crash (SIGKILL) and a restart', function () {
  // A process start, a stale lock to wait out (10 s), the step's wait.
  this.timeout(90_000);
  let h: RallyHarness;
  afterEach(async () => {
    await h.close();
  });

  it('a restart mid-ladder rings nobody twice: the ringing step is hung up at its deadline and the next one accepts', async () => {
    h = await RallyHarness.start({ separateProcess: true, simulator: { directory: DIRECTORY } });
    await h.say('page leeg@contoso.com then adelev@contoso.com after 5s');
    await waitFor(() => h.createCallRequests().length === 1, 'Lee Gu being rung');
    await h.crash();
    await h.startRally();
    await h.connector.lineContaining('Adele Vance accepted the page', 30_000);
    await h.settle();
    assert.deepEqual(h.createCallRequests().map(rung), [LEE_ID, ADELE_ID], 'each rung once');
    // Killed before it learned the call's id, Rally finds Lee Gu's call through its notifications once Graph's answer
    // can no longer come (the Graph timeout and 5 s), and hangs it up then.
    await waitFor(() => h.graph('DELETE', /^\/communications\/calls\/[^/]+$/).length === 1, 'Lee Gu\'s call hung up', 40_000);
    // The page's card, and (once she accepted) the card of the call Adele stays on: none twice.
    await h.connector.until((c) => c.cardPosts().length === 2, 'the card of the call Adele stays on', 20_000);
    assert.equal(h.connector.cardPosts().length, 2, h.connector.summary().join('\n'));
  });
});
