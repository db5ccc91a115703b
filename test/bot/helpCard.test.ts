// What Rally shows a person to type is what its parser reads, in every language: each help card usage line, filled
// in, reads as the English line's command, and each command a help, chat, calling or doctor text quotes reads as the
// one the English text quotes, in that language's own words. Read from the catalogs and the parser, never copied from
// either, so a command word changed in a commands.json fails here until every text that shows it says the new word.
import assert from 'node:assert/strict';
import { TYPE, parse } from '@formatjs/icu-messageformat-parser';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { readCardAction } from '../../src/bot/cardActions.js';
import type { AdaptiveCardJson } from '../../src/bot/cardTemplates.js';
import { EXAMPLES, parseCommand } from '../../src/bot/commandParser.js';
import { COMMAND_KINDS, KEYWORDS, isCommandWord, keywordIn, verbIn, verbOf } from '../../src/bot/commandWords.js';
import { renderHelpCard } from '../../src/bot/helpCard.js';
import { CALL_NAMING_EXAMPLES } from '../../src/calling/errors.js';
import { CATALOGS } from '../../src/i18n/catalogs.js';
import type { MessageKey } from '../../src/i18n/catalogs.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import type { Language } from '../../src/i18n/languages.js';
import { sentence } from '../../src/i18n/sentence.js';
import type { SentenceParam, SentenceParams } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';

const OTHER_LANGUAGES = LANGUAGES.filter((language) => language !== 'en');
const KEYS = Object.keys(CATALOGS.en) as MessageKey[];
/** `EXAMPLES.team` names @Bob, as a person who typed it would have mentioned him. */
const MENTIONS = [{ text: '@Bob', id: '29:bob', name: 'Bob' }];

/** Every word commands are made of in `language`, as its catalog spells it. */
function wordsOf(language: Language): Set<string> {
  return new Set([...COMMAND_KINDS.map((kind) => verbIn(language, kind)), ...KEYWORDS.map((keyword) => keywordIn(language, keyword))]);
}

/** Asserts that every command word of `text` (split as the parser splits) is one of `language`'s own, spelt as its catalog spells it. */
function assertOwnWords(language: Language, text: string, where: string): void {
  const own = wordsOf(language);
  for (const word of text.split(/[\s,;]+/)) {
    assert.ok(!isCommandWord(word) || own.has(word), `${where}: "${word}" in "${text}" is not a ${language} command word`);
  }
}

/** What each of the English usage lines' placeholders is filled with: each `‹person›` of a line is the next person. */
const SAMPLES: Record<string, readonly string[]> = {
  person: ['alice@contoso.com', 'bob@contoso.com', '+14255550100'],
  'meeting link': ['https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d'],
  'meeting id': ['123 456 789 012'],
  code: ['AbC123'],
  name: ['sre'],
  title: ['Sev1 database down'],
};

/** A placeholder (`‹person›`) or an optional part (`[to #1]`, or `[title]`, an optional placeholder). */
const PART = /‹([^›]*)›|\[([^\]]*)\]/g;

/** The English line's parts in order: each placeholder's sample, or undefined for an optional part of words. */
function slotsOf(english: string): { optional: boolean; sample: string | undefined }[] {
  const used = new Map<string, number>();
  const sample = (name: string) => {
    const samples = SAMPLES[name];
    assert.ok(samples, `the test has no sample for the placeholder "${name}"`);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    return samples[n % samples.length];
  };
  return [...english.matchAll(PART)].map(([, placeholder, optional]) => {
    if (placeholder !== undefined) return { optional: false, sample: sample(placeholder) };
    assert.doesNotMatch(optional!, /‹/, `"${english}": the test fills no placeholder inside an optional part`);
    return { optional: true, sample: Object.hasOwn(SAMPLES, optional!) ? sample(optional!) : undefined };
  });
}

function optionalParts(key: MessageKey): number {
  return slotsOf(CATALOGS.en[key]).filter((slot) => slot.optional).length;
}

/**
 * The usage line `key` in `language` as a person would type it: each placeholder as the English line's sample in its
 * place, each optional part kept or left out as `keep` says, and `…` (more of the same) left out.
 */
