import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { AppManifest } from '@microsoft/app-manifest';

// Validation against the official Teams manifest JSON schema, offline: @microsoft/app-manifest bundles the published
// schemas. The schema is read from the bundle by path and handed to the validator, so a `$schema` the bundle lacks
// is an error here instead of a download attempt.

const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}-[a-z]{2}\/)?json-schemas\/teams\/(v[0-9A-Za-z.]+)\/MicrosoftTeams\.schema\.json$/;

/** The manifest is not valid, or names a schema that cannot be checked offline. */
export class InvalidManifestError extends Error {
  constructor(message: string, readonly problems: readonly string[] = []) {
    super(message);
    this.name = 'InvalidManifestError';
  }
}

/** The bundled schema file for a manifest's `$schema` URL. */
export function bundledSchemaPath(schemaUrl: unknown): string {
  const version = typeof schemaUrl === 'string' ? SCHEMA_URL.exec(schemaUrl)?.[1] : undefined;
  if (version === undefined) {
    throw new InvalidManifestError(`The manifest's $schema must be a Teams manifest schema URL (…/json-schemas/teams/v1.x/MicrosoftTeams.schema.json).`);
  }
  const bundleRoot = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));
  return path.join(bundleRoot, 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
}

/** The schema's complaints about the manifest; empty when it is valid. */
export async function schemaProblems(manifest: Readonly<Record<string, unknown>>): Promise<string[]> {
  const schemaPath = bundledSchemaPath(manifest.$schema);
  let schemaText: string;
  try {
    schemaText = await readFile(schemaPath, 'utf8');
  } catch {
    throw new InvalidManifestError(`The manifest's $schema ${String(manifest.$schema)} is not bundled with @microsoft/app-manifest, so it cannot be checked offline.`);
  }
  const schema = JSON.parse(schemaText) as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
}

/** Throws `InvalidManifestError` listing the schema's complaints, if any. */
export async function assertValidManifest(manifest: Readonly<Record<string, unknown>>): Promise<void> {
  const problems = await schemaProblems(manifest);
  if (problems.length > 0) {
    throw new InvalidManifestError(`The filled manifest does not match its schema: ${problems.join('; ')}`, problems);
  }
}
