// Starts the Microsoft 365 Agents Playground (Microsoft's local Teams client) against Rally in local mode.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { playgroundConfig } from './playgroundConfig.js';

export interface RunningPlayground {
  url: string;
  port: number;
  /** Its working directory, a fresh temp folder: `close()` removes it. */
  workDir: string;
  /** Stops the Playground and removes its working directory. */
  close(): Promise<void>;
}

export const DEFAULT_PLAYGROUND_PORT = 56150;

export async function startPlayground(options: { botEndpoint: string; port?: number; log: Logger }): Promise<RunningPlayground> {
  const port = options.port ?? DEFAULT_PLAYGROUND_PORT;
  // It writes devTools/ logs into its working directory and reads its config there: keep both out of the repo, and
  // remove them when it stops.
  const workDir = await mkdtemp(join(tmpdir(), 'rally-playground-'));
  try {
    await writeFile(join(workDir, '.m365agentsplayground.yml'), playgroundConfig());
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  // It has no option for the address it listens on: it listens on every interface (see the README).
  const child = spawn(process.execPath, [cli, 'start', '--app-endpoint', options.botEndpoint, '--port', String(port), '--disable-telemetry', '-c', 'msteams'], {
    cwd: workDir,
    env: {
      ...process.env,
      // Without this its Application Insights statsbeat calls the Azure metadata address.
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      TEAMSAPPTESTER_BROWSER: 'none',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Should Rally exit without close() (an uncaught error, process.exit elsewhere), the Playground and its folder go too.
  const onExit = () => {
    child.kill('SIGTERM');
    rmSync(workDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const close = async () => {
    process.removeListener('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      // It has always stopped on SIGTERM; should it hang, its folder must still go.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(stuck);
    }
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    // It silently picks another port when ours is taken, so read the one it prints.
    const actualPort = await new Promise<number>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Listening on (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => options.log.debug({ playground: chunk.toString().trim() }, 'playground'));
      child.once('exit', (code) => reject(new Error(`The Agents Playground exited (code ${code}) before it was ready: ${output.slice(-500)}`)));
    });
    const url = `http://127.0.0.1:${actualPort}`;
    await waitForPing(url);
    return { url, port: actualPort, workDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function waitForPing(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`${url}/_debug/ping`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The Agents Playground did not answer at ${url}`);
}
