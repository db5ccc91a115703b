// The words commands are made of, in every language: each is one word a person can type and Teams can show in its
// menu, and no word means two things, in one language or across them, since every chat reads every language's words.
import assert from 'node:assert/strict';
import { COMMAND_KINDS, KEYWORDS, fold, isCommandWord, keywordIn, verbIn, verbOf } from '../../src/bot/commandWords.js';
import type { Keyword } from '../../src/bot/commandWords.js';
import { LANGUAGES } from '../../src/i18n/languages.js';

/** Every word with what it means: a command's kind, or a grammar word's role. */
function meanings(): Map<string, Set<string>> {
  const meant = new Map<string, Set<string>>();
  const add = (word: string, meaning: string) => meant.set(fold(word), (meant.get(fold(word)) ?? new Set()).add(meaning));
  for (const language of LANGUAGES) {
    for (const kind of COMMAND_KINDS) add(verbIn(language, kind), `command ${kind}`);
    for (const keyword of KEYWORDS) add(keywordIn(language, keyword), `grammar ${keyword}`);
  }
  // English's own extra spellings.
  add('?', 'command help');
  add('hang', 'command hangup');
  add('guest', 'grammar guest');
  return meant;
}

describe('command words', () => {
  it('gives every command and every grammar word one word in each language, as a person types it and a menu shows it', () => {
    for (const language of LANGUAGES) {
      const words = [...COMMAND_KINDS.map((kind) => verbIn(language, kind)), ...KEYWORDS.map((keyword) => keywordIn(language, keyword))];
      for (const word of words) {
        // The parser splits a message at spaces, commas and semicolons; Teams' menu titles hold 32 characters.
        assert.match(word, /^[^\s,;]{1,32}$/u, `${language}: "${word}" is one word`);
        assert.doesNotMatch(word, /^[#@+=\d]/, `${language}: "${word}" does not read as a call, a mention, a number or "="`);
      }
    }
  });

  it('keeps the English words as they always were', () => {
    assert.deepEqual(COMMAND_KINDS.map((kind) => verbIn('en', kind)), COMMAND_KINDS);
    assert.deepEqual(KEYWORDS.map((keyword) => keywordIn('en', keyword)), KEYWORDS);
  });

  it('never gives one word two meanings, in one language or across languages, English included', () => {
    // `in` and `into` may share a word (French dans, German in): no command takes both, mute says in and page into.
    const oneOf = (meaning: string) => (meaning === 'grammar into' ? 'grammar in' : meaning);
    for (const [word, meant] of meanings()) {
      assert.equal(new Set([...meant].map(oneOf)).size, 1, `"${word}" means ${[...meant].join(' and ')}`);
    }
  });

  it('reads every language\'s verb as its command, in any case and with or without accents', () => {
    for (const language of LANGUAGES) {
      for (const kind of COMMAND_KINDS) {
        const word = verbIn(language, kind);
        for (const typed of [word, word.toUpperCase(), word.normalize('NFD').replace(/[\u0300-\u036f]/g, '')]) {
          assert.equal(verbOf(typed), kind, `${language}: "${typed}"`);
        }
      }
    }
    assert.equal(verbOf('DÉPLACER'), 'move');
    assert.equal(verbOf('Loschen'), undefined, 'a grammar word is no verb');
    assert.equal(verbOf('dance'), undefined);
  });

  it('folds case, Latin accents and full-width letters, and keeps the marks that change a Japanese word', () => {
    assert.equal(fold('Élargir'), 'elargir');
    assert.equal(fold('LÖSCHEN'), 'loschen');
    assert.equal(fold('ｃａｌｌ'), 'call');
    assert.equal(fold('ﾊﾟｽｺｰﾄﾞ'), 'パスコード');
    assert.notEqual(fold('パ'), fold('ハ'));
  });

  it('counts every language\'s words as command words, which no team can be named', () => {
    for (const language of LANGUAGES) {
      for (const word of [...COMMAND_KINDS.map((kind) => verbIn(language, kind)), ...KEYWORDS.map((keyword: Keyword) => keywordIn(language, keyword))]) {
        assert.ok(isCommandWord(word) && isCommandWord(word.toUpperCase()), `${language}: "${word}"`);
      }
    }
    assert.ok(isCommandWord('guest') && isCommandWord('hang'), 'English\'s own spellings');
    assert.ok(!isCommandWord('sre'), 'a plain name is no command word');
  });
});
