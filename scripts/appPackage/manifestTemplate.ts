// manifest/manifest.json is a template: `${{NAME}}` placeholders (the Teams Toolkit spelling) stand for the values
// that differ per deployment. Filling is plain text substitution so the template stays readable JSON.

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The template names a placeholder nobody fills, or is not JSON once filled. */
export class ManifestTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestTemplateError';
  }
}

/** The placeholder names a template uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

/** Fills every placeholder and returns the manifest as parsed JSON. */
export function fillManifest(template: string, values: Readonly<Record<string, string>>): Record<string, unknown> {
  const unknown = placeholdersIn(template).filter((name) => !Object.hasOwn(values, name));
  if (unknown.length > 0) {
    throw new ManifestTemplateError(`The manifest template uses \${{${unknown.join('}}, ${{')}}} but nothing fills it.`);
  }
  // Values land inside JSON strings: escape them as JSON would.
  const filled = template.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(values[name]).slice(1, -1));
  try {
    return JSON.parse(filled) as Record<string, unknown>;
  } catch (error) {
    throw new ManifestTemplateError(`The manifest template is not valid JSON once filled: ${(error as Error).message}`);
  }
}