function typed(language: Language, key: MessageKey, keep: readonly boolean[]): string {
  const slots = slotsOf(CATALOGS.en[key]);
  const line = CATALOGS[language][key];
  assert.equal([...line.matchAll(PART)].length, slots.length, `${language} ${key}: "${line}" has the English line's placeholders and optional parts`);
  let part = 0;
  let optional = 0;
  const filled = line.replace(PART, (_whole, placeholder: string | undefined, words: string | undefined) => {
    const slot = slots[part++]!;
    assert.equal(placeholder === undefined, slot.optional, `${language} ${key}: "${line}" has the English line's parts in the English order`);
    if (!slot.optional) return slot.sample!;
    return keep[optional++] ? (slot.sample ?? words!) : '';
  });
  return filled.replace(/…/g, '').replace(/\s+/g, ' ').trim();
}

/** Every way of keeping or leaving out `n` optional parts. */
function keepings(n: number): boolean[][] {
  return Array.from({ length: 2 ** n }, (_, mask) => Array.from({ length: n }, (_, i) => (mask & (1 << i)) !== 0));
}

const USAGE_KEYS = KEYS.filter((key) => /^helpCard\.\w+\.usage$/.test(key));

/** How each language quotes what a person types. */
const QUOTED: Record<Language, RegExp> = {
  en: /"([^"]*)"/g,
  fr: /«\s*([^»]*?)\s*»/g,
  de: /„([^“]*)“/g,
  es: /«([^»]*)»/g,
  'pt-BR': /“([^”]*)”/g,
  ja: /「([^」]*)」/g,
  'zh-Hans': /“([^”]*)”/g,
};
/** What any language may also show as code, in Markdown's backticks (`join 123 456 789 passcode '<code>'`). */
const CODE = /`([^`]*)`/g;
/** Microsoft Teams, named in every language (`(Teams code 500)`): spelt as the English and German `teams`, but no command. */
const TEAMS = 'Teams';
/** An aside, in the Latin or the full-width parentheses, which may hold examples listed with commas (`(call a, call b)`). */
const ASIDE = /[(（]([^)）]*)[)）]/g;

/**
 * What each argument of the texts that quote commands stands for, so that a filled-in text quotes a whole command; a
 * list is each of the sentences the domain may give it, filled in in turn (`Say "invite … to #1"`, `Say "hangup #1"`).
 */
const PARAMS: Readonly<Record<string, SentenceParam | readonly SentenceParam[]>> = {
  name: 'sre',
  own: '#2',
  call: '#1',
  meeting: '123 456 789 012',
  example: EXAMPLES.team,
  command: Object.values(CALL_NAMING_EXAMPLES).map((key) => sentence(key, { call: '#1' })),
};

/** What `PARAMS` fills the argument with, else a name. */
function given(argument: string): readonly SentenceParam[] {
  const value = PARAMS[argument] ?? 'Adele';
  return Array.isArray(value) ? value : [value as SentenceParam];
}

/**
 * Every way of filling the message's arguments: each with `PARAMS`' values, else a number or a name as its kind
 * needs, and each select once per option (its `other` as an argument), so that every branch of the text is read.
 */
function paramsOf(message: string): SentenceParams[] {
  const values = new Map<string, SentenceParam[]>();
  const add = (argument: string, more: readonly SentenceParam[]) => {
    const known = values.get(argument) ?? [];
    values.set(argument, [...known, ...more.filter((value) => !known.includes(value))]);
  };
  const walk = (elements: MessageFormatElement[]): void => {
    for (const element of elements) {
      if (element.type === TYPE.argument) add(element.value, given(element.value));
      if (element.type === TYPE.select) add(element.value, Object.keys(element.options).flatMap((option) => (option === 'other' ? given(element.value) : [option])));
      if (element.type === TYPE.number || element.type === TYPE.plural) add(element.value, [2]);
      if (element.type === TYPE.select || element.type === TYPE.plural) for (const option of Object.values(element.options)) walk(option.value);
    }
  };
  walk(parse(message));
  return [...values].reduce<SentenceParams[]>((fillings, [argument, options]) => fillings.flatMap((filling) => options.map((value) => ({ ...filling, [argument]: value }))), [{}]);
}

/** The usage line a quote that starts with a grammar word goes on with: its help line's, else the one named here. */
const CONTINUES: Partial<Record<MessageKey, MessageKey>> = {
  'calling.page.wait': 'helpCard.page.usage',
  'calling.page.intoEnded': 'helpCard.page.usage',
  'calling.page.intoOneToOne': 'helpCard.page.usage',
};

/**
 * A quote that starts with one of the language's grammar words, as the command it makes of `key`'s usage line: the
 * line typed with its parts that must be there and the quote after them (`add "as guest ‹name›"`), or, for a grammar
 * word alone (`leave "into" out`), the line with just the optional part that word begins (`[into #1]`).
 */
function continued(language: Language, key: MessageKey, quote: string): string {
  const usage = CONTINUES[key] ?? (key.replace(/\.what$/, '.usage') as MessageKey);
  assert.ok(USAGE_KEYS.includes(usage), `${language} ${key}: "${quote}" continues no usage line`);
  const none = keepings(optionalParts(usage))[0]!;
  if (/\s/.test(quote)) return `${typed(language, usage, none)} ${quote}`;
  const begun = [...CATALOGS[language][usage].matchAll(PART)].filter(([, placeholder]) => placeholder === undefined).map(([, , part]) => part!.split(' ')[0] === quote);
  assert.ok(begun.includes(true), `${language} ${key}: no optional part of ${usage} begins with "${quote}"`);
  return typed(language, usage, begun);
}

/**
 * The commands a text quotes, or gives as an example in an aside, in any branch of it, each as the parser reads it: a
 * quote that is one verb (`say "help"`) as that verb, a quote that starts with one of the language's grammar words as
 * the command it makes of its usage line (see `continued`). A quoted `‹placeholder›` is a team's name, a quoted `…` a
 * person, a quoted `<placeholder>` a passcode.
 */
function quotedCommands(language: Language, key: MessageKey): { text: string; commands: string[] } {
  const t = new Translator({ locale: language });
  const texts = paramsOf(CATALOGS.en[key]).map((params) => t.say(sentence(key, params)));
  const quotes = texts.flatMap((text) => [...text.matchAll(QUOTED[language]), ...text.matchAll(CODE)].map((m) => ({ words: m[1]!, quoted: true })));
  const asides = texts.flatMap((text) => [...text.matchAll(ASIDE)].flatMap((m) => m[1]!.split(/[,，、]\s*/).map((words) => ({ words, quoted: false }))));
  const commands: string[] = [];
  for (const { words, quoted } of [...quotes, ...asides]) {
    const command = words.replace(/‹[^›]*›/g, 'sre').replace(/…/g, 'alice@contoso.com').replace(/<[^>]*>/g, 'AbC123').trim();
    const [first, ...rest] = command.split(/[\s,;]+/);
    const grammar = quoted && first !== undefined && KEYWORDS.some((keyword) => keywordIn(language, keyword) === first);
    if (first === TEAMS || (verbOf(first ?? '') === undefined && !grammar)) continue;
    if (language !== 'en') assertOwnWords(language, command, `${language} ${key}`);
    if (grammar) commands.push(JSON.stringify(parseCommand(continued(language, key, command), MENTIONS)));
    else commands.push(rest.length === 0 ? `the verb ${verbOf(first!)}` : JSON.stringify(parseCommand(command, MENTIONS)));
  }
  return { text: texts.join(' | '), commands: commands.sort() };
}

/**
 * The texts read here: the help card's, the chat's, the calling domain's and Graph's refusals, and the doctor's (the
 * parser's own sentences are not). Left out: the text that quotes the Join button of a Teams invitation, which each
 * language names as Teams labels it, whether or not that is a Rally command word too.
 */
const TEAMS_LABELS: readonly MessageKey[] = ['calling.meetingLink.notAJoinLink'];
const TEXT_KEYS = KEYS.filter((key) => /^(helpCard|chat|calling|graph|doctor)\./.test(key) && !TEAMS_LABELS.includes(key));

describe('help card', () => {
  describe('usage lines', () => {
    it('reads every English line, each optional part kept and left out, as a command', () => {
      for (const key of USAGE_KEYS) {
        for (const keep of keepings(optionalParts(key))) assert.doesNotThrow(() => parseCommand(typed('en', key, keep)), typed('en', key, keep));
      }
      assert.equal(typed('en', 'helpCard.page.usage', [true, true]), 'page alice@contoso.com then bob@contoso.com into #1 after 30s');
      assert.deepEqual(parseCommand(typed('en', 'helpCard.bridge.usage', [true])), { kind: 'bridge', title: 'Sev1 database down' });
    });

    for (const language of OTHER_LANGUAGES) {
      it(`writes every ${language} line in ${language}'s command words, read as the English line's command with the same arguments`, () => {
        for (const key of USAGE_KEYS) {
          for (const keep of keepings(optionalParts(key))) {
            const text = typed(language, key, keep);
            assertOwnWords(language, text, `${language} ${key}`);
            assert.deepEqual(parseCommand(text), parseCommand(typed('en', key, keep)), `${language} ${key}: "${text}"`);
          }
        }
      });
    }

    it('keeps the English grammar words Japanese writes as particles, and gives Chinese a word of its own for each', () => {
      assert.equal(typed('ja', 'helpCard.move.usage', []), '移動 alice@contoso.com from #1 to #2');
      assert.equal(typed('ja', 'helpCard.page.usage', [true, true]), '呼び出し alice@contoso.com 次に bob@contoso.com into #1 間隔 30s');
      assert.equal(typed('zh-Hans', 'helpCard.move.usage', []), '移动 alice@contoso.com 从 #1 到 #2');
      assert.equal(typed('zh-Hans', 'helpCard.joinId.usage', []), '加入 123 456 789 012 密码 AbC123');
    });
  });

  describe('commands quoted in its texts, the chat\'s, the calling domain\'s and the doctor\'s', () => {
    it('finds the commands the English texts quote', () => {
      const quoting = TEXT_KEYS.filter((key) => quotedCommands('en', key).commands.length > 0);
      assert.deepEqual(quoting.sort(), [
        'calling.desk.alreadyGroupCall',
        'calling.desk.noCall',
        'calling.desk.noSuchCall',
        'calling.desk.phoneCallCannotGrow',
        'calling.desk.removeOneToOne',
        'calling.page.intoEnded',
        'calling.page.intoOneToOne',
        'calling.page.noSuchPage',
        'calling.page.nobody',
        'calling.page.wait',
        'calling.whichCall',
        'chat.error.noSuchTeam',
        'chat.error.noSuchTeamOrPerson',
        'chat.error.notAMeetingChat',
        'chat.error.tooManyTeams',
        'chat.error.unknownButton',
        'chat.page.accepted',
        'chat.team.saved',
        'chat.teams.none',
        'doctor.meetingPolicy.none',
        'graph.connectionBroke',
        'graph.failed.mayHaveGoneThrough',
        'graph.meeting.passcodeMissing',
        'graph.timeout.mayHaveGoneThrough',
        'graph.unreadable.mayHaveGoneThrough',
        'helpCard.call.what',
        'helpCard.joinId.what',
        'helpCard.naming',
        'helpCard.teamDefine.what',
      ]);
      assert.deepEqual(quotedCommands('en', 'helpCard.call.what').commands.length, 2, 'both examples of the aside');
      assert.deepEqual(quotedCommands('en', 'calling.whichCall').commands.length, Object.keys(CALL_NAMING_EXAMPLES).length, 'the example of each request');
      assert.deepEqual(quotedCommands('en', 'calling.desk.removeOneToOne').commands, ['the verb hangup', JSON.stringify(parseCommand('hangup #1'))], 'each branch of the text');
    });

    for (const language of OTHER_LANGUAGES) {
      it(`quotes in ${language}'s command words the commands English quotes`, () => {
        for (const key of TEXT_KEYS) {
          const { text, commands } = quotedCommands(language, key);
          assert.deepEqual(commands, quotedCommands('en', key).commands, `${language} ${key}: ${text}`);
        }
      });
    }
  });

  describe('its field and buttons', () => {
    const inputOf = (card: AdaptiveCardJson) => (card.body as { type: string; placeholder?: string }[]).find((block) => block.type === 'Input.Text')!;
    const presetsOf = (card: AdaptiveCardJson) =>
      (card.actions as { verb: string; data: unknown }[]).map((action) => {
        const { copy: _copy, ...preset } = readCardAction(action.verb, action.data) as { copy?: string };
        return preset;
      });

    it('gives the command field an example in the reader\'s words, read as the English one', () => {
      assert.equal(inputOf(renderHelpCard(new Translator(), 'Rally')).placeholder, 'call alice@contoso.com');
      for (const language of OTHER_LANGUAGES) {
        const example = inputOf(renderHelpCard(new Translator({ locale: language }), 'Rally')).placeholder!;
        assertOwnWords(language, example, language);
        assert.ok(example.startsWith(`${verbIn(language, 'call')} `), `${language}: "${example}"`);
        assert.deepEqual(parseCommand(example), parseCommand('call alice@contoso.com'), `${language}: "${example}"`);
      }
    });

    it('keeps the English verbs as its buttons\' presets in every language', () => {
      const english = presetsOf(renderHelpCard(new Translator(), 'Rally', { inMeetingChat: true }));
      assert.deepEqual(english, [{ verb: 'runCommand' }, { verb: 'runCommand', preset: 'calls' }, { verb: 'runCommand', preset: 'status' }, { verb: 'runCommand', preset: 'join' }]);
      for (const language of OTHER_LANGUAGES) {
        assert.deepEqual(presetsOf(renderHelpCard(new Translator({ locale: language }), 'Rally', { inMeetingChat: true })), english, language);
      }
    });
  });
});
