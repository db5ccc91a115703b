// The app package's localization files: one per language Rally speaks besides English, each named by the manifest's
// localizationInfo and kept beside manifest.json, holding the app's name, its descriptions and the command menu in
// that language. Teams shows a person the menu in their client's language and sends back the title they picked as
// the message, so a file's command titles must be the very words the parser reads: the package is refused when one
// is not the catalog's word for its command (`command.word.*` in src/i18n/catalogs/<language>/commands.json).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { verbIn, verbOf } from '../../src/bot/commandWords.js';
import { supportedLanguage } from '../../src/i18n/languages.js';
import type { Language } from '../../src/i18n/languages.js';
import { InvalidManifestError, schemaProblems, schemaVersion } from './manifestSchema.js';

const LOCALIZATION_SCHEMA = 'MicrosoftTeams.Localization.schema.json';

/** What Teams' clients show of a command, at most (the manifest's own limits are looser; older clients cut there). */
const MAX_TITLE = 32;
const MAX_DESCRIPTION = 128;

/** A file name at the package's root, where Teams looks: never a path that could leave the manifest's folder. */
const FILE_NAME = /^[a-z0-9][a-z0-9-]*\.json$/i;

export interface LanguageFile {
  /** The Teams language tag the manifest gives the file (`pt-br`). */
  languageTag: string;
  /** Its name in the manifest's folder and in the package. */
  file: string;
  /** The language of Rally's catalogs whose words it holds. */
  language: Language;
  /** The file as it is zipped. */
  text: string;
}

interface LocalizationInfo {
  additionalLanguages?: { languageTag: string; file: string }[];
}

interface CommandList {
  commands: { title: string }[];
}

/**
 * Reads and checks every localization file the (already schema-checked) manifest names: each against the bundled
 * localization schema of the manifest's version, each naming exactly the manifest's localizable strings, and each
 * command title the catalog's word for that command in the file's language. Throws `InvalidManifestError` listing
 * every problem found.
 */
export async function readLanguageFiles(manifest: Readonly<Record<string, unknown>>, manifestDir: string): Promise<LanguageFile[]> {
  const entries = (manifest.localizationInfo as LocalizationInfo | undefined)?.additionalLanguages ?? [];
  const files: LanguageFile[] = [];
  const problems: string[] = [];
  for (const { languageTag, file } of entries) {
    const found = await checkedFile(manifest, manifestDir, languageTag, file);
    if (Array.isArray(found)) problems.push(...found.map((problem) => `${file}: ${problem}`));
    else files.push(found);
  }
  if (problems.length > 0) throw new InvalidManifestError(`The localization files do not match the manifest: ${problems.join('; ')}`, problems);
  return files;
}

/** The file, or what is wrong with it. */
async function checkedFile(manifest: Readonly<Record<string, unknown>>, manifestDir: string, languageTag: string, file: string): Promise<LanguageFile | string[]> {
  if (!FILE_NAME.test(file)) return ['name it as a file beside manifest.json (like fr.json), where the package keeps it'];
  const language = supportedLanguage(languageTag);
  if (language === 'en') return [`Rally has no catalog for language tag ${languageTag} (English is the manifest's own)`];
  let text: string;
  let strings: Record<string, unknown>;
  try {
    text = await readFile(path.join(manifestDir, file), 'utf8');
    strings = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return [`cannot be read as JSON (${(error as Error).message})`];
  }
  if (schemaVersion(strings.$schema, LOCALIZATION_SCHEMA) !== schemaVersion(manifest.$schema)) {
    return [`its $schema must be the localization schema of the manifest's version, ${String(manifest.$schema).replace('MicrosoftTeams.schema.json', LOCALIZATION_SCHEMA)}`];
  }
  const problems = await schemaProblems(strings, LOCALIZATION_SCHEMA);
  problems.push(...menuProblems(manifest, language, strings));
  return problems.length > 0 ? problems : { languageTag, file, language, text };
}

/** What the file gets wrong of the strings it must translate: each one present, nothing else, the titles the catalog's. */
function menuProblems(manifest: Readonly<Record<string, unknown>>, language: Language, strings: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const expected = new Set(['$schema', 'name.short', 'name.full', 'description.short', 'description.full']);
  const lists = ((manifest.bots as { commandLists?: CommandList[] }[] | undefined)?.[0]?.commandLists ?? []);
  lists.forEach((list, l) =>
    list.commands.forEach((command, c) => {
      const key = `bots[0].commandLists[${l}].commands[${c}]`;
      expected.add(`${key}.title`).add(`${key}.description`);
      const kind = verbOf(command.title);
      const title = strings[`${key}.title`];
      const description = strings[`${key}.description`];
      if (kind === undefined) problems.push(`the manifest's command "${command.title}" is no command Rally reads`);
      else if (title !== verbIn(language, kind)) problems.push(`${key}.title must be "${verbIn(language, kind)}", the ${language} catalog's word for ${kind}, not ${JSON.stringify(title)}`);
      if (typeof title === 'string' && title.length > MAX_TITLE) problems.push(`${key}.title is longer than ${MAX_TITLE} characters`);
      if (typeof description === 'string' && description.length > MAX_DESCRIPTION) problems.push(`${key}.description is longer than ${MAX_DESCRIPTION} characters`);
    }),
  );
  for (const key of expected) if (typeof strings[key] !== 'string') problems.push(`${key} is missing`);
  for (const key of Object.keys(strings)) if (!expected.has(key)) problems.push(`${key} is not one of the manifest's strings`);
  return problems;
}
