import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { buildAppPackage, MANIFEST_DIR } from '../../scripts/appPackage/appPackage.js';
import { useTempDirectory } from '../support/tempDirectory.js';

const settings = { appId: '11111111-2222-3333-4444-555555555555', host: 'rally.contoso.com' };
const CLI = fileURLToPath(new URL('../../scripts/packageManifest.ts', import.meta.url));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run package`'s script the way npm does, with only the environment given. */
function runCli(env: Record<string, string>, output: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, output],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('Teams app package', () => {
  it('zips exactly the filled manifest, the two icons and the localization files it names, at the root', async () => {
    const { manifest, zip } = await buildAppPackage(settings);
    const archive = await JSZip.loadAsync(zip);
    const files = Object.values(archive.files).filter((f) => !f.dir);
    const languageFiles = ['de.json', 'es.json', 'fr.json', 'ja.json', 'pt-br.json', 'zh-cn.json'];
    assert.deepEqual(files.map((f) => f.name).sort(), ['color.png', ...languageFiles, 'manifest.json', 'outline.png'].sort());
    assert.deepEqual(JSON.parse(await archive.file('manifest.json')!.async('string')), manifest);
    for (const file of ['color.png', 'outline.png', ...languageFiles]) {
      const packed = await archive.file(file)!.async('nodebuffer');
      assert.ok(packed.equals(readFileSync(path.join(MANIFEST_DIR, file))), `${file} is packed unchanged`);
    }
  });

  it('takes the app version from package.json', async () => {
    const { manifest } = await buildAppPackage(settings);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(manifest.version, version);
  });

  describe('npm run package', function () {
    // A child process that loads TypeScript through tsx takes a moment to start.
    this.timeout(30_000);
    const dir = useTempDirectory('rally-package-');

    it('writes the zip for the deployment in the environment', async () => {
      const output = path.join(dir(), 'out', 'rally.zip');
      const run = await runCli({ MicrosoftAppId: settings.appId, BOT_PUBLIC_URL: `https://${settings.host}` }, output);
      assert.equal(run.code, 0, run.stderr);
      const archive = await JSZip.loadAsync(readFileSync(output));
      const manifest = JSON.parse(await archive.file('manifest.json')!.async('string')) as { id: string; validDomains: string[] };
      assert.equal(manifest.id, settings.appId);
      assert.deepEqual(manifest.validDomains, [settings.host]);
    });

    it('refuses with one clear line and writes nothing when a setting is missing', async () => {
      const output = path.join(dir(), 'rally.zip');
      const run = await runCli({ BOT_PUBLIC_URL: `https://${settings.host}` }, output);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^Setting MicrosoftAppId is missing: [^\n]+\n$/);
      assert.equal(existsSync(output), false);
    });

    it('refuses an app id that is not a GUID', async () => {
      const run = await runCli({ MicrosoftAppId: 'rally', BOT_PUBLIC_URL: `https://${settings.host}` }, path.join(dir(), 'rally.zip'));
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^Setting MicrosoftAppId must be [^\n]+\n$/);
    });
  });
});
