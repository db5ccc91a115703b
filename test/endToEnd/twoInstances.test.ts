// Two Rally processes behind one load balancer, sharing one Blob Storage container on Azurite: what either
// acknowledges is applied, nothing is done twice, either can act on the other's calls, and one carries on when the
// other dies.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ContainerClient } from '@azure/storage-blob';
import { callOf } from '../../src/calling/records/callDocument.js';
import type { CallDocument } from '../../src/calling/records/callDocument.js';
import { BlobDocumentStore, blobPipelineOptions } from '../../src/storage/blobDocumentStore.js';
import { DocumentRecordStore } from '../../src/storage/documentRecordStore.js';
import { startAzurite } from '../support/azurite.js';
import { waitFor } from '../support/waitFor.js';
import type { Azurite } from '../support/azurite.js';
import { cardText } from './connectorStandIn.js';
import { RallyHarness } from './rallyHarness.js';

describe('Two Rally instances on one Blob Storage container (Azurite)', function () {
  this.timeout(120_000);
  let azurite: Azurite;
  let h: RallyHarness;
  let container: string;

  before(async function () {
    this.timeout(30_000);
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite.stop();
  });
  const startPair = async (options: { conversationType?: 'groupChat'; env?: Record<string, string> } = {}): Promise<RallyHarness> => {
    container = `rally-${randomUUID().slice(0, 8)}`;
    return RallyHarness.start({
      instances: 2,
      ...(options.conversationType ? { conversationType: options.conversationType } : {}),
      env: { RALLY_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, RALLY_BLOB_CONTAINER: container, ...options.env },
    });
  };
  /** A bridge is a group chat's: the pair started for the other tests is swapped for one in a group chat. */
  const startPairInGroupChat = async (env?: Record<string, string>): Promise<void> => {
    await h.close();
    h = await startPair({ conversationType: 'groupChat', ...(env ? { env } : {}) });
  };
  beforeEach(async () => {
    h = await startPair();
  });
  afterEach(async () => {
    await h.close();
  });

  const cardSays = (cardId: string) => cardText(h.connector.latestCard(cardId));
  const placeThrough = async (instance: number): Promise<{ cardId: string; callId: string }> => {
    await h.say('call adelev@contoso.com', { instance });
    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'a Connected card', 20_000);
    const cardId = h.connector.cardPosts()[0]!.id;
    return { cardId, callId: h.callIdOfCard(cardId) };
  };

  it('a call placed through A is listed and hung up through B, and its card ends up Ended', async () => {
    const { cardId } = await placeThrough(0);
    await h.say('calls', { instance: 1 });
    assert.match(h.connector.lines().at(-1)!, /#1: call, connected/);
    await h.say('hangup', { instance: 1 });
    await h.connector.until(() => /Ended/.test(cardSays(cardId)), 'the card showing the end', 20_000);
    assert.equal(h.graph('DELETE', /^\/communications\/calls\//).length, 1);
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
  });

  it('the same message delivered to both at once places one call and posts one card', async () => {
    await Promise.all([h.say('call adelev@contoso.com', { id: 'msg-both', instance: 0 }), h.say('call adelev@contoso.com', { id: 'msg-both', instance: 1 })]);
    await h.connector.until((c) => c.cardPosts().length === 1, 'the call card', 20_000);
    assert.equal(h.createCallRequests().length, 1);
    await h.sim.idle();
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
  });

  it('the same notification delivered to both at once has one effect: one line in the chat', async () => {
    const { callId, cardId } = await placeThrough(0);
    const token = await h.sim.notificationToken();
    const terminated = {
      '@odata.type': '#microsoft.graph.commsNotifications',
      value: [{ changeType: 'deleted', resourceUrl: `/communications/calls/${callId}`, resourceData: { '@odata.type': '#microsoft.graph.call', state: 'terminated', resultInfo: { code: 200, subcode: 5001, message: 'The other person hung up.' } } }],
    };
    const post = (instance: number) =>
      fetch(`${h.instanceUrl(instance)}/api/calling`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(terminated) });
    const statuses = await Promise.all([post(0), post(1), post(0), post(1)].map(async (r) => (await r).status));
    assert.deepEqual(statuses, [202, 202, 202, 202]);
    await h.connector.until(() => /Ended/.test(cardSays(cardId)), 'the card showing the end', 20_000);
    await h.connector.until((c) => c.lines().some((l) => l.startsWith('#1 ended')), 'the line saying so', 20_000);
    // Once the store holds no news left to tell and no follow-up job for the call, neither instance can say it again.
    const documents = await BlobDocumentStore.create(new ContainerClient(azurite.connectionString, container, blobPipelineOptions()));
    await waitFor(async () => {
      const call = callOf(await new DocumentRecordStore<CallDocument>(documents, 'calls/').get(callId));
      const pending: string[] = [];
      for await (const key of documents.listByPrefix('jobs/')) if (key.endsWith(`call:${callId}`) || key.includes(`call%3a${callId}`)) pending.push(key);
      return (call?.unreported?.length ?? 0) === 0 && call?.reporting === undefined && pending.length === 0;
    }, 'the call settled with nothing left to tell');
    assert.equal(h.connector.lines().filter((l) => l.startsWith('#1 ended')).length, 1, h.connector.summary().join('\n'));
  });

  it('an escalation asked through B of a call placed through A, its notifications shared by both: the party is moved once, and said once', async () => {
    const { cardId } = await placeThrough(0);
    await h.say('escalate alexw@contoso.com', { instance: 1 });
    await h.connector.lineContaining('Adele Vance moved into #2.', 20_000);
    await h.connector.until(() => /Moved/.test(cardSays(cardId)), 'the one-to-one card showing the move', 20_000);
    await h.sim.idle();

    assert.equal(h.inviteRequests().length, 1, 'one move request');
    assert.deepEqual(h.connector.lines().filter((l) => /moved|ended|Could not/.test(l)), ['Adele Vance moved into #2.']);
  });

  it('200 roster updates for one call, split across both, concurrent and out of order: every one is applied', async () => {
    const { callId } = await placeThrough(0);
    const token = await h.sim.notificationToken();
    const order = Array.from({ length: 200 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    const statuses = await Promise.all(
      order.map(async (n, i) => {
        const response = await fetch(`${h.instanceUrl(i % 2)}/api/calling`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(deltaRoster(callId, n)),
        });
        return response.status;
      }),
    );
    assert.deepEqual([...new Set(statuses)], [202]);

    const documents = await BlobDocumentStore.create(new ContainerClient(azurite.connectionString, container, blobPipelineOptions()));
    const call = callOf(await new DocumentRecordStore<CallDocument>(documents, 'calls/').get(callId));
    const joined = call?.roster.filter((p) => p.key.startsWith('extra-')) ?? [];
    assert.equal(joined.length, 200);
    assert.equal(h.connector.cardPosts().length, 1);
  });

  it('A killed while telling the chat that the call ended: B takes the report over and the card ends up Ended', async () => {
    const { cardId, callId } = await placeThrough(0);
    h.pin(0);
    const held = h.connector.holdUpdates();
    h.sim.endCall(callId);
    await held.arrived;
    await h.crash(0);
    held.stop();
    h.pin(undefined);

    await h.connector.until(() => /Ended/.test(cardSays(cardId)), 'the card showing the end, told by B', 20_000);
    // The line follows the card's update; waiting for it keeps it from landing after the answer to "calls".
    await h.connector.lineContaining('#1 ended.');
    assert.equal(h.connector.cardPosts().length, 1);
    await h.say('calls', { instance: 1 });
    assert.match(h.connector.lines().at(-1)!, /No calls are going on/);
  });

  it('a page started through A goes on in B when A dies: nobody is rung twice and the next step accepts', async () => {
    await h.say('page leeg@contoso.com then adelev@contoso.com after 5s', { instance: 0 });
    await waitFor(() => h.createCallRequests().length === 1, 'Lee Gu being rung');
    await h.crash(0);
    h.pin(1);
    await h.connector.lineContaining('Adele Vance accepted the page', 30_000);
    const rung = h.createCallRequests().map((r) => JSON.stringify((r.body as { targets: unknown[] }).targets));
    assert.equal(rung.length, 2, 'Lee Gu, then Adele, each once');
    assert.match(rung[1]!, /6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01/);
    // When A died before it stored Graph's answer, B knows Lee Gu's call only once it adopts it: at the intent's check,
    // the Graph timeout and 5 s after sending, or later on a loaded machine; hence the longer wait.
    await waitFor(() => h.graph('DELETE', /^\/communications\/calls\/[^/]+$/).length === 1, "Lee Gu's call hung up by B", 60_000);
    // The page's card, and (once she accepted) the card of the call Adele stays on: none twice.
    await h.connector.until((c) => c.cardPosts().length === 2, 'the card of the call Adele stays on', 20_000);
    assert.equal(h.connector.cardPosts().length, 2, h.connector.summary().join('\n'));
    assert.match(cardSays(h.connector.cardPosts()[0]!.id), /1\. Lee Gu \| No answer in 5 s/);
  });

  it('a bridge opened through A is invited into and ended through B: one meeting, one join, one card that ends as its summary', async () => {
    await startPairInGroupChat();
    await h.say('bridge Sev2: search slow', { instance: 0 });
    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'the bridge card, connected', 20_000);
    const cardId = h.connector.cardPosts()[0]!.id;
    const callId = h.callIdOfCard(cardId);

    await h.say('invite adelev@contoso.com', { instance: 1 });
    await h.connector.until(() => /Adele Vance \| In since/.test(cardSays(cardId)), 'Adele in the bridge, told by either', 20_000);
    assert.ok(h.inviteRequests()[0]?.url.includes(callId), 'B invites into the bridge A opened');
    await h.say('hangup', { instance: 1 });
    await h.connector.until(() => /Ended/.test(cardSays(cardId)), 'the bridge card showing the end', 20_000);
    await h.sim.idle();

    assert.equal(h.sim.meetingsCreated.length, 1, 'one meeting');
    assert.equal(h.createCallRequests().length, 1, 'one join');
    assert.equal(h.inviteRequests().length, 1, 'one invite');
    assert.equal(h.graph('DELETE', /^\/communications\/calls\//).length, 1, 'one hang-up');
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
    assert.match(cardSays(cardId), /Sev2: search slow/);
  });

  it("A killed between the bridge's meeting and its join: B takes the bridge over, joins that meeting once, and posts its card", async () => {
    // The meeting is made at Graph, but its answer comes only after A is dead; B takes over once A's answer could no
    // longer come (the 1 s request limit and 5 s), and asks again under the same externalId: the same meeting.
    await startPairInGroupChat({ GRAPH_TIMEOUT_MS: '1000', GRAPH_MAX_RETRIES: '0' });
    h.sim.failNext({ method: 'POST', path: /\/onlineMeetings\/createOrGet$/, answerAfterMs: 60_000 });
    const said = h.say('bridge Sev1: checkout down', { instance: 0 }).catch(() => 0);
    await waitFor(() => h.sim.meetingsCreated.length === 1, 'the meeting made at Graph');
    await h.crash(0);
    await said;
    h.pin(1);

    await h.connector.until((c) => c.cardPosts().length === 1 && /Connected/.test(cardText(c.latestCard(c.cardPosts()[0]!.id))), 'the bridge card, posted by B', 40_000);
    const asked = h.graph('POST', /\/onlineMeetings\/createOrGet$/).map((r) => (r.body as { externalId: string }).externalId);
    assert.deepEqual([asked.length, new Set(asked).size], [2, 1], 'asked again under the same externalId');
    assert.equal(h.sim.meetingsCreated.length, 1, 'no second meeting');
    await h.sim.idle();
    assert.equal(h.createCallRequests().length, 1, 'joined once');
    const meeting = h.sim.meetingsCreated[0]!.body as { joinWebUrl: string };
    const card = h.connector.latestCard(h.connector.cardPosts()[0]!.id);
    assert.ok((card.actions as { url?: string }[]).some((a) => a.url === meeting.joinWebUrl), "its Join button is the meeting's link");
    assert.equal(h.connector.cardPosts().length, 1, h.connector.summary().join('\n'));
  });
});

/** One delta-roster notification that adds participant `n` (its own sequence number). */
function deltaRoster(callId: string, n: number): unknown {
  return {
    '@odata.type': '#microsoft.graph.commsNotifications',
    value: [
      {
        '@odata.type': '#microsoft.graph.commsNotification',
        changeType: 'updated',
        resourceUrl: `/communications/calls/${callId}/participants`,
        resourceData: [
          {
            '@odata.type': '#microsoft.graph.deltaParticipants',
            sequenceNumber: n,
            participants: [
              {
                '@odata.type': '#microsoft.graph.participant',
                id: `extra-${n}`,
                info: { identity: { user: { id: `user-${n}`, displayName: `Person ${n}` } } },
                isMuted: false,
                isInLobby: false,
                rosterSequenceNumber: n,
              },
            ],
          },
        ],
      },
    ],
  };
}
