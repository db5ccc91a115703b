import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { freePort } from './freePort.js';
import { makeTempDirectory } from './tempDirectory.js';

export interface Azurite {
  /** For the well-known development account, pointing at this instance's loopback port. */
  connectionString: string;
  /** Stops the process (gracefully, so a `location` keeps what was written) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port; with a `location`, the blobs written before `stop` are still there. */
  restart(): Promise<void>;
}

export interface AzuriteOptions {
  /** Keeps blobs in this directory instead of in memory, so they survive `stop` and `restart`. */
  location?: string;
}

// Azurite's documented development account; it is public and only ever accepted by the emulator.
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const HOST = '127.0.0.1';
const START_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 5_000;

const blobMain = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');

// Whatever a failing test leaves running dies with the test process.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts Azurite's blob service alone on a free loopback port and resolves once it accepts connections. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const port = await freePort();
  // In-memory Azurite still resolves a workspace; give it a scratch one rather than the repository.
  const scratch = options.location === undefined ? await makeTempDirectory('rally-azurite-') : undefined;
  const workspace = options.location ?? scratch!.path;
  const storage = options.location ? ['--location', options.location] : ['--inMemoryPersistence'];
  const args = [
    blobMain, '--blobHost', HOST, '--blobPort', String(port), ...storage,
    '--disableTelemetry', '--skipApiVersionCheck', '--silent',
  ];
  let child = await launch(args, workspace, port);
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};`
      + `BlobEndpoint=http://${HOST}:${port}/${ACCOUNT};`,
    async stop() {
      await terminate(child);
      await scratch?.remove();
    },
    async restart() {
      await terminate(child);
      child = await launch(args, workspace, port);
    },
  };
}

async function launch(args: string[], cwd: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      reject(new Error(`Azurite exited while starting (code ${code}, signal ${signal}): ${stderr.trim()}`));
    });
  });
  exited.catch(() => undefined);
  try {
    await Promise.race([untilListening(port), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

async function untilListening(port: number): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`Azurite did not listen on ${HOST}:${port} within ${START_DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** SIGTERM lets Azurite save its database; SIGKILL follows if it has not exited by the deadline. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}
