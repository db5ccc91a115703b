// `npm run package [-- <zip path>]`: the Teams app package for the deployment named by MicrosoftAppId and
// BOT_PUBLIC_URL, ready to upload in Teams (Apps > Manage your apps > Upload an app) or the Teams admin center.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildAppPackage } from './appPackage/appPackage.js';
import { ManifestTemplateError } from './appPackage/manifestTemplate.js';
import { InvalidManifestError } from './appPackage/manifestSchema.js';
import { PackageSettingsError, readPackageSettings } from './appPackage/packageSettings.js';

const DEFAULT_OUTPUT = 'dist/rally-teams-app.zip';

async function main(): Promise<void> {
  const output = path.resolve(process.argv[2] ?? DEFAULT_OUTPUT);
  const settings = readPackageSettings(process.env);
  const { zip } = await buildAppPackage(settings);
  await mkdir(path.dirname(output), { recursive: true });
  await writeFile(output, zip);
  console.log(`Wrote ${path.relative(process.cwd(), output)} for bot ${settings.appId} at ${settings.host}.`);
}

main().catch((error: unknown) => {
  // Problems an operator can fix get their one line; anything else is a bug and keeps its stack.
  if (error instanceof PackageSettingsError || error instanceof ManifestTemplateError || error instanceof InvalidManifestError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
