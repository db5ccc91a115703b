// What espeak-ng is given to say each language's page prompt: which of its voices, and the prompt's words with the
// readings that voice needs.
import type { Language } from '../../src/i18n/languages.js';

/**
 * espeak-ng's voice for each language. Mandarin is `cmn-latn-pinyin`: espeak-ng 1.51's `cmn` voice reads each
 * character's tone number out in English ("ni three"); this one reads the characters, and reads "Rally" as English.
 */
const VOICES: Readonly<Record<Language, string>> = {
  en: 'en-us',
  fr: 'fr-fr',
  de: 'de',
  es: 'es',
  'pt-BR': 'pt-br',
  ja: 'ja',
  'zh-Hans': 'cmn-latn-pinyin',
};

/**
 * Words a voice would misread, with what to give it instead. espeak-ng's Japanese spells Latin letters out one by one
 * ("R, A, L, L, Y"), so Rally, which the catalog keeps in its own letters, is given as it is said. Japanese kanji it
 * cannot read at all (it names each a "Chinese letter"): the Japanese prompt is written in kana, spaced between words.
 */
const READINGS: Readonly<Partial<Record<Language, readonly (readonly [string, string])[]>>> = {
  ja: [['Rally', 'ラリー']],
};

export function speechOf(language: Language, text: string): { voice: string; text: string } {
  let spoken = text;
  for (const [written, said] of READINGS[language] ?? []) spoken = spoken.replaceAll(written, said);
  return { voice: VOICES[language], text: spoken };
}
