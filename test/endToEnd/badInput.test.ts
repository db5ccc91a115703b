// Bad input through the real surface: random card payloads, activities and notifications never crash Rally, never
// reach Graph, never change a call, and a person always gets a sentence rather than silence or a stack trace.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { NotificationSigner } from '../../src/simulator/notificationSigner.js';
import { LogCapture } from '../support/logCapture.js';
import { cardText } from './connectorStandIn.js';
import { ME, RallyHarness, TENANT_ID } from './rallyHarness.js';

// Anything JSON can carry, nested and oversized strings included.
const anyJson = fc.jsonValue({ maxDepth: 6 });
const RUNS = 40;

describe('Rally on bad input over HTTP', function () {
  let h: RallyHarness;
  let callId: string;
  let cardId: string;
  let cardBefore: string;
  // Warnings and errors only: a refused activity must leave exactly one line, the refusal.
  const logs = new LogCapture('warn');
  before(async () => {
    h = await RallyHarness.start({ parts: { log: logs.log } });
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

  it('refuses activities whose ids, sender, locale, entities or serviceUrl would fail later with 400 and one log line', async () => {
    const message = { ...h.activityBase(), type: 'message', text: 'help' };
    const withConversationId = (id: string) => ({ ...message, id: `bad-${randomUUID()}`, conversation: { ...message.conversation, id } });
    const withFrom = (aadObjectId: unknown) => ({ ...message, id: `bad-${randomUUID()}`, from: { ...message.from, aadObjectId } });
    const withLocale = (locale: unknown) => ({ ...message, id: `bad-${randomUUID()}`, locale });
    // Rally runs in local mode here, so plain http is allowed on loopback only. The non-loopback hosts are .invalid
    // (they never resolve): should the check ever let one through, the reply still cannot leave the machine.
    const withServiceUrl = (serviceUrl: string) => ({ ...message, id: `bad-${randomUUID()}`, serviceUrl });
    const bad: Record<string, unknown> = {
      'NUL in conversation.id': withConversationId('a:chat\u0000x'),
      'newline in conversation.id': withConversationId('a:chat\nx'),
      'U+001F in conversation.id': withConversationId('a:chat\u001fx'),
      'DEL in conversation.id': withConversationId('a:chat\u007fx'),
      'BOM in conversation.id': withConversationId('\ufeffa:chat'),
      'lone high surrogate in conversation.id': withConversationId('a:chat\ud800x'),
      'lone low surrogate in conversation.id': withConversationId('a:chat\udc00'),
      'emoji in conversation.id': withConversationId('a:chat-\u{1F600}'),
      '10,000-character conversation.id': withConversationId(`a:${'x'.repeat(9_998)}`),
      'aadObjectId an object': withFrom({ id: ME.aadObjectId }),
      'aadObjectId a number': withFrom(42),
      'aadObjectId an array': withFrom([ME.aadObjectId]),
      'locale an object': withLocale({ language: 'en' }),
      'locale a number': withLocale(1033),
      'locale an array': withLocale(['en-US']),
      'a null among the entities': { ...message, id: `bad-${randomUUID()}`, entities: [null] },
      'entities a string': { ...message, id: `bad-${randomUUID()}`, entities: 'clientInfo' },
      'http serviceUrl on a public host': withServiceUrl('http://rally.invalid/'),
      'http serviceUrl on a host named like loopback': withServiceUrl('http://127.0.0.1.rally.invalid/'),
      'javascript: serviceUrl': withServiceUrl('javascript:alert(1)'),
      'file: serviceUrl': withServiceUrl('file:///etc/passwd'),
      'data: serviceUrl': withServiceUrl('data:text/plain,hello'),
    };
    const sentBefore = h.connector.sent.length;
    const answers: Record<string, { status: number; lines: string[] }> = {};
    for (const [name, body] of Object.entries(bad)) {
      const linesBefore = logs.lines.length;
      const status = await post('/api/messages', body);
      await h.rally.idle();
      answers[name] = { status, lines: logs.records().slice(linesBefore).map((r) => r.msg) };
    }
    const refused = Object.fromEntries(Object.keys(bad).map((name) => [name, { status: 400, lines: ['malformed activity refused'] }]));
    assert.deepEqual(answers, refused);
    assert.equal(h.connector.sent.length, sentBefore, 'nothing was sent for a refused activity');
    assert.equal(await h.say('help'), 200);
    assert.equal(h.connector.sent.length, sentBefore + 1, 'help was answered');
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
