import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidRequestError } from '../../../src/calling/errors.js';
import { RallyError } from '../../../src/errors/rallyError.js';
import { meetingById, meetingOfItsChat, parseMeetingLink } from '../../../src/calling/targets/meetingLink.js';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const organizer = '550fae72-d251-43ec-868c-373732c2704f';
const meetingThread = '19:meeting_NjQ2ZGNhYzMtOTg4Yi00NzFhLWJhN2YtMTk4ZjQ3MWNlYWI2@thread.v2';
const channelThread = '19:cd9ce3da56624fe69c9d7cd026f9126d@thread.skype';

/** How Teams writes join links: lower-case percent escapes, JSON context. */
function teamsEncode(text: string): string {
  return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

function longLink(thread: string, message: string, context: object | string, host = 'teams.microsoft.com'): string {
  const contextText = typeof context === 'string' ? context : JSON.stringify(context);
  return `https://${host}/l/meetup-join/${teamsEncode(thread)}/${message}?context=${teamsEncode(contextText)}`;
}

function refusal(text: string): InvalidRequestError {
  try {
    parseMeetingLink(text);
  } catch (error) {
    assert.ok(error instanceof InvalidRequestError, `expected InvalidRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${text} was accepted`);
}

describe('parseMeetingLink', () => {
  it('reads a scheduled meeting link', () => {
    assert.deepStrictEqual(parseMeetingLink(longLink(meetingThread, '0', { Tid: tenant, Oid: organizer })), {
      kind: 'organizer',
      threadId: meetingThread,
      messageId: '0',
      organizer: { id: organizer, tenantId: tenant },
    });
  });

  it('reads a channel meeting link, with the channel post it hangs under', () => {
    const link = longLink(channelThread, '1509579179399', { Tid: tenant, Oid: organizer, MessageId: '1536978844957' });
    assert.deepStrictEqual(parseMeetingLink(link), {
      kind: 'organizer',
      threadId: channelThread,
      messageId: '1509579179399',
      replyChainMessageId: '1536978844957',
      organizer: { id: organizer, tenantId: tenant },
    });
  });

  it('reads a link whose ids are not percent-encoded, with surrounding spaces and extra parameters', () => {
    const link = `  https://teams.microsoft.com/l/meetup-join/${meetingThread}/0?context={"Tid":"${tenant}","Oid":"${organizer}"}&anon=true  `;
    assert.deepStrictEqual(parseMeetingLink(link), {
      kind: 'organizer',
      threadId: meetingThread,
      messageId: '0',
      organizer: { id: organizer, tenantId: tenant },
    });
  });

  it('reads a US government cloud link', () => {
    const meeting = parseMeetingLink(longLink(meetingThread, '0', { Tid: tenant, Oid: organizer }, 'gov.teams.microsoft.us'));
    assert.equal(meeting.kind, 'organizer');
  });

  it('reads a link Outlook wrapped in Safe Links', () => {
    const wrapped = `https://nam06.safelinks.protection.outlook.com/?url=${encodeURIComponent(longLink(meetingThread, '0', { Tid: tenant, Oid: organizer }))}&data=05%7C02&reserved=0`;
    assert.deepStrictEqual(parseMeetingLink(wrapped), parseMeetingLink(longLink(meetingThread, '0', { Tid: tenant, Oid: organizer })));
  });

  it('reads a short link as meeting id and passcode', () => {
    assert.deepStrictEqual(parseMeetingLink('https://teams.microsoft.com/meet/2345678901234?p=AbC12dEf'), {
      kind: 'meetingId',
      meetingId: '2345678901234',
      passcode: 'AbC12dEf',
    });
  });

  it('reads a short link without passcode', () => {
    assert.deepStrictEqual(parseMeetingLink('https://teams.microsoft.com/meet/2345678901234'), { kind: 'meetingId', meetingId: '2345678901234' });
  });

  const refusals: [string, string, string, RegExp][] = [
    ['plain words', 'join the standup', 'notAMeetingLink', /not a link/],
    ['another site', 'https://zoom.us/j/123456789', 'notAMeetingLink', /not a Teams meeting link/],
    ['plain http', longLink(meetingThread, '0', { Tid: tenant, Oid: organizer }).replace('https:', 'http:'), 'notAMeetingLink', /not a Teams meeting link/],
    ['Teams free', 'https://teams.live.com/meet/9876543210987?p=abc', 'consumerMeetingLink', /Teams \(free\)/],
    ['a Teams link to something else', 'https://teams.microsoft.com/l/chat/0/0?users=alice@contoso.com', 'notAMeetingLink', /not a meeting join link/],
    ['no context', `https://teams.microsoft.com/l/meetup-join/${teamsEncode(meetingThread)}/0`, 'meetingLinkDamaged', /cut short/],
    ['context not JSON', longLink(meetingThread, '0', '{"Tid":'), 'meetingLinkDamaged', /context .* not readable/],
    ['context not an object', longLink(meetingThread, '0', '[1,2]'), 'meetingLinkDamaged', /tenant \(Tid\)/],
    ['no tenant', longLink(meetingThread, '0', { Oid: organizer }), 'meetingLinkDamaged', /tenant \(Tid\)/],
    ['no organizer', longLink(meetingThread, '0', { Tid: tenant }), 'meetingLinkDamaged', /organizer \(Oid\)/],
    ['organizer not a GUID', longLink(meetingThread, '0', { Tid: tenant, Oid: 'bob' }), 'meetingLinkDamaged', /organizer \(Oid\)/],
    ['bad channel post', longLink(channelThread, '1', { Tid: tenant, Oid: organizer, MessageId: 42 }), 'meetingLinkDamaged', /MessageId/],
    ['not a thread id', longLink('meeting_abc', '0', { Tid: tenant, Oid: organizer }), 'meetingLinkDamaged', /chat id/],
    ['message id not a number', longLink(meetingThread, 'x', { Tid: tenant, Oid: organizer }), 'meetingLinkDamaged', /chat id/],
    ['broken escape', `https://teams.microsoft.com/l/meetup-join/19%3ameeting_%E0%40thread.v2/0?context=%7b%7d`, 'meetingLinkDamaged', /chat id/],
    ['short link id not a number', 'https://teams.microsoft.com/meet/abc?p=x', 'meetingLinkDamaged', /not a number/],
  ];
  for (const [what, link, code, message] of refusals) {
    it(`refuses ${what} (${code})`, () => {
      const error = refusal(link);
      assert.equal(error.code, code);
      assert.match(error.userMessage, message);
    });
  }

  it('throws nothing but RallyError, whatever the text', () => {
    const teamsLike = fc
      .tuple(
        fc.constantFrom('https://teams.microsoft.com/', 'https://teams.microsoft.com/l/meetup-join/', 'https://teams.microsoft.com/meet/'),
        fc.string(),
        fc.constantFrom('', '?context=', '?p=', '/0?context='),
        fc.string(),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true }), teamsLike), (text) => {
        try {
          parseMeetingLink(text);
        } catch (error) {
          assert.ok(error instanceof RallyError, String(error));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('meetingById', () => {
  it('takes the id as invites print it, spaces and all', () => {
    assert.deepStrictEqual(meetingById('234 567 890 123', ' AbC12 '), { kind: 'meetingId', meetingId: '234567890123', passcode: 'AbC12' });
  });

  it('leaves the passcode out when there is none', () => {
    assert.deepStrictEqual(meetingById('1234567'), { kind: 'meetingId', meetingId: '1234567' });
    assert.deepStrictEqual(meetingById('1234567', '  '), { kind: 'meetingId', meetingId: '1234567' });
  });

  for (const id of ['', 'abc', '12-34', '1'.repeat(33)]) {
    it(`refuses ${JSON.stringify(id)}`, () => {
      assert.throws(() => meetingById(id), (e: unknown) => e instanceof InvalidRequestError && e.code === 'invalidMeetingId');
    });
  }
});

describe('meetingOfItsChat', () => {
  it('is the chat\'s thread with message id 0 and the organizer Teams named', () => {
    assert.deepStrictEqual(meetingOfItsChat(meetingThread, { id: organizer, tenantId: tenant }), {
      kind: 'organizer',
      threadId: meetingThread,
      messageId: '0',
      organizer: { id: organizer, tenantId: tenant },
    });
  });

  for (const [what, thread, organizerId, tenantId] of [
    ['a chat that is no thread', 'a:1personal-chat', organizer, tenant],
    ['an organizer that is no object id', meetingThread, '29:organizer', tenant],
    ['a tenant that is no tenant id', meetingThread, organizer, 'contoso'],
  ] as const) {
    it(`refuses ${what} in one sentence`, () => {
      assert.throws(
        () => meetingOfItsChat(thread, { id: organizerId, tenantId }),
        (e: unknown) => e instanceof InvalidRequestError && e.code === 'meetingChatUnreadable' && /paste its join link/.test(e.userMessage),
      );
    });
  }
});
