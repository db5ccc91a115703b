// Which language a tag gets, and what a request's translator writes: a bad tag or zone falls back and never throws.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LANGUAGES, supportedLanguage } from '../../src/i18n/languages.js';
import { Translator } from '../../src/i18n/translator.js';

describe('supportedLanguage', () => {
  it('gives each supported language itself, and a region or script Rally lacks its language', () => {
    for (const language of LANGUAGES) assert.equal(supportedLanguage(language), language);
    assert.equal(supportedLanguage('fr-CA'), 'fr');
    assert.equal(supportedLanguage('de-AT'), 'de');
    assert.equal(supportedLanguage('es-MX'), 'es');
    assert.equal(supportedLanguage('ja-JP'), 'ja');
    assert.equal(supportedLanguage('en-GB'), 'en');
  });

  it('reads Chinese as written in China and Singapore, and Portuguese, as the languages Rally has', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-CN']) assert.equal(supportedLanguage(tag), 'zh-Hans', tag);
    for (const tag of ['pt', 'pt-BR', 'pt-PT']) assert.equal(supportedLanguage(tag), 'pt-BR', tag);
  });

  it('gives English, not the simplified script, to Chinese written in the traditional one', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-CN']) assert.equal(supportedLanguage(tag), 'en', tag);
    assert.equal(supportedLanguage('zh-Hans-HK'), 'zh-Hans', 'the simplified script, wherever it is read');
  });

  it('gives English to a language Rally does not speak, and to a missing or malformed tag', () => {
    for (const tag of [undefined, '', 'it-IT', 'ko', 'a'.repeat(300), '../../etc', 'en-US/../../etc/passwd', 'en US', 'x-private', 'und', '__proto__', 'constructor', 'toString']) {
      assert.equal(supportedLanguage(tag), 'en', String(tag));
    }
  });

  it('reads a tag whatever its case', () => {
    assert.equal(supportedLanguage('EN-us'), 'en');
    assert.equal(supportedLanguage('FR-fr'), 'fr');
    assert.equal(supportedLanguage('PT-br'), 'pt-BR');
    assert.equal(supportedLanguage('zh-hans-cn'), 'zh-Hans');
  });

  it('never throws, and always names one of the languages Rally speaks', () => {
    const tagLike = fc.stringMatching(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,4}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), tagLike, fc.constantFrom('zh-TW', 'pt-AO', 'sgn-BE-FR', 'i-klingon')), (tag) => {
        assert.ok((LANGUAGES as readonly string[]).includes(supportedLanguage(tag)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Translator', () => {
  it('writes durations as today in English, and in each language its own way', () => {
    const en = new Translator();
    assert.deepEqual([45_000, 252_000, 600_000, 3_900_000, 7_200_000, -5].map((ms) => en.duration(ms)), ['45 s', '4 min 12 s', '10 min', '1 h 5 min', '2 h', '0 s']);
    assert.equal(new Translator({ locale: 'de-DE' }).duration(252_000), '4 Min. 12 Sek.');
    assert.equal(new Translator({ locale: 'ja-JP' }).duration(252_000), '4分12秒');
    assert.equal(new Translator({ locale: 'zh-CN' }).duration(3_900_000), '1小时5分钟');
  });

  it('lists names as the language does, with no "and" added in English', () => {
    assert.equal(new Translator().list(['Adele Vance', 'Lee Gu', '+14255550100']), 'Adele Vance, Lee Gu, +14255550100');
    assert.equal(new Translator({ locale: 'de' }).list(['Adele Vance', 'Lee Gu']), 'Adele Vance und Lee Gu');
    assert.equal(new Translator({ locale: 'ja' }).list(['Adele Vance', 'Lee Gu']), 'Adele Vance、Lee Gu');
  });

  it("writes a time in the person's zone, as their region writes it", () => {
    const at = '2026-11-23T20:05:00.000Z';
    assert.equal(new Translator({ locale: 'en-US', timeZone: 'America/New_York' }).time(at), '3:05 PM');
    assert.equal(new Translator({ locale: 'en-GB', timeZone: 'Europe/London' }).time(at), '20:05');
    assert.equal(new Translator({ locale: 'fr-FR', timeZone: 'Europe/Paris' }).time(at), '21:05');
    assert.equal(new Translator({ locale: 'ja-JP', timeZone: 'Asia/Tokyo' }).time(at), '5:05');
  });

  it('speaks English in UTC for a language or zone it cannot read, and never throws', () => {
    const t = new Translator({ locale: '../../etc', timeZone: 'Mars/Olympus_Mons' });
    assert.deepEqual([t.language, t.timeZone], ['en', 'UTC']);
    assert.equal(t.time('2026-11-23T20:05:00.000Z'), '8:05 PM');
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (locale, timeZone) => {
        const any = new Translator({ ...(locale === null ? {} : { locale }), ...(timeZone === null ? {} : { timeZone }) });
        assert.equal(typeof any.time('2026-11-23T20:05:00.000Z'), 'string');
        assert.equal(typeof any.t('callCard.title.callWith', { names: any.list(['a', 'b']) }), 'string');
      }),
      { numRuns: 500 },
    );
  });
});
