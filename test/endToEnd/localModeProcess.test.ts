// `npm start` in local mode as a person runs it: Rally's own process (src/main.ts), its console and its way out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../support/freePort.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';

interface Started {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts `src/main.ts` in local mode (no app id) with only these settings, and resolves once `ready` is printed. */
async function startMain(env: Record<string, string>, ready: string | undefined, deadlineMs = 30_000): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Rally printed no "${ready}" in time:\n${stdout.join('')}${stderr.join('')}`)), deadlineMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout.push(chunk.toString('utf8'));
      if (ready !== undefined && stdout.join('').includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (ready === undefined) resolve();
      else reject(new Error(`Rally exited with ${code} before "${ready}":\n${stdout.join('')}${stderr.join('')}`));
    });
  });
  return { child, stdout, stderr, exited };
}

async function stopMain(started: Started, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill(signal);
  return started.exited;
}

describe('local mode as `npm start` runs it', function () {
  this.timeout(60_000);
  let dataDir: TempDirectory;
  let started: Started | undefined;

  beforeEach(async () => {
    dataDir = await makeTempDirectory('rally-local-');
  });

  afterEach(async () => {
    if (started) await stopMain(started, 'SIGKILL');
    started = undefined;
    await dataDir.remove();
  });

  const localEnv = async (more: Record<string, string> = {}) => ({
    PORT: String(await freePort()),
    RALLY_DATA_DIR: path.join(dataDir.path, 'data'),
    RALLY_PLAYGROUND: 'off',
    ...more,
  });

  it('prints lines a person reads with LOG_FORMAT=pretty, and no deprecation warning from restify', async () => {
    started = await startMain(await localEnv({ LOG_FORMAT: 'pretty' }), 'Rally is listening');
    const lines = started.stdout.join('').split('\n').filter((line) => line !== '');

    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotMatch(line, /^\{/, 'no JSON line');
    assert.ok(
      lines.some((line) => /^\[\d\d:\d\d:\d\d\] INFO: Rally is listening \{"url":"http:\/\/127\.0\.0\.1:\d+"\}$/.test(line)),
      lines.join('\n'),
    );
    assert.doesNotMatch(started.stderr.join(''), /DEP0111|DeprecationWarning/);
    assert.equal(await stopMain(started), 0);
  });

  it('writes JSON lines when its output is not a terminal and LOG_FORMAT is unset', async () => {
    started = await startMain(await localEnv(), 'Rally is listening');
    const lines = started.stdout.join('').split('\n').filter((line) => line !== '');

    const records = lines.map((line) => JSON.parse(line) as { msg?: string });
    assert.ok(records.some((r) => r.msg === 'Rally is listening'));
    assert.equal(await stopMain(started), 0);
  });

  it('refuses to start with a LOG_FORMAT it does not know, naming the setting', async () => {
    started = await startMain(await localEnv({ LOG_FORMAT: 'yaml' }), undefined);
    assert.equal(await started.exited, 2);
    assert.equal(started.stderr.join('').trim(), 'Rally cannot start: Setting LOG_FORMAT must be json or pretty.');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes the Playground's temp folder when stopped with ${signal}`, async () => {
      const tmp = path.join(dataDir.path, 'tmp');
      await mkdir(tmp);
      const playgroundFolders = async () => (await readdir(tmp)).filter((name) => name.startsWith('rally-playground-'));
      started = await startMain(await localEnv({ RALLY_PLAYGROUND: 'on', TMPDIR: tmp }), 'Ctrl-C stops everything');
      assert.equal((await playgroundFolders()).length, 1, 'the Playground runs in a temp folder');

      assert.equal(await stopMain(started, signal), 0);

      assert.deepEqual(await playgroundFolders(), []);
    });
  }
});
