// Which language a paged person hears: theirs where Rally knows it (last seen in chat, then Graph's preferredLanguage),
// else the requester's, else English; a tag that means none of Rally's languages is passed over, never thrown on.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { promptLanguage, stepLanguage } from '../../../src/calling/paging/promptLanguage.js';
import type { PageRecord } from '../../../src/calling/paging/pageRecord.js';
import type { CallTarget, UserTarget } from '../../../src/calling/targets/people.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';
import { LANGUAGES } from '../../../src/i18n/languages.js';

const user = (languages?: UserTarget['languages']): UserTarget => ({ kind: 'user', id: 'a11ce000-0000-4000-8000-000000000001', ...(languages ? { languages } : {}) });
const phone: CallTarget = { kind: 'phone', number: parsePhoneNumber('+14255550100').e164 };

describe('promptLanguage', () => {
  it('speaks the locale Rally last saw from the callee first, then their preferredLanguage, then the requester\'s, then English', () => {
    assert.equal(promptLanguage(user({ lastSeen: 'ja-JP', preferred: 'fr-FR' }), { locale: 'de-DE' }), 'ja');
    assert.equal(promptLanguage(user({ preferred: 'fr-FR' }), { locale: 'de-DE' }), 'fr');
    assert.equal(promptLanguage(user(), { locale: 'de-DE' }), 'de');
    assert.equal(promptLanguage(user(), {}), 'en');
  });

  it("takes a callee's English as theirs, over a requester's French", () => {
    assert.equal(promptLanguage(user({ lastSeen: 'en-GB' }), { locale: 'fr-FR' }), 'en');
    assert.equal(promptLanguage(user({ preferred: 'en-US' }), { locale: 'fr-FR' }), 'en');
  });

  it('matches tags to Rally\'s languages as the rest of Rally does (region, script, canonical case)', () => {
    assert.equal(promptLanguage(user({ preferred: 'pt-BR' }), {}), 'pt-BR');
    assert.equal(promptLanguage(user({ preferred: 'zh-CN' }), {}), 'zh-Hans');
    assert.equal(promptLanguage(user({ lastSeen: 'FR-ca' }), {}), 'fr');
  });

  it('passes over a tag Rally has no language for, or a malformed one, to the next', () => {
    for (const bad of ['ko-KR', 'xx', '', '../../etc', 'a'.repeat(300), 'en_US!']) {
      assert.equal(promptLanguage(user({ lastSeen: bad, preferred: bad }), { locale: 'es-MX' }), 'es', JSON.stringify(bad));
      assert.equal(promptLanguage(user({ preferred: bad }), { locale: bad }), 'en', JSON.stringify(bad));
    }
  });

  it("gives a phone number the requester's language", () => {
    assert.equal(promptLanguage(phone, { locale: 'ja-JP' }), 'ja');
  });

  it('always answers one of Rally\'s languages, whatever the tags, without throwing', () => {
    const tag = fc.option(fc.oneof(fc.string(), fc.constantFrom('fr', 'de-AT', 'zh-Hant', 'pt', 'ja-JP', 'x-private')), { nil: undefined });
    fc.assert(
      fc.property(tag, tag, tag, (lastSeen, preferred, locale) => {
        const languages = { ...(lastSeen === undefined ? {} : { lastSeen }), ...(preferred === undefined ? {} : { preferred }) };
        return (LANGUAGES as readonly string[]).includes(promptLanguage(user(languages), locale === undefined ? {} : { locale }));
      }),
    );
  });
});

describe('stepLanguage', () => {
  const pageOf = (steps: PageRecord['steps'], locale?: string) => ({ steps, ...(locale ? { locale } : {}) }) as PageRecord;

  it("keeps the language recorded on the step, whatever the callee's languages say now", () => {
    assert.equal(stepLanguage(pageOf([{ target: user({ preferred: 'fr-FR' }), status: 'answered', language: 'ja' }], 'de-DE'), 0), 'ja');
  });

  it('chooses one for a step recorded before steps had a language, or one whose record holds none Rally has', () => {
    assert.equal(stepLanguage(pageOf([{ target: user({ preferred: 'fr-FR' }), status: 'answered' }], 'de-DE'), 0), 'fr');
    assert.equal(stepLanguage(pageOf([{ target: user(), status: 'answered', language: 'klingon' as never }], 'de-DE'), 0), 'de');
    assert.equal(stepLanguage(pageOf([], 'de-DE'), 3), 'en');
  });
});
