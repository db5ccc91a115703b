import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandError, parseCommand } from '../../src/bot/commandParser.js';
import type { MentionedPerson } from '../../src/bot/commandParser.js';

const alice: MentionedPerson = { text: '<at>Alice Smith</at>', id: '29:alice', name: 'Alice Smith' };
const bob: MentionedPerson = { text: '<at>Bob</at>', id: '29:bob', name: 'Bob' };
const oid = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe';

function refused(text: string, pattern: RegExp, code = 'badCommand'): void {
  assert.throws(() => parseCommand(text), (e: unknown) => {
    assert.ok(e instanceof CommandError, String(e));
    assert.equal(e.code, code);
    assert.match(e.userMessage, pattern);
    return true;
  });
}

describe('command parser', () => {
  it('reads help, an empty message and "?" as help', () => {
    for (const text of ['help', 'HELP', '', '   ', '?']) assert.deepEqual(parseCommand(text), { kind: 'help' });
  });

  it('calls a mentioned person, a UPN, an object id and a phone number spelt with spaces', () => {
    assert.deepEqual(parseCommand(`Call ${alice.text} bob@contoso.com ${oid.toUpperCase()} +1 (425) 555-0100`, [alice]), {
      kind: 'call',
      people: [
        { kind: 'mention', teamsId: '29:alice', name: 'Alice Smith' },
        { kind: 'userPrincipalName', value: 'bob@contoso.com' },
        { kind: 'objectId', id: oid },
        { kind: 'phone', raw: '+1 (425) 555-0100' },
      ],
    });
  });

  it('keeps two phone numbers apart when each starts with +', () => {
    assert.deepEqual(parseCommand('call +44 20 7946 0958, +14255550100'), {
      kind: 'call',
      people: [{ kind: 'phone', raw: '+44 20 7946 0958' }, { kind: 'phone', raw: '+14255550100' }],
    });
  });

  it('decodes HTML the Teams client sends', () => {
    assert.deepEqual(parseCommand('<p>call&nbsp;bob@contoso.com</p>'), { kind: 'call', people: [{ kind: 'userPrincipalName', value: 'bob@contoso.com' }] });
  });

  it('invites into this chat\'s call or a named one', () => {
    assert.deepEqual(parseCommand(`invite ${bob.text} +14255550100`, [bob]), {
      kind: 'invite',
      people: [{ kind: 'mention', teamsId: '29:bob', name: 'Bob' }, { kind: 'phone', raw: '+14255550100' }],
    });
    assert.deepEqual(parseCommand('invite bob@contoso.com to #2'), {
      kind: 'invite', people: [{ kind: 'userPrincipalName', value: 'bob@contoso.com' }], call: { kind: 'handle', number: 2 },
    });
    assert.deepEqual(parseCommand(`invite bob@contoso.com to ${oid}`).kind, 'invite');
  });

  it('escalates from this chat\'s call or a named one', () => {
    assert.deepEqual(parseCommand('escalate bob@contoso.com from #1'), {
      kind: 'escalate', people: [{ kind: 'userPrincipalName', value: 'bob@contoso.com' }], call: { kind: 'handle', number: 1 },
    });
  });

  it('moves one person between two calls', () => {
    assert.deepEqual(parseCommand(`move ${alice.text} from #1 to #2`, [alice]), {
      kind: 'move', person: { kind: 'mention', teamsId: '29:alice', name: 'Alice Smith' },
      from: { kind: 'handle', number: 1 }, to: { kind: 'handle', number: 2 },
    });
    refused('move bob@contoso.com to #2', /between which calls/);
    refused('move bob@contoso.com carol@contoso.com from #1 to #2', /one person at a time/);
  });

  it('joins by link, by meeting id with a passcode, and as a guest', () => {
    const link = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d';
    assert.deepEqual(parseCommand(`join ${link}`), { kind: 'join', meeting: { kind: 'link', url: link } });
    assert.deepEqual(parseCommand(`join <a href="${link}">Join</a>`), { kind: 'join', meeting: { kind: 'link', url: link } });
    assert.deepEqual(parseCommand('join 123 456 789 012 passcode AbC123'), {
      kind: 'join', meeting: { kind: 'meetingId', id: '123456789012', passcode: 'AbC123' },
    });
    assert.deepEqual(parseCommand('join 123456789012 as guest Rally Helpdesk'), {
      kind: 'join', meeting: { kind: 'meetingId', id: '123456789012' }, guestName: 'Rally Helpdesk',
    });
  });

  it('reads calls, status, hangup and "hang up"', () => {
    assert.deepEqual(parseCommand('calls'), { kind: 'calls' });
    assert.deepEqual(parseCommand('status'), { kind: 'status' });
    assert.deepEqual(parseCommand('status #3'), { kind: 'status', call: { kind: 'handle', number: 3 } });
    assert.deepEqual(parseCommand('hangup'), { kind: 'hangup' });
    assert.deepEqual(parseCommand('hang up #1'), { kind: 'hangup', call: { kind: 'handle', number: 1 } });
  });

  it('explains what is wrong with a bad command', () => {
    refused('dance', /don't know "dance".*help/, 'unknownCommand');
    refused('call', /Who should I call/);
    refused('call bob', /can't tell who "bob" is/);
    refused('invite bob@contoso.com to', /Which call/);
    refused('invite bob@contoso.com to #1 now', /didn't understand "now"/);
    refused('status nope!', /is not a call/);
    refused('join', /Which meeting/);
    refused('join 12ab', /not a meeting id/);
    refused('join 123456789 as', /Give the guest a name/);
    refused('calls please', /takes nothing after it/);
    refused(`call ${'a@b.co '.repeat(11)}`, /too many people/);
    refused('x'.repeat(2001), /too long/);
  });

  it('answers any text with a command or a CommandError, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseCommand(text, [alice]);
        } catch (e) {
          assert.ok(e instanceof CommandError, `threw ${String(e)} for ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
