// Teams of people end to end: named once in chat, then called by name at the simulator; a channel's teams shared by
// every channel of its Teams team; and each bad definition or name answered with one sentence, Graph never asked.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LogCapture } from '../support/logCapture.js';
import { cardText } from './connectorStandIn.js';
import { ADELE_MEMBER, RallyHarness, TENANT_ID } from './rallyHarness.js';

const ADELE_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01';
const ALEX_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02';
const TEAM_ID = '19:team-contoso-ops@thread.tacv2';
const GENERAL = '19:general-ops@thread.tacv2';
const INCIDENTS = '19:incidents-ops@thread.tacv2';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON
type Json = any;

const userTargets = (body: Json): string[] => (body.targets as Json[]).map((t) => t.identity.user?.id as string);

describe('Teams of people over HTTP', function () {
  let h: RallyHarness;
  const logs = new LogCapture();
  beforeEach(async () => {
    logs.lines.length = 0;
    h = await RallyHarness.start({ parts: { log: logs.log } });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Says `text` (in a channel of TEAM_ID with `channel`, mentioning Adele with `@Adele`) and answers Rally's one post. */
  async function answerTo(text: string, channel?: string): Promise<string> {
    const mention = `<at>${ADELE_MEMBER.name}</at>`;
    const before = h.connector.posts().length;
    const base = h.activityBase();
    const response = await h.postActivity({
      ...base,
      ...(channel === undefined
        ? {}
        : {
            conversation: { id: `${channel};messageid=${randomUUID()}`, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
            channelData: { ...base.channelData, team: { id: TEAM_ID }, channel: { id: channel } },
          }),
      type: 'message',
      id: `msg-${randomUUID()}`,
      text: text.replace('@Adele', mention),
      entities: text.includes('@Adele') ? [{ type: 'mention', mentioned: { id: ADELE_MEMBER.id, name: ADELE_MEMBER.name }, text: mention }] : [],
    });
    assert.equal(response.status, 200, await response.text());
    const posts = h.connector.posts().slice(before);
    assert.equal(posts.length, 1, `expected one answer to "${text}", got: ${h.connector.summary().join('\n')}`);
    return String(posts[0]!.activity.text ?? cardText(posts[0]!.activity.attachments?.[0]?.content));
  }

  it('"team sre = …" then "call sre" places a group call of Adele and Alex at the simulator', async () => {
    assert.equal(
      await answerTo('team sre = adelev@contoso.com alexw@contoso.com'),
      'Team sre: Adele Vance, Alex Wilber (2 people). Use it as "call sre" or "page sre".',
    );
    assert.equal(h.createCallRequests().length, 0, 'defining a team rings nobody');

    const { cardId } = await h.placeCall('call sre');
    const [create] = h.createCallRequests();
    assert.deepEqual(userTargets(create!.body), [ADELE_ID, ALEX_ID]);
    assert.match(cardText(h.connector.latestCard(cardId)), /Adele Vance \| Joined/);
    assert.match(cardText(h.connector.latestCard(cardId)), /Alex Wilber \| Joined/);
  });

  it("shares a channel's teams with every channel of its Teams team, and with no other chat", async () => {
    // The mention is kept as Teams named her, and looked up again in the channel that uses the team.
    assert.match(await answerTo('team sre = @Adele alexw@contoso.com', GENERAL), /^Team sre: Adele Vance, Alex Wilber \(2 people\)\./);

    assert.equal(await answerTo('teams', INCIDENTS), 'This chat\'s teams: sre (2 people).');
    assert.match(await answerTo('call sre', INCIDENTS), /Call with Adele Vance, Alex Wilber/);
    assert.deepEqual(userTargets(h.createCallRequests()[0]!.body), [ADELE_ID, ALEX_ID]);

    assert.match(await answerTo('teams'), /^This chat has no teams yet/, 'a personal chat has teams of its own');
  });

  it('answers each bad team or name with one sentence and sends Graph nothing', async () => {
    await answerTo('team oncall = +14255550100');
    const graphBefore = h.sim.requests.length;
    const eleven = Array.from({ length: 11 }, (_, i) => `p${i}@contoso.com`).join(' ');
    for (const [text, answer] of [
      ['call nosuchteam', /^No team in this chat is called "nosuchteam": name people with an @mention, their email or UPN, their Entra object id or a phone number like \+14255550100, or define the team first with "team nosuchteam = …"\.$/],
      ['team sre =', /^Who is in team sre\? Name up to 10 people or numbers after "="/],
      [`team sre = ${eleven}`, /^A team holds at most 10 people or numbers; you named 11\.$/],
      ['team then = adelev@contoso.com', /^"then" can't be a team's name, as it is a word Rally's commands use: use 1 to 32 letters/],
      ['team adelev@contoso.com = alexw@contoso.com', /^"adelev@contoso\.com" can't be a team's name, as it reads as an email address/],
      ['team +14255550101 = alexw@contoso.com', /^"\+14255550101" can't be a team's name, as it reads as a phone number/],
      ['page nosuchteam into #2', /^No team in this chat is called "nosuchteam"/],
    ] as const) {
      assert.match(await answerTo(text), answer);
    }
    assert.equal(h.sim.requests.length, graphBefore, 'no request reached Graph');
    assert.equal(await answerTo('team oncall'), 'Team oncall: +1 425 555 0100 (1 person).', 'the chat sees numbers in full');
    const refusal = logs.lines.find((line) => line.includes("can't be a team's name, as it reads as a phone number"));
    assert.match(refusal ?? '', /\+1\*{8}01/, 'the refusal quoting the number is logged masked');
    const fullNumbers = logs.lines.filter((line) => (line.match(/[\d ().\-/]{7,}/g) ?? []).some((run) => /425555010[01]/.test(run.replace(/\D/g, ''))));
    assert.deepEqual(fullNumbers, [], 'the log never gets a full phone number');
  });
});
