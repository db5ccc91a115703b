import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { AppManifest } from '@microsoft/app-manifest';

// Validation against the official Teams manifest JSON schema, and the localization files against theirs, offline:
// @microsoft/app-manifest bundles the published schemas of both. The schema is read from the bundle by path and
// handed to the validator, so a `$schema` the bundle lacks is an error here instead of a download attempt.

const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}-[a-z]{2}\/)?json-schemas\/teams\/(v[0-9A-Za-z.]+)\/(MicrosoftTeams(?:\.Localization)?\.schema\.json)$/;

/** The two Teams schemas an app package's files name: the manifest's, and a localization file's. */
export type TeamsSchema = 'MicrosoftTeams.schema.json' | 'MicrosoftTeams.Localization.schema.json';

const MANIFEST_SCHEMA: TeamsSchema = 'MicrosoftTeams.schema.json';
const WHOSE: Record<TeamsSchema, string> = { 'MicrosoftTeams.schema.json': "The manifest's", 'MicrosoftTeams.Localization.schema.json': "A localization file's" };

/** The manifest is not valid, or names a schema that cannot be checked offline. */
export class InvalidManifestError extends Error {
  constructor(message: string, readonly problems: readonly string[] = []) {
    super(message);
    this.name = 'InvalidManifestError';
  }
}

/** The schema version (`v1.30`) a Teams schema URL names, or nothing for a URL that is not one. */
export function schemaVersion(schemaUrl: unknown, schema: TeamsSchema = MANIFEST_SCHEMA): string | undefined {
  const match = typeof schemaUrl === 'string' ? SCHEMA_URL.exec(schemaUrl) : null;
  return match?.[2] === schema ? match[1] : undefined;
}

/** The bundled schema file for a `$schema` URL: the manifest's, or with `schema`, a localization file's. */
export function bundledSchemaPath(schemaUrl: unknown, schema: TeamsSchema = MANIFEST_SCHEMA): string {
  const version = schemaVersion(schemaUrl, schema);
  if (version === undefined) {
    throw new InvalidManifestError(`${WHOSE[schema]} $schema must be a Teams schema URL (…/json-schemas/teams/v1.x/${schema}).`);
  }
  const bundleRoot = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));
  return path.join(bundleRoot, 'json-schemas', 'teams', version, schema);
}

/** The schema's complaints about the manifest (or, with `schema`, a localization file); empty when it is valid. */
export async function schemaProblems(manifest: Readonly<Record<string, unknown>>, schema: TeamsSchema = MANIFEST_SCHEMA): Promise<string[]> {
  const schemaPath = bundledSchemaPath(manifest.$schema, schema);
  let schemaText: string;
  try {
    schemaText = await readFile(schemaPath, 'utf8');
  } catch {
    throw new InvalidManifestError(`${WHOSE[schema]} $schema ${String(manifest.$schema)} is not bundled with @microsoft/app-manifest, so it cannot be checked offline.`);
  }
  // The validator is typed for manifests, and validates any document against the schema it is given.
  const parsed = JSON.parse(schema === MANIFEST_SCHEMA ? schemaText : mendedLocalizationSchema(schemaText)) as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, parsed);
}

/**
 * The published localization schemas leave a `]` unescaped in their two `activities.activityTypes[…]` patterns
 * (MicrosoftDocs/msteams-docs#8858), which the validator's Unicode regular expressions refuse to compile. It stands
 * for the bracket itself, so it is escaped, as @microsoft/app-manifest mends the manifest schema's `\a` and `\v`.
 */
function mendedLocalizationSchema(schemaText: string): string {
  return schemaText.replaceAll('\\\\b]\\\\.', '\\\\b\\\\]\\\\.');
}

/** Throws `InvalidManifestError` listing the schema's complaints, if any. */
export async function assertValidManifest(manifest: Readonly<Record<string, unknown>>): Promise<void> {
  const problems = await schemaProblems(manifest);
  if (problems.length > 0) {
    throw new InvalidManifestError(`The filled manifest does not match its schema: ${problems.join('; ')}`, problems);
  }
}
