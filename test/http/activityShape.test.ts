// What /api/messages refuses with 400 before botbuilder sees an activity, and what it must still let through.
import assert from 'node:assert/strict';
import { activityShapeProblem } from '../../src/http/activityShape.js';

// An activity as Teams sends it.
const TEAMS_MESSAGE = {
  type: 'message',
  id: '1712345678901',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/amer/',
  timestamp: '2024-04-05T10:00:00.000Z',
  locale: 'en-US',
  conversation: {
    id: 'a:1Xq9GZzwCh3bGXmV3-UbT8jDLz5oq2v7vEd0f3YQJjzRn8eA4lMwHcK6tBmP9sN2uR7yI1oE5aS0dF4gH3jK6lZ8xC7vB2nM',
    conversationType: 'personal',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  },
  from: { id: '29:1-me', name: 'Pat Organizer', aadObjectId: '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60' },
  recipient: { id: '28:rally', name: 'Rally' },
  channelData: { tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
  text: 'help',
};

const STRICT = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };

const withConversationId = (id: string) => ({ ...TEAMS_MESSAGE, conversation: { ...TEAMS_MESSAGE.conversation, id } });
const withAadObjectId = (aadObjectId: unknown) => ({ ...TEAMS_MESSAGE, from: { ...TEAMS_MESSAGE.from, aadObjectId } });
const withServiceUrl = (serviceUrl: string) => ({ ...TEAMS_MESSAGE, serviceUrl });

