// The requester's language as read at the edge: whatever an activity carries, a canonical BCP 47 tag or nothing.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Activity } from 'botbuilder';
import { localeOf } from '../../src/bot/locale.js';

type Read = Parameters<typeof localeOf>[0];
/** An activity as a Teams client (or anyone posting to the bot) may send it, whatever the types say. */
const activity = (fields: Record<string, unknown>): Read => fields as Pick<Partial<Activity>, 'locale' | 'entities'>;
const clientInfo = (locale: unknown, timezone?: unknown) => ({ type: 'clientInfo', locale, country: 'FR', platform: 'Web', ...(timezone === undefined ? {} : { timezone }) });

describe('localeOf', () => {
  it("names the activity's locale, canonicalized", () => {
    assert.deepEqual(localeOf(activity({ locale: 'fr-FR' })), { locale: 'fr-FR' });
    assert.deepEqual(localeOf(activity({ locale: 'EN-us' })), { locale: 'en-US' });
    assert.deepEqual(localeOf(activity({ locale: 'zh-hans-cn' })), { locale: 'zh-Hans-CN' });
  });

  it('names nothing when the activity has no locale, or an empty one', () => {
    assert.deepEqual(localeOf(activity({})), {});
    assert.deepEqual(localeOf(activity({ locale: undefined })), {});
    assert.deepEqual(localeOf(activity({ locale: '' })), {});
    assert.ok(!('locale' in localeOf(activity({ locale: '' }))), 'no key at all, not one set to undefined');
  });

  it('names nothing for a locale no language tag could be: too long, or a path', () => {
    assert.deepEqual(localeOf(activity({ locale: 'a'.repeat(300) })), {});
    assert.deepEqual(localeOf(activity({ locale: `en-${'abcdefgh-'.repeat(30)}US` })), {}, 'too long even if every part is well formed');
    assert.deepEqual(localeOf(activity({ locale: '../../etc' })), {});
    assert.deepEqual(localeOf(activity({ locale: 'en-US/../../etc/passwd' })), {});
    assert.deepEqual(localeOf(activity({ locale: 'en US' })), {});
  });

  it("falls back to the clientInfo entity's locale when the activity names none it can read", () => {
    const entities = [{ type: 'mention', text: '<at>Rally</at>' }, clientInfo('de-de')];
    assert.deepEqual(localeOf(activity({ entities })), { locale: 'de-DE' });
    assert.deepEqual(localeOf(activity({ locale: '../../etc', entities })), { locale: 'de-DE' });
    assert.deepEqual(localeOf(activity({ locale: 'fr-FR', entities })), { locale: 'fr-FR' }, "the activity's own locale comes first");
  });

  it('reads past entities that are not objects, and names nothing when entities is not a list', () => {
    assert.deepEqual(localeOf(activity({ entities: [null, 7, 'clientInfo', [], clientInfo('it-IT')] })), { locale: 'it-IT' });
    for (const entities of [clientInfo('it-IT'), 'clientInfo', 42, null, { 0: clientInfo('it-IT'), length: 1 }]) {
      assert.deepEqual(localeOf(activity({ entities })), {}, JSON.stringify(entities));
    }
  });

  it('names nothing when a locale is not a string', () => {
    assert.deepEqual(localeOf(activity({ entities: [clientInfo(1036)] })), {});
    assert.deepEqual(localeOf(activity({ entities: [clientInfo({ toString: () => 'fr-FR' })] })), {});
    assert.deepEqual(localeOf(activity({ locale: 1036 })), {});
    assert.deepEqual(localeOf(activity({ locale: ['fr-FR'] })), {});
  });

  it("names the clientInfo entity's time zone as Intl names it, whichever locale is read", () => {
    assert.deepEqual(localeOf(activity({ locale: 'fr-FR', entities: [clientInfo('de-DE', 'Europe/Paris')] })), { locale: 'fr-FR', timeZone: 'Europe/Paris' });
    assert.deepEqual(localeOf(activity({ entities: [clientInfo('ja-JP', 'asia/tokyo')] })), { locale: 'ja-JP', timeZone: 'Asia/Tokyo' });
    assert.deepEqual(localeOf(activity({ entities: [clientInfo(undefined, 'America/New_York')] })), { timeZone: 'America/New_York' });
  });

  it('names no time zone for one Intl does not know, one that is not a string, or one far too long', () => {
    for (const timezone of ['Mars/Olympus_Mons', '../../etc', '', 'Europe/Paris'.repeat(30), 60, { id: 'Europe/Paris' }, ['Europe/Paris'], null, true]) {
      assert.deepEqual(localeOf(activity({ entities: [clientInfo('fr-FR', timezone)] })), { locale: 'fr-FR' }, JSON.stringify(timezone));
    }
  });

  it('never throws, and names either nothing or a tag Intl canonicalizes to itself', () => {
    // Strings shaped like tags too, so that the tags Intl reads (and rewrites) are a good part of the runs.
    const tagLike = fc.stringMatching(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,4}$/);
    const value = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.jsonValue(), tagLike, fc.constantFrom('en-us', 'EN-us', 'i-klingon', 'x-private', 'und', 'sgn-BE-FR'));
    const zone = fc.oneof(value, fc.constantFrom('Europe/Paris', 'asia/tokyo', 'UTC', 'Etc/GMT+5', 'Mars/Base'));
    const entity = fc.oneof(value, fc.record({ type: fc.constantFrom('clientInfo', 'mention'), locale: value, timezone: zone }, { requiredKeys: ['type'] }));
    let named = 0;
    fc.assert(
      fc.property(fc.option(value), fc.oneof(value, fc.array(entity, { maxLength: 4 })), (locale, entities) => {
        const { timeZone, ...read } = localeOf(activity({ locale, entities }));
        if (timeZone !== undefined) assert.equal(new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone, timeZone);
        if (read.locale === undefined) return assert.deepEqual(read, {});
        named++;
        assert.deepEqual(Object.keys(read), ['locale']);
        assert.deepEqual(Intl.getCanonicalLocales(read.locale), [read.locale]);
      }),
      { numRuns: 2000 },
    );
    assert.ok(named > 100, `only ${named} runs named a language`);
  });
});
