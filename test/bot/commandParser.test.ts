import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandError, EXAMPLES, parseCommand } from '../../src/bot/commandParser.js';
import type { MentionedPerson } from '../../src/bot/commandParser.js';
import { keywordIn, verbIn } from '../../src/bot/commandWords.js';
import type { Keyword } from '../../src/bot/commandWords.js';
import type { CommandKind } from '../../src/bot/commands.js';
import { MAX_PAGE_STEPS } from '../../src/calling/paging/pageRecord.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import type { Language } from '../../src/i18n/languages.js';
import type { Sentence } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';

const alice: MentionedPerson = { text: '<at>Alice Smith</at>', id: '29:alice', name: 'Alice Smith' };
const bob: MentionedPerson = { text: '<at>Bob</at>', id: '29:bob', name: 'Bob' };
const oid = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe';

function refused(text: string, pattern: RegExp, code = 'badCommand', mentions: MentionedPerson[] = []): void {
  assert.throws(() => parseCommand(text, mentions), (e: unknown) => {
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

  it('mutes and removes one person, in this chat\'s call or a named one', () => {
    assert.deepEqual(parseCommand(`mute ${alice.text}`, [alice]), { kind: 'mute', person: { kind: 'mention', teamsId: '29:alice', name: 'Alice Smith' } });
    assert.deepEqual(parseCommand('Mute bob@contoso.com IN #2'), { kind: 'mute', person: { kind: 'userPrincipalName', value: 'bob@contoso.com' }, call: { kind: 'handle', number: 2 } });
    assert.deepEqual(parseCommand('remove +1 425 555 0100 from #3'), { kind: 'remove', person: { kind: 'phone', raw: '+1 425 555 0100' }, call: { kind: 'handle', number: 3 } });
    assert.deepEqual(parseCommand(`remove ${oid}`), { kind: 'remove', person: { kind: 'objectId', id: oid } });
    refused('mute', /Who should I mute\? For example: "mute alexw@contoso\.com in #1"/);
    refused('remove from #1', /Who should I remove\? For example: "remove alexw@contoso\.com from #1"/);
    refused('mute bob@contoso.com carol@contoso.com', /I can mute one person at a time/);
    refused('remove bob@contoso.com from', /Which call\? Put its number after "from"/);
    refused('mute bob@contoso.com in #two', /"#two" is not a call/);
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

  it('reads "join" alone as the meeting of the chat it is typed in, as a guest too', () => {
    assert.deepEqual(parseCommand('join'), { kind: 'join', meeting: { kind: 'thisChat' } });
    assert.deepEqual(parseCommand('JOIN  '), { kind: 'join', meeting: { kind: 'thisChat' } });
    assert.deepEqual(parseCommand('join as guest Rally Helpdesk'), { kind: 'join', meeting: { kind: 'thisChat' }, guestName: 'Rally Helpdesk' });
  });

  it('explains what is wrong with a bad command', () => {
    refused('dance', /don't know "dance".*help/, 'unknownCommand');
    refused('call', /Who should I call/);
    refused('call bob!', /can't tell who "bob!" is/);
    refused('call then', /can't tell who "then" is/);
    refused('invite bob@contoso.com to', /Which call/);
    refused('invite bob@contoso.com to #1 now', /didn't understand "now"/);
    refused('status nope!', /is not a call/);
    refused('join passcode AbC123', /Which meeting/);
    refused('join 12ab', /not a meeting id/);
    refused('join 123456789 as', /Give the guest a name/);
    refused('calls please', /takes nothing after it/);
    refused(`call ${'a@b.co '.repeat(11)}`, /too many people/);
    refused('x'.repeat(2001), /too long/);
  });

  describe('bridge', () => {
    it('with nothing after it opens a bridge with no title', () => {
      for (const text of ['bridge', 'Bridge', 'BRIDGE   ', '<p>bridge</p>', '&nbsp;bridge&nbsp;']) assert.deepEqual(parseCommand(text), { kind: 'bridge' }, text);
    });

    it('keeps the rest of the message as the title, commas and colon included', () => {
      assert.deepEqual(parseCommand('bridge Sev1: checkout, payments down'), { kind: 'bridge', title: 'Sev1: checkout, payments down' });
      assert.deepEqual(parseCommand('bridge to #2 from @ops; then hangup'), { kind: 'bridge', title: 'to #2 from @ops; then hangup' }, 'no other command\'s keywords are read in it');
    });

    it('ends the verb where the tokenizer does, and drops inline formatting without adding spaces', () => {
      assert.deepEqual(parseCommand('bridge,Sev1 down'), { kind: 'bridge', title: 'Sev1 down' });
      assert.deepEqual(parseCommand('bridge;Sev1'), { kind: 'bridge', title: 'Sev1' });
      assert.deepEqual(parseCommand('<p>bridge <strong>Sev1</strong>: checkout down</p>'), { kind: 'bridge', title: 'Sev1: checkout down' });
      assert.deepEqual(parseCommand('<p>bridge Sev1</p><p>checkout down</p>'), { kind: 'bridge', title: 'Sev1 checkout down' });
    });

    it('reads the title out of the HTML Teams sends: tags dropped, entities decoded', () => {
      assert.deepEqual(parseCommand('<p>bridge Sev1: checkout &amp; payments&nbsp;down</p>'), { kind: 'bridge', title: 'Sev1: checkout & payments down' });
      assert.deepEqual(parseCommand('<div><p>Bridge &quot;EU&quot; &lt;prod&gt; it&#39;s down</p></div>'), { kind: 'bridge', title: '"EU" <prod> it\'s down' });
    });

    it('collapses the whitespace in the title to single spaces', () => {
      assert.deepEqual(parseCommand('bridge   Sev1\n\tcheckout \u00a0  down  '), { kind: 'bridge', title: 'Sev1 checkout down' });
      assert.deepEqual(parseCommand('<p>bridge</p><p>Sev1</p><p>checkout down</p>'), { kind: 'bridge', title: 'Sev1 checkout down' });
    });
  });

  describe('page', () => {
    const upn = (value: string) => ({ kind: 'userPrincipalName' as const, value });

    it('rings one person: no call to join, no wait of its own', () => {
      assert.deepEqual(parseCommand('page alice@contoso.com'), { kind: 'page', steps: [upn('alice@contoso.com')] });
    });

    it('splits the steps at "then": a mention, a UPN, an object id and a phone number spelt with spaces', () => {
      assert.deepEqual(parseCommand(`page ${alice.text} then bob@contoso.com then ${oid.toUpperCase()} then +1 425 555 0100`, [alice]), {
        kind: 'page',
        steps: [
          { kind: 'mention', teamsId: '29:alice', name: 'Alice Smith' },
          upn('bob@contoso.com'),
          { kind: 'objectId', id: oid },
          { kind: 'phone', raw: '+1 425 555 0100' },
        ],
      });
    });

    it('reads "then", "into" and "after" in any case, and the HTML Teams sends', () => {
      assert.deepEqual(parseCommand('<p>Page&nbsp;alice@contoso.com THEN bob@contoso.com Into #2 AFTER 45S</p>'), {
        kind: 'page',
        steps: [upn('alice@contoso.com'), upn('bob@contoso.com')],
        call: { kind: 'handle', number: 2 },
        waitMs: 45_000,
      });
    });

    it('brings the one who accepts into a call named by number or by Graph call id', () => {
      assert.deepEqual(parseCommand(`page ${bob.text} then +14255550100 into #2`, [bob]), {
        kind: 'page',
        steps: [{ kind: 'mention', teamsId: '29:bob', name: 'Bob' }, { kind: 'phone', raw: '+14255550100' }],
        call: { kind: 'handle', number: 2 },
      });
      assert.deepEqual(parseCommand('page alice@contoso.com into 57dab8b1-894c-409a-b240-bd8beae78896'), {
        kind: 'page',
        steps: [upn('alice@contoso.com')],
        call: { kind: 'callId', id: '57dab8b1-894c-409a-b240-bd8beae78896' },
      });
    });

    it('reads the wait per step after "after": seconds, minutes, with or without a space', () => {
      assert.deepEqual(parseCommand('page alice@contoso.com then bob@contoso.com into #2 after 30s'), {
        kind: 'page',
        steps: [upn('alice@contoso.com'), upn('bob@contoso.com')],
        call: { kind: 'handle', number: 2 },
        waitMs: 30_000,
      });
      assert.deepEqual(parseCommand('page alice@contoso.com after 2m'), { kind: 'page', steps: [upn('alice@contoso.com')], waitMs: 120_000 });
      assert.deepEqual(parseCommand('page alice@contoso.com after 30 s'), { kind: 'page', steps: [upn('alice@contoso.com')], waitMs: 30_000 });
    });

    it('reads "after 0s" as 0, for the page to refuse with the bounds a wait must keep', () => {
      assert.deepEqual(parseCommand('page alice@contoso.com after 0s'), { kind: 'page', steps: [upn('alice@contoso.com')], waitMs: 0 });
      assert.deepEqual(parseCommand('page alice@contoso.com after 0m'), { kind: 'page', steps: [upn('alice@contoso.com')], waitMs: 0 });
    });

    it('refuses a wait it cannot read, with a sentence', () => {
      refused('page alice@contoso.com after soon', /^"soon" is not a wait: write seconds or minutes after "after", like "after 30s" or "after 2m"\.$/);
      refused('page alice@contoso.com after 1d', /"1d" is not a wait/);
      refused('page alice@contoso.com after 30', /"30" is not a wait/);
      refused('page alice@contoso.com after -5s', /is not a wait/);
      refused('page alice@contoso.com after 30s into #2', /is not a wait/);
    });

    it('refuses two people in one step', () => {
      refused('page alice@contoso.com bob@contoso.com', /^Page one person or number at each step, with "then" between them, like: "page alice@contoso\.com then bob@contoso\.com then \+14255550100 after 30s"\.$/);
      refused('page alice@contoso.com then +14255550100 +14255550101', /one person or number at each step/);
      refused(`page ${alice.text} ${bob.text}`, /one person or number at each step/, 'badCommand', [alice, bob]);
    });

    it('refuses an empty step between, before or after a "then"', () => {
      for (const text of ['page a@contoso.com then then b@contoso.com', 'page then a@contoso.com', 'page a@contoso.com then', 'page a@contoso.com then into #2']) {
        refused(text, /^Name one person or number between each "then", like: "page alice@contoso\.com then/);
      }
    });

    it(`refuses more than ${MAX_PAGE_STEPS} steps, and takes ${MAX_PAGE_STEPS}`, () => {
      const ladder = (n: number) => `page ${Array.from({ length: n }, (_, i) => `p${i}@contoso.com`).join(' then ')}`;
      assert.equal((parseCommand(ladder(MAX_PAGE_STEPS)) as { steps: unknown[] }).steps.length, MAX_PAGE_STEPS);
      refused(ladder(MAX_PAGE_STEPS + 1), /^A page rings at most 5 people or numbers in turn; you named 6\.$/);
    });

    it('refuses someone it cannot tell, and a call it cannot read', () => {
      refused('page bob!', /can't tell who "bob!" is/);
      refused('page alice@contoso.com into', /Which call\? Put its number after "into"/);
      refused('page alice@contoso.com into #2 now', /didn't understand "now"/);
    });

    it('refuses a page that names no one, asking who to page', () => {
      // "page" alone never typed a "then": the sentence should ask who, as "call" does and as the pager's own check says.
      for (const text of ['page', 'page after 30s', 'page into #2']) refused(text, /Who should I page\?/);
    });
  });

  describe('teams of people', () => {
    const team = (name: string) => ({ kind: 'team' as const, name });

    it('defines a team of up to 10 people or numbers, in order, however "=" is spaced', () => {
      const expected = {
        kind: 'team',
        name: 'sre',
        action: 'define',
        people: [
          { kind: 'userPrincipalName', value: 'alice@contoso.com' },
          { kind: 'mention', teamsId: '29:bob', name: 'Bob' },
          { kind: 'phone', raw: '+1 425 555 0100' },
        ],
      };
      for (const text of [`team sre = alice@contoso.com ${bob.text} +1 425 555 0100`, `Team sre=alice@contoso.com, ${bob.text}, +1 425 555 0100`, `team sre =alice@contoso.com ${bob.text} +1 425 555 0100`]) {
        assert.deepEqual(parseCommand(text, [bob]), expected);
      }
      const ten = Array.from({ length: 10 }, (_, i) => `p${i}@contoso.com`).join(' ');
      assert.equal((parseCommand(`team big = ${ten}`) as { people: unknown[] }).people.length, 10);
    });

    it('shows a team, deletes it, and lists the teams', () => {
      assert.deepEqual(parseCommand('team SRE'), { kind: 'team', name: 'SRE', action: 'show' });
      assert.deepEqual(parseCommand('team db-oncall_2 DELETE'), { kind: 'team', name: 'db-oncall_2', action: 'delete' });
      assert.deepEqual(parseCommand('teams'), { kind: 'teams' });
      refused('teams sre', /"teams" takes nothing after it/);
    });

    it('reads a team\'s name wherever people are named, mixed with people', () => {
      assert.deepEqual(parseCommand('call sre +14255550100'), { kind: 'call', people: [team('sre'), { kind: 'phone', raw: '+14255550100' }] });
      assert.deepEqual(parseCommand('invite sre to #2'), { kind: 'invite', people: [team('sre')], call: { kind: 'handle', number: 2 } });
      assert.deepEqual(parseCommand('escalate sre'), { kind: 'escalate', people: [team('sre')] });
      assert.deepEqual(parseCommand('page sre into #2'), { kind: 'page', steps: [team('sre')], call: { kind: 'handle', number: 2 } });
      assert.deepEqual(parseCommand('page sre then bob@contoso.com'), { kind: 'page', steps: [team('sre'), { kind: 'userPrincipalName', value: 'bob@contoso.com' }] });
    });

    it('refuses a team of nobody, of more than 10, or of another team', () => {
      refused('team sre =', /^Who is in team sre\? Name up to 10 people or numbers after "=", like: "team sre = alice@contoso\.com @Bob \+14255550100"\.$/);
      const eleven = Array.from({ length: 11 }, (_, i) => `p${i}@contoso.com`).join(' ');
      refused(`team sre = ${eleven}`, /^A team holds at most 10 people or numbers; you named 11\.$/);
      refused('team oncall = sre bob@contoso.com', /^I can't tell who "sre" is: a team holds people and numbers/);
      refused('team sre alice@contoso.com', /^To define team sre, put "=" and its people after its name/);
      refused('team', /^Which team\?/);
      refused('team = alice@contoso.com', /^Which team\?/);
    });

    it('refuses a name that could be read as a person, a number, a call or a keyword, saying why', () => {
      const rule = 'use 1 to 32 letters, digits, - and _, starting with a letter \\(like sre or db-oncall\\)\\.$';
      for (const [name, why] of [
        ['alice@contoso.com', 'it reads as an email address'],
        ['+14255550100', 'it reads as a phone number'],
        ['425-555-0100', 'it reads as a phone number'],
        [oid, 'it reads as an Entra object id'],
        ['#2', "it reads as a call's number"],
        ['@sre', 'it reads as an @mention'],
        ['then', "it is a word Rally's commands use"],
        ['PASSCODE', "it is a word Rally's commands use"],
        ['guest', "it is a word Rally's commands use"],
        ['call', "it is a word Rally's commands use"],
        ['hangup', "it is a word Rally's commands use"],
        ['teams', "it is a word Rally's commands use"],
        ['sre!', 'it has characters or a length a name cannot have'],
        ['_sre', 'it has characters or a length a name cannot have'],
        ['s'.repeat(33), 'it has characters or a length a name cannot have'],
      ]) {
        refused(`team ${name} = alice@contoso.com`, new RegExp(`can't be a team's name, as ${why}: ${rule}`));
      }
      refused(`team ${bob.text} = alice@contoso.com`, /^"@Bob" can't be a team's name, as it reads as an @mention/, 'badCommand', [bob]);
      assert.equal((parseCommand(`team ${'s'.repeat(32)}`) as { name: string }).name.length, 32);
    });

    it('never reads a keyword or a verb as a team where people are named', () => {
      refused('call delete', /can't tell who "delete" is/);
      refused('call status', /can't tell who "status" is/);
    });
  });

  describe('in every language', () => {
    // Each command with arguments that use every grammar word it takes: `{to}` stands for the language's word for "to".
    const SAMPLES: [CommandKind, string][] = [
      ['help', ''],
      ['call', 'alice@contoso.com +1 425 555 0100 sre'],
      ['bridge', 'Sev1: checkout down'],
      ['join', '123 456 789 {passcode} AbC123 {as} Rally Helpdesk'],
      ['join', ''],
      ['invite', 'bob@contoso.com +14255550100 {to} #2'],
      ['escalate', 'bob@contoso.com {from} #1'],
      ['move', '@Alice {from} #1 {to} #2'],
      ['calls', ''],
      ['status', '#3'],
      ['hangup', '#1'],
      ['mute', 'bob@contoso.com {in} #2'],
      ['remove', '+1 425 555 0100 {from} #3'],
      ['page', '@Alice {then} bob@contoso.com {then} +14255550100 {into} #2 {after} 45s'],
      ['team', 'sre = alice@contoso.com @Alice'],
      ['team', 'sre'],
      ['team', 'sre {delete}'],
      ['teams', ''],
      ['doctor', ''],
    ];
    const alias: MentionedPerson = { text: '@Alice', id: '29:alice', name: 'Alice Smith' };
    const say = (language: Language, kind: CommandKind, args: string) =>
      `${verbIn(language, kind)} ${args.replace(/\{(\w+)\}/g, (_, keyword: string) => keywordIn(language, keyword as Keyword))}`.trim();

    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      it(`reads ${language}'s words as the English command, with the same arguments`, () => {
        for (const [kind, args] of SAMPLES) {
          const english = parseCommand(say('en', kind, args), [alias]);
          assert.equal(english.kind, kind, say('en', kind, args));
          assert.deepEqual(parseCommand(say(language, kind, args), [alias]), english, say(language, kind, args));
        }
      });
    }

    it('reads the examples its sentences give, in every language, as the English example\'s command', () => {
      const mentions = [alias, { text: '@Bob', id: '29:bob', name: 'Bob' }];
      const examples: Sentence[] = [...Object.values(EXAMPLES).filter((e): e is Sentence => typeof e !== 'function'), EXAMPLES.teamNamed('db-oncall')];
      for (const example of examples) {
        const english = parseCommand(new Translator().say(example), mentions);
        for (const language of LANGUAGES) {
          const text = new Translator({ locale: language }).say(example);
          assert.deepEqual(parseCommand(text, mentions), english, `${language}: ${text}`);
        }
      }
    });

    it('reads the words in any case and with or without accents, and mixes languages in one command', () => {
      const move = parseCommand('move bob@contoso.com from #1 to #2');
      for (const text of ['DÉPLACER bob@contoso.com DE #1 À #2', 'deplacer bob@contoso.com de #1 a #2', 'Verschieben bob@contoso.com Von #1 Zu #2', 'déplacer bob@contoso.com from #1 zu #2', '移动 bob@contoso.com 从 #1 to #2']) {
        assert.deepEqual(parseCommand(text), move, text);
      }
      assert.deepEqual(parseCommand('team sre LÖSCHEN'), { kind: 'team', name: 'sre', action: 'delete' });
      assert.deepEqual(parseCommand('team sre loschen'), { kind: 'team', name: 'sre', action: 'delete' });
      assert.deepEqual(parseCommand('ＣＡＬＬ bob@contoso.com'), parseCommand('call bob@contoso.com'), 'full-width letters from a Japanese keyboard');
    });

    it('never reads another language\'s grammar word as a team where people are named', () => {
      refused('call puis', /can't tell who "puis" is/);
      refused('appeler de', /can't tell who "de" is/);
      refused('team dann = alice@contoso.com', /"dann" can't be a team's name, as it is a word Rally's commands use/);
      refused('team equipe = alice@contoso.com', /"equipe" can't be a team's name, as it is a word Rally's commands use/);
    });

    it('says why it cannot read a command in the reader\'s language, with that language\'s words', () => {
      const said = (text: string, locale: string) => {
        try {
          parseCommand(text);
        } catch (error) {
          assert.ok(error instanceof CommandError, String(error));
          return new Translator({ locale }).say(error.sentence);
        }
        assert.fail(`${text} was read`);
      };
      assert.equal(said('appeler', 'fr-FR'), 'Qui dois-je appeler ? Par exemple : « appeler alice@contoso.com ».');
      assert.equal(said('call', 'fr-FR'), 'Qui dois-je appeler ? Par exemple : « appeler alice@contoso.com ».', 'English typed in a French chat is answered in French');
      assert.equal(said('einladen bob@contoso.com zu', 'de'), 'Welcher Anruf? Geben Sie seine Nummer nach „zu“ an, etwa #1.');
      assert.equal(said('tanzen', 'de'), '„tanzen“ kenne ich nicht. Mit „hilfe“ sehen Sie, was ich kann.');
      assert.equal(said('团队列表 sre', 'zh-CN'), '“团队列表”后面不能跟任何内容。');
      assert.equal(said('呼び出し a@contoso.com b@contoso.com', 'ja'), '各ステップで呼び出すユーザーまたは番号は 1 つだけにして、間に「次に」を入れてください。例:「呼び出し alice@contoso.com 次に bob@contoso.com 次に +14255550100 間隔 30s」');
      assert.equal(said('appeler', 'en-GB'), 'Who should I call? For example: "call alice@contoso.com".', 'French typed in an English chat is answered in English');
      assert.match(said(`equipo sre = ${Array.from({ length: 11 }, (_, i) => `p${i}@contoso.com`).join(' ')}`, 'es'), /^Un equipo tiene como máximo 10 personas o números; usted nombró 11\.$/);
    });
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
