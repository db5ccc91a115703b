// Bad input through the real surface: random card payloads, activities and notifications never crash Rally, never
// reach Graph, never change a call, and a person always gets a sentence rather than silence or a stack trace.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NotificationSigner } from '../../src/simulator/notificationSigner.js';
import { cardText } from './connectorStandIn.js';
import { RallyHarness, TENANT_ID } from './rallyHarness.js';

// Anything JSON can carry, nested and oversized strings included.
const anyJson = fc.jsonValue({ maxDepth: 6 });
const RUNS = 40;

describe('Rally on bad input over HTTP', function () {
  let h: RallyHarness;
  let callId: string;
  let cardId: string;
  let cardBefore: string;
  before(async () => {
    h = await RallyHarness.start();
    ({ callId, cardId } = await h.placeCall('call adelev@contoso.com'));
    cardBefore = cardText(h.connector.latestCard(cardId));
  });
  after(async () => {
    await h.close();
  });

  const graphWrites = () => h.sim.requests.filter((r) => r.method !== 'GET').length;

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
    const response = await fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  }

  async function stillHealthy(): Promise<void> {
    const health = await fetch(`${h.url}/healthz`);
    assert.equal(health.status, 200);
    assert.match(cardText(h.connector.latestCard(cardId)), /Connected/);
  }

  it('answers random card action payloads with a sentence and never calls Graph', async () => {
    const writesBefore = graphWrites();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('invite', 'escalate', 'hangup', 'refresh', 'runCommand', 'nonsense'), anyJson, async (verb, data) => {
        // A real call id with garbage beside it must not act either: only well-formed inputs may.
        const payload = data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data, people: 42 } : data;
        const answer = await h.press(cardId, verb === 'hangup' ? 'hangup-but-not-really' : verb, payload as Record<string, unknown>);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.ok(answer.body && typeof answer.body.type === 'string');
      }),
      { numRuns: RUNS },
    );
    await h.rally.idle();
    assert.equal(graphWrites(), writesBefore, 'no Graph request came from a random payload');
    for (const line of h.connector.lines()) assert.doesNotMatch(line, /at \w+ \(|TypeError|undefined|\[object Object\]/, line);
    await stillHealthy();
  });

  it('answers random message text with a command or a sentence, and random activity shapes without crashing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (text) => {
        const safe = text.replace(/^\s*(call|invite|escalate|hangup|hang|join|move)\b/i, 'x');
        assert.equal(await h.say(safe), 200);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(anyJson, async (body) => {
        const status = await post('/api/messages', body);
        assert.ok(status < 500, `status ${status} for ${JSON.stringify(body).slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
    // Well-formed envelopes with garbage inside: odd types, values, entities and text.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing'),
        anyJson,
        anyJson,
        fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
        async (type, value, entities, name) => {
          const status = await post('/api/messages', {
            type,
            id: `fuzz-${Math.random()}`,
            channelId: 'msteams',
            serviceUrl: h.connector.url,
            conversation: { id: 'fuzz-chat', tenantId: TENANT_ID },
            from: { id: '29:fuzz', name: 'Fuzz' },
            recipient: { id: '28:rally-local', name: 'Rally' },
            channelData: { tenant: { id: TENANT_ID } },
            text: typeof value === 'string' ? value : undefined,
            value,
            entities: Array.isArray(entities) ? entities : undefined,
            name,
          });
          // 501 is botbuilder's answer to an invoke Rally does not implement: an answer, not a failure.
          assert.ok(status < 500 || (type === 'invoke' && status === 501), `status ${status} for ${type} ${JSON.stringify(value).slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS },
    );
    await stillHealthy();
  });

  it('refuses random notification bodies with a valid token (400) and changes no call', async () => {
    const token = await (await NotificationSigner.create('rally-local')).token(TENANT_ID);
    const deliveriesBefore = h.connector.sent.length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson,
          fc.record({ value: fc.array(fc.record({ changeType: anyJson, resourceUrl: fc.constant(`/communications/calls/${callId}`), resourceData: anyJson }), { maxLength: 3 }) }),
        ),
        async (body) => {
          const status = await post('/api/calling', body, { authorization: `Bearer ${token}` });
          assert.ok(status === 400 || status === 202, `status ${status} for ${JSON.stringify(body).slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS },
    );
    await h.rally.idle();
    assert.equal(cardText(h.connector.latestCard(cardId)), cardBefore, 'the card never changed');
    assert.equal(h.connector.sent.length, deliveriesBefore, 'nothing was posted to the chat');
    await stillHealthy();
  });
});
