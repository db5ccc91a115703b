// Every language says every message, with the same placeholders, the same choices and the plural forms its own
// grammar needs, so that a message can never come out half-filled or in the wrong number in some language.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { TYPE, parse } from '@formatjs/icu-messageformat-parser';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { CATALOGS, CATALOG_PARTS } from '../../src/i18n/catalogs.js';
import type { MessageKey } from '../../src/i18n/catalogs.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import { Translator } from '../../src/i18n/translator.js';

const KEYS = Object.keys(CATALOGS.en) as MessageKey[];

/** What a message asks of its caller and of its translators: each argument with its kind, and each choice's options. */
interface Shape {
  /** `name:kind`, e.g. `duration:argument`, `max:plural`. */
  placeholders: Set<string>;
  /** A select's options by argument, e.g. `call` → `none other`. */
  selects: Map<string, string>;
  /** A plural's categories by argument, exact matches (`=0`) left out. */
  plurals: Map<string, string[]>;
}

const KIND: Partial<Record<TYPE, string>> = { [TYPE.argument]: 'argument', [TYPE.number]: 'number', [TYPE.date]: 'date', [TYPE.time]: 'time', [TYPE.select]: 'select', [TYPE.plural]: 'plural' };

function shapeOf(message: string): Shape {
  const shape: Shape = { placeholders: new Set(), selects: new Map(), plurals: new Map() };
  const walk = (elements: MessageFormatElement[]): void => {
    for (const element of elements) {
      const kind = KIND[element.type];
      if (kind === undefined || !('value' in element)) continue;
      shape.placeholders.add(`${element.value}:${kind}`);
      if (element.type === TYPE.select) shape.selects.set(element.value, Object.keys(element.options).sort().join(' '));
      if (element.type === TYPE.plural) shape.plurals.set(element.value, Object.keys(element.options).filter((o) => !o.startsWith('=')).sort());
      if (element.type === TYPE.select || element.type === TYPE.plural) for (const option of Object.values(element.options)) walk(option.value);
    }
  };
  walk(parse(message));
  return shape;
}

describe('catalogs', () => {
  it('has one folder per language Rally speaks, and no other', async () => {
    const folders = await readdir(new URL('../../src/i18n/catalogs/', import.meta.url));
    assert.deepEqual(folders.sort(), [...LANGUAGES].sort());
    assert.deepEqual(Object.keys(CATALOGS).sort(), [...LANGUAGES].sort());
  });

  it('keeps each message in one part of its catalog only, so that no part silently overrides another', () => {
    for (const language of LANGUAGES) {
      const seen = new Set<string>();
      for (const part of CATALOG_PARTS[language]) {
        for (const key of Object.keys(part)) {
          assert.ok(!seen.has(key), `${language}: ${key} is in two parts`);
          seen.add(key);
        }
      }
    }
  });

  for (const language of LANGUAGES) {
    describe(language, () => {
      const catalog = CATALOGS[language] as Record<string, unknown>;
      const categories = [...new Intl.PluralRules(language).resolvedOptions().pluralCategories].sort();

      it('has every English key, and none English lacks', () => {
        assert.deepEqual(Object.keys(catalog).filter((key) => !(key in CATALOGS.en)), [], 'keys English lacks');
        assert.deepEqual(KEYS.filter((key) => typeof catalog[key] !== 'string' || catalog[key] === ''), [], 'keys missing or empty');
      });

      it("parses every message, with English's placeholders and choices", () => {
        for (const key of KEYS) {
          const english = shapeOf(CATALOGS.en[key]);
          const own = shapeOf(CATALOGS[language][key]);
          assert.deepEqual([...own.placeholders].sort(), [...english.placeholders].sort(), `${language} ${key}: placeholders`);
          assert.deepEqual(own.selects, english.selects, `${language} ${key}: select options`);
        }
      });

      it(`gives every plural exactly the forms ${language} has (${categories.join(', ')})`, () => {
        let plurals = 0;
        for (const key of KEYS) {
          for (const [argument, forms] of shapeOf(CATALOGS[language][key]).plurals) {
            plurals++;
            assert.deepEqual(forms, categories, `${language} ${key}: {${argument}, plural}`);
          }
        }
        assert.ok(plurals > 0, 'the check has plurals to look at');
      });

      it('formats every message with its placeholders filled, leaving no brace behind', () => {
        const t = new Translator({ locale: language });
        assert.equal(t.language, language);
        for (const key of KEYS) {
          const placeholders = [...shapeOf(CATALOGS.en[key]).placeholders].map((p) => p.split(':') as [string, string]);
          const params = Object.fromEntries(placeholders.map(([name, kind]) => [name, kind === 'plural' || kind === 'number' ? 3 : `‹${name}›`]));
          // An argument only chosen on (`{named, select, …}`) is never printed itself.
          const shown = new Set(placeholders.filter(([, kind]) => kind !== 'select').map(([name]) => name));
          const text = t.t(key, params);
          assert.doesNotMatch(text, /[{}]/, `${language} ${key}: ${text}`);
          for (const [name, value] of Object.entries(params)) if (typeof value === 'string' && shown.has(name)) assert.ok(text.includes(value), `${language} ${key} shows {${name}}: ${text}`);
        }
      });
    });
  }

  it('keeps Rally, Teams and Microsoft Graph in their own names in every language', () => {
    for (const language of LANGUAGES) {
      for (const key of KEYS) {
        for (const name of ['Rally', 'Teams', 'Graph']) {
          if (CATALOGS.en[key].includes(name)) assert.ok(CATALOGS[language][key].includes(name), `${language} ${key} names ${name}`);
        }
      }
    }
  });
});
