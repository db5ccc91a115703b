// What espeak-ng is given for each language's prompt: text it can read aloud.
import assert from 'node:assert/strict';
import { speechOf } from '../../../scripts/pagePrompts/promptSpeech.js';
import { LANGUAGES } from '../../../src/i18n/languages.js';
import { Translator } from '../../../src/i18n/translator.js';

const promptIn = (language: (typeof LANGUAGES)[number]) => new Translator({ locale: language }).t('prompt.page');

describe('promptSpeech', () => {
  it('gives every language a voice of its own', () => {
    const voices = LANGUAGES.map((language) => speechOf(language, promptIn(language)).voice);
    assert.equal(new Set(voices).size, LANGUAGES.length);
  });

  it('reads Rally to the Japanese voice as katakana, which it says, not as letters it spells', () => {
    const { text } = speechOf('ja', promptIn('ja'));
    assert.ok(text.includes('ラリー') && !text.includes('Rally'), text);
    assert.equal(speechOf('fr', promptIn('fr')).text, promptIn('fr'), 'other languages are said as written');
  });

  it('has the Japanese prompt in kana, as espeak-ng reads no kanji', () => {
    assert.doesNotMatch(speechOf('ja', promptIn('ja')).text, /\p{Script=Han}/u);
  });

  it('says both keys in every language', () => {
    for (const language of LANGUAGES) assert.match(promptIn(language), /1[^]*2/, language);
  });
});
