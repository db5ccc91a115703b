// The app package speaks every language Rally does: one localization file each, valid against the bundled schema of
// the manifest's version, and a command menu whose titles are the words the parser reads in that language.
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildAppPackage, MANIFEST_DIR } from '../../scripts/appPackage/appPackage.js';
import type { LanguageFile } from '../../scripts/appPackage/languageFiles.js';
import { InvalidManifestError, schemaProblems } from '../../scripts/appPackage/manifestSchema.js';
import { CommandError, parseCommand } from '../../src/bot/commandParser.js';
import { verbIn, verbOf } from '../../src/bot/commandWords.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import { useTempDirectory } from '../support/tempDirectory.js';

const settings = { appId: '11111111-2222-3333-4444-555555555555', host: 'rally.contoso.com' };
const LOCALIZATION_SCHEMA = 'MicrosoftTeams.Localization.schema.json';

interface Command {
  title: string;
  description: string;
}

describe('Teams app localization files', () => {
  let manifest: Record<string, unknown>;
  let languageFiles: LanguageFile[];
  let commands: Command[];
  const strings = (file: LanguageFile) => JSON.parse(file.text) as Record<string, string>;

  before(async () => {
    ({ manifest, languageFiles } = await buildAppPackage(settings));
    commands = (manifest.bots as { commandLists: { commands: Command[] }[] }[])[0]!.commandLists[0]!.commands;
  });

  it('names one file per language Rally speaks besides English, each under a Teams language tag of that language', () => {
    const info = manifest.localizationInfo as { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] };
    assert.equal(info.defaultLanguageTag, 'en-us');
    assert.deepEqual(languageFiles.map((f) => f.language).sort(), LANGUAGES.filter((l) => l !== 'en').sort());
    assert.deepEqual(info.additionalLanguages.map((l) => l.languageTag), ['fr', 'de', 'es', 'pt-br', 'ja', 'zh-cn']);
    for (const { languageTag, file } of info.additionalLanguages) assert.equal(file, `${languageTag}.json`);
  });

  it('matches the bundled localization schema of the manifest\'s version, checked offline', async () => {
    for (const file of languageFiles) {
      assert.equal(strings(file).$schema, String(manifest.$schema).replace('MicrosoftTeams.schema.json', LOCALIZATION_SCHEMA), file.file);
      assert.deepEqual(await schemaProblems(strings(file), LOCALIZATION_SCHEMA), [], file.file);
    }
  });

  it('is checked by a validator that does find mistakes', async () => {
    const broken = { ...strings(languageFiles[0]!), 'name.short': 'R'.repeat(31), 'bots[0].commandLists[0].commands[12].title': 'x', 'name.fancy': 'x' };
    const problems = await schemaProblems(broken, LOCALIZATION_SCHEMA);
    assert.ok(problems.some((p) => p.startsWith('/name.short ')), problems.join('\n'));
    assert.equal(problems.filter((p) => p.includes('additional properties')).length, 2, problems.join('\n'));
  });

  it('translates every string of the manifest a person sees, within the limits Teams\' clients show', () => {
    for (const file of languageFiles) {
      const s = strings(file);
      assert.ok(s['name.short']!.length <= 30 && s['name.full']!.length <= 100, `${file.file}: name`);
      assert.ok(s['description.short']!.length <= 80 && s['description.full']!.length <= 4000, `${file.file}: description`);
      commands.forEach((command, i) => {
        const title = s[`bots[0].commandLists[0].commands[${i}].title`]!;
        const description = s[`bots[0].commandLists[0].commands[${i}].description`]!;
        assert.ok(title.length <= 32 && description.length > 0 && description.length <= 128, `${file.file} ${command.title}: ${description.length} characters`);
        assert.notEqual(description, command.description, `${file.file} ${command.title}: translated`);
      });
      assert.notEqual(s['description.full'], (manifest.description as { full: string }).full, `${file.file}: translated`);
    }
  });

  it('titles each command with its word in that language, which the parser reads as that command', () => {
    for (const file of languageFiles) {
      commands.forEach((command, i) => {
        const title = strings(file)[`bots[0].commandLists[0].commands[${i}].title`]!;
        const kind = verbOf(command.title)!;
        assert.equal(title, verbIn(file.language, kind), `${file.file}: ${command.title}`);
        try {
          assert.equal(parseCommand(title).kind, kind, `${file.file}: ${title}`);
        } catch (error) {
          // A bare verb that needs arguments is still that command: the parser asks for what is missing.
          assert.ok(error instanceof CommandError && error.code === 'badCommand', `${file.file} ${title}: ${String(error)}`);
        }
      });
    }
  });

  describe('a file that drifts from the catalogs or the manifest', () => {
    const dir = useTempDirectory('rally-manifest-');
    async function edited(file: string, edit: (s: Record<string, string>) => void): Promise<unknown> {
      await cp(MANIFEST_DIR, dir(), { recursive: true });
      const s = JSON.parse(await readFile(path.join(dir(), file), 'utf8')) as Record<string, string>;
      edit(s);
      await writeFile(path.join(dir(), file), JSON.stringify(s));
      return buildAppPackage(settings, dir()).then(() => assert.fail('the package was built'), (error: unknown) => error);
    }

    it('refuses a command title that is not the catalog\'s word, naming the word it must be', async () => {
      const error = await edited('fr.json', (s) => (s['bots[0].commandLists[0].commands[0].title'] = 'téléphoner'));
      assert.ok(error instanceof InvalidManifestError, String(error));
      assert.match(error.message, /fr\.json: bots\[0\]\.commandLists\[0\]\.commands\[0\]\.title must be "appeler", the fr catalog's word for call/);
    });

    it('refuses a file that leaves out a command\'s description, or names a string the manifest lacks', async () => {
      const error = await edited('ja.json', (s) => {
        delete s['bots[0].commandLists[0].commands[9].description'];
        s['bots[0].commandLists[0].commands[10].title'] = '招待';
      });
      assert.ok(error instanceof InvalidManifestError, String(error));
      assert.match(error.message, /ja\.json: bots\[0\]\.commandLists\[0\]\.commands\[9\]\.description is missing/);
      assert.match(error.message, /ja\.json: bots\[0\]\.commandLists\[0\]\.commands\[10\]\.title is not one of the manifest's strings/);
    });

    it('refuses a description longer than Teams\' clients show, and a file of another schema version', async () => {
      const long = await edited('de.json', (s) => (s['bots[0].commandLists[0].commands[1].description'] = 'x'.repeat(129)));
      assert.match(String(long), /de\.json: bots\[0\]\.commandLists\[0\]\.commands\[1\]\.description is longer than 128 characters/);
      const older = await edited('es.json', (s) => (s.$schema = `https://developer.microsoft.com/json-schemas/teams/v1.29/${LOCALIZATION_SCHEMA}`));
      assert.match(String(older), /es\.json: its \$schema must be the localization schema of the manifest's version/);
    });

    it('refuses a file the manifest names outside its folder, or in a language Rally has no catalog for', async () => {
      await cp(MANIFEST_DIR, dir(), { recursive: true });
      const manifestPath = path.join(dir(), 'manifest.json');
      const template = JSON.parse(await readFile(manifestPath, 'utf8')) as { localizationInfo: { additionalLanguages: { languageTag: string; file: string }[] } };
      template.localizationInfo.additionalLanguages.push({ languageTag: 'fr-ca', file: '../fr.json' }, { languageTag: 'it', file: 'fr.json' });
      await writeFile(manifestPath, JSON.stringify(template));
      const error = await buildAppPackage(settings, dir()).then(() => assert.fail('the package was built'), (e: unknown) => e);
      assert.ok(error instanceof InvalidManifestError, String(error));
      assert.match(error.message, /\.\.\/fr\.json: name it as a file beside manifest\.json/);
      assert.match(error.message, /fr\.json: Rally has no catalog for language tag it/);
    });
  });
});