describe('activityShapeProblem', () => {
  it('accepts an activity as Teams sends it, whether or not loopback http is allowed', () => {
    assert.equal(activityShapeProblem(TEAMS_MESSAGE, STRICT), undefined);
    assert.equal(activityShapeProblem(TEAMS_MESSAGE, LOCAL), undefined);
  });

  it('accepts a conversation id of 400 characters, and ids as Teams gives group chats and channel threads', () => {
    assert.equal(activityShapeProblem(withConversationId(`a:${'x'.repeat(398)}`), STRICT), undefined);
    assert.equal(activityShapeProblem(withConversationId('19:meeting_NzE2YjU4ZDQtMzc2@thread.v2'), STRICT), undefined);
    assert.equal(activityShapeProblem(withConversationId('19:d4f1c0c1b2a3@thread.tacv2;messageid=1712345678901'), STRICT), undefined);
  });

  it('accepts no aadObjectId and no locale, or null ones', () => {
    const { locale: _locale, ...noLocale } = TEAMS_MESSAGE;
    assert.equal(activityShapeProblem({ ...noLocale, from: { id: '29:1-me' } }, STRICT), undefined);
    assert.equal(activityShapeProblem({ ...withAadObjectId(null), locale: null }, STRICT), undefined);
  });

  for (const [name, id] of [
    ['NUL', 'a:chat\u0000x'],
    ['a newline', 'a:chat\nx'],
    ['a carriage return', 'a:chat\rx'],
    ['U+001F', 'a:chat\u001fx'],
    ['DEL', 'a:chat\u007fx'],
    ['a BOM', '\ufeffa:chat'],
    ['a lone high surrogate', 'a:chat\ud800x'],
    ['a lone low surrogate', 'a:chat\udc00'],
    ['a surrogate pair backwards', 'a:chat\ude00\ud83d'],
    // Well-formed, yet just as unsendable in the header.
    ['an emoji', 'a:chat-\u{1F600}'],
    ['U+0100', 'a:chat-\u0100'],
    ['a Latin-1 letter', 'a:chat-\u00e9'],
  ]) {
    it(`refuses a conversation id with ${name}`, () => {
      assert.match(activityShapeProblem(withConversationId(id!), LOCAL) ?? '', /conversation id has a character/);
    });
  }

  it('refuses a 10,000-character conversation id, and one of 1,025', () => {
    assert.match(activityShapeProblem(withConversationId('x'.repeat(10_000)), LOCAL) ?? '', /conversation id is too long/);
    assert.match(activityShapeProblem(withConversationId('x'.repeat(401)), LOCAL) ?? '', /conversation id is too long/);
  });

  for (const [name, value] of [['an object', { id: 'x' }], ['a number', 42], ['an array', ['x']], ['a boolean', true]] as const) {
    it(`refuses an aadObjectId that is ${name}`, () => {
      assert.match(activityShapeProblem(withAadObjectId(value), LOCAL) ?? '', /aadObjectId is not a string/);
    });

    it(`refuses a locale that is ${name}`, () => {
      assert.match(activityShapeProblem({ ...TEAMS_MESSAGE, locale: value }, LOCAL) ?? '', /locale is not a string/);
    });
  }

  for (const entities of [[null], [42], ['mention'], [[]], { type: 'mention' }, 'clientInfo']) {
    it(`refuses entities that are ${JSON.stringify(entities)}`, () => {
      assert.match(activityShapeProblem({ ...TEAMS_MESSAGE, entities }, LOCAL) ?? '', /entities are not a list of objects/);
    });
  }

  it('accepts entities that are objects, or none', () => {
    for (const entities of [undefined, null, [], [{ type: 'clientInfo', locale: 42, timezone: {} }]]) {
      assert.equal(activityShapeProblem({ ...TEAMS_MESSAGE, entities }, LOCAL), undefined, JSON.stringify(entities));
    }
  });

  it('accepts an https serviceUrl, loopback or not', () => {
    assert.equal(activityShapeProblem(withServiceUrl('https://smba.trafficmanager.net/emea/'), STRICT), undefined);
    assert.equal(activityShapeProblem(withServiceUrl('https://127.0.0.1:8443/'), STRICT), undefined);
  });

  for (const serviceUrl of ['http://127.0.0.1:3978/', 'http://127.10.20.30/', 'http://localhost:3978', 'http://LOCALHOST:3978/_connector', 'http://[::1]:1234', 'http://127.1:3978/']) {
    it(`accepts ${serviceUrl} when loopback http is allowed, and only then`, () => {
      assert.equal(activityShapeProblem(withServiceUrl(serviceUrl), LOCAL), undefined);
      assert.match(activityShapeProblem(withServiceUrl(serviceUrl), STRICT) ?? '', /serviceUrl/);
    });
  }

  for (const serviceUrl of [
    'http://example.com/',
    'http://10.0.0.5:3978/',
    'http://[::2]:1234/',
    'http://[::ffff:127.0.0.1]/',
    'http://127.0.0.1.example.com/',
    'http://localhost.example.com/',
    'http://0.0.0.0:3978/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/plain,hello',
    'ws://127.0.0.1:3978/',
    'ftp://localhost/',
    'smba.trafficmanager.net/amer/',
  ]) {
    it(`refuses the serviceUrl ${serviceUrl} even when loopback http is allowed`, () => {
      assert.match(activityShapeProblem(withServiceUrl(serviceUrl), LOCAL) ?? '', /serviceUrl/);
      assert.match(activityShapeProblem(withServiceUrl(serviceUrl), STRICT) ?? '', /serviceUrl/);
    });
  }

  it('still refuses what it refused before: no object, type, conversation id, serviceUrl or sender', () => {
    const { serviceUrl: _serviceUrl, ...noServiceUrl } = TEAMS_MESSAGE;
    assert.equal(activityShapeProblem([TEAMS_MESSAGE], LOCAL), 'the body is not a JSON object');
    assert.equal(activityShapeProblem({ ...TEAMS_MESSAGE, type: '' }, LOCAL), 'the activity has no type');
    assert.equal(activityShapeProblem({ ...TEAMS_MESSAGE, conversation: { id: 7 } }, LOCAL), 'the activity has no conversation id');
    assert.equal(activityShapeProblem(noServiceUrl, LOCAL), 'the activity has no valid serviceUrl');
    assert.equal(activityShapeProblem({ ...TEAMS_MESSAGE, from: {} }, LOCAL), 'the activity has no sender');
  });
});
