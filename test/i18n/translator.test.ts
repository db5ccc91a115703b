// A translator is fixed when it is made, so the one made for a language and zone can serve every request naming them.
import assert from 'node:assert/strict';
import { Translator, translatorFor } from '../../src/i18n/translator.js';

describe('translatorFor', () => {
  it('gives every request that names the same language and zone the same translator, and others their own', () => {
    const paris = translatorFor({ locale: 'fr-FR', timeZone: 'Europe/Paris' });
    assert.equal(translatorFor({ locale: 'fr-FR', timeZone: 'Europe/Paris' }), paris);
    const tokyo = translatorFor({ locale: 'ja-JP', timeZone: 'Asia/Tokyo' });
    assert.notEqual(tokyo, paris);
    assert.deepEqual([paris.language, paris.timeZone, tokyo.language, tokyo.timeZone], ['fr', 'Europe/Paris', 'ja', 'Asia/Tokyo']);
    assert.notEqual(translatorFor({ locale: 'fr-FR' }), paris, 'a request with no zone reads times in UTC, not in Paris');
  });

  it('says the same as a translator made for the request alone', () => {
    const made = new Translator({ locale: 'de-DE', timeZone: 'Europe/Berlin' });
    const shared = translatorFor({ locale: 'de-DE', timeZone: 'Europe/Berlin' });
    assert.equal(shared.time('2026-12-07T13:05:00Z'), made.time('2026-12-07T13:05:00Z'));
    assert.equal(shared.time('2026-12-07T13:05:00Z'), '14:05');
    assert.equal(shared.duration(125_000), made.duration(125_000));
  });
});
