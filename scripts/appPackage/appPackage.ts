import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { fillManifest } from './manifestTemplate.js';
import { assertValidManifest } from './manifestSchema.js';
import { readLanguageFiles } from './languageFiles.js';
import type { LanguageFile } from './languageFiles.js';
import type { PackageSettings } from './packageSettings.js';

/** The checked-in Teams app template: manifest.json, the icons and the localization files it names. */
export const MANIFEST_DIR = fileURLToPath(new URL('../../manifest/', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));

export interface AppPackage {
  /** The filled manifest, as written into the zip. */
  manifest: Record<string, unknown>;
  /** The localization files, as zipped beside it. */
  languageFiles: LanguageFile[];
  /** The zip Teams accepts for upload: manifest.json, the two icons and the localization files at its root. */
  zip: Buffer;
}

/**
 * Fills the manifest template for one deployment, checks it and its localization files against their schemas (and
 * the localized command titles against the catalogs), and zips them with the icons.
 * The app version is package.json's, so a release bumps both together.
 */
export async function buildAppPackage(settings: PackageSettings, manifestDir: string = MANIFEST_DIR): Promise<AppPackage> {
  const [template, version] = await Promise.all([readFile(path.join(manifestDir, 'manifest.json'), 'utf8'), rallyVersion()]);
  const manifest = fillManifest(template, {
    MicrosoftAppId: settings.appId,
    BOT_HOST: settings.host,
    RALLY_VERSION: version,
  });
  await assertValidManifest(manifest);
  const languageFiles = await readLanguageFiles(manifest, manifestDir);

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  for (const icon of iconFiles(manifest)) {
    zip.file(icon, await readFile(path.join(manifestDir, icon)));
  }
  for (const { file, text } of languageFiles) zip.file(file, text);
  return { manifest, languageFiles, zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) };
}

function iconFiles(manifest: Record<string, unknown>): string[] {
  // The schema has already required both icons as strings.
  const icons = manifest.icons as { color: string; outline: string };
  return [icons.color, icons.outline];
}

async function rallyVersion(): Promise<string> {
  const { version } = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string };
  return version;
}
