// What a person reading English is told: the suites that check Rally's wording read its sentences this way.
import type { Words } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';

const ENGLISH = new Translator();

export function english(words: Words): string {
  return ENGLISH.say(words);
}
