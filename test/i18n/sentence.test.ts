// A sentence is said in the reader's language when it reaches them, and one read back from a record can be anything.
import assert from 'node:assert/strict';
import { sentence } from '../../src/i18n/sentence.js';
import type { Sentence } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';

describe('Translator.say', () => {
  const english = new Translator();
  const french = new Translator({ locale: 'fr-FR' });

  it('says a sentence in the translator’s language', () => {
    assert.equal(english.say(sentence('callCard.person.inTheBridge')), 'In the bridge');
    assert.equal(french.say(sentence('callCard.person.inTheBridge')), 'Dans le pont');
  });

  it('says a sentence inside a sentence, a list and a length of time in the same language', () => {
    const reason = sentence('callCard.person.wasThereFor', { duration: { durationMs: 125_000 } });
    assert.equal(english.say(sentence('callCard.person.because', { outcome: 'Left', reason })), 'Left: Was there for 2 min 5 s');
    assert.equal(english.say(sentence('callCard.title.callWith', { names: { list: ['Adele Vance', 'Lee Gu'] } })), 'Call with Adele Vance, Lee Gu');
  });

  it('names a country or region as the language does, and an unknown code as it is', () => {
    assert.equal(english.say(sentence('callCard.title.callWith', { names: { region: 'DE' } })), 'Call with Germany');
    assert.equal(french.say(sentence('callCard.title.callWith', { names: { region: 'DE' } })), 'Appel avec Allemagne');
    assert.equal(english.region('not a region'), 'not a region');
  });

  it('says text as it is: what records held before sentences, and what Graph says', () => {
    assert.equal(french.say('The other participant hung up.'), 'The other participant hung up.');
  });

  it('says that a sentence could not be read, and throws nothing, for what a record may hold', () => {
    const unreadable = 'I could not read what I had written down about this; nothing was done.';
    const bad: unknown[] = [null, 42, [], {}, { key: 'no.such.key' }, { key: 'callCard.person.inSince' }, { key: 'callCard.person.because', params: { outcome: null, reason: 'x' } }, { key: 'card.refresh', params: [1] }, { key: 'callCard.person.because', params: { outcome: { list: 'not a list' }, reason: 'x' } }, { key: 'callCard.person.wasThereFor', params: { duration: { durationMs: 'soon' } } }];
    for (const words of bad) assert.equal(english.say(words as Sentence), unreadable, JSON.stringify(words));
  });
});
