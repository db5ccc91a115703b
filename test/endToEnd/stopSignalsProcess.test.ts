// Ctrl-C on `npm start`: the terminal's SIGINT and the copy npm or tsx passes on some 40 ms later reach Rally's own
// process (src/main.ts) as two signals. Together they are one request to stop, which lets the work under way finish.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { LOCAL_TENANT_ID } from '../../src/simulator/index.js';
import { freePort } from '../support/freePort.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';

/** What a stop with nothing under way may take: a person waits for the prompt. */
const IDLE_STOP_MS = 2_000;
/** The gap between the terminal's SIGINT and the one passed on, as Rally's log showed it. */
const COPY_GAP_MS = 40;

interface Rally {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves once a log line's `msg` is `msg`; rejects if Rally exits first. */
  logged(msg: string): Promise<void>;
}

async function startRally(dataDir: string): Promise<Rally> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), RALLY_DATA_DIR: path.join(dataDir, 'data'), RALLY_PLAYGROUND: 'off', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Apart, so that a line of either is never split by the other.
  const chunks: string[] = [];
  const errors: string[] = [];
  const output = () => chunks.join('') + errors.join('');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logged = (msg: string) =>
    new Promise<void>((resolve, reject) => {
      const seen = () => records(chunks.join('')).some((record) => record.msg === msg);
      const check = () => {
        if (!seen()) return;
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      check();
      void exited.then((code) => reject(new Error(`Rally exited with ${code} before it logged "${msg}":\n${output()}`)));
    });
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const rally = { child, port, output, exited, logged };
  await logged('Rally is listening');
  return rally;
}

/** The log's complete JSON lines (a chunk can end mid-line). */
function records(text: string): { msg?: unknown }[] {
  return text
    .split('\n')
    .slice(0, -1)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg?: unknown }];
      } catch {
        return [];
      }
    });
}

/** The exit code, or a failure naming the bound when Rally is still running `withinMs` from now. */
async function exitWithin(rally: Rally, withinMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Rally had not exited ${withinMs} ms on:\n${rally.output()}`)), withinMs);
  });
  try {
    return await Promise.race([rally.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The terminal's SIGINT, then its copy. */
async function ctrlC(rally: Rally): Promise<void> {
  rally.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, COPY_GAP_MS));
  rally.child.kill('SIGINT');
}

describe('Ctrl-C on Rally as `npm start` runs it (two SIGINTs 40 ms apart)', function () {
  this.timeout(60_000);
  let dataDir: TempDirectory;
  let rally: Rally | undefined;
  let connector: LoopbackServer | undefined;

  beforeEach(async () => {
    dataDir = await makeTempDirectory('rally-stop-');
  });

  afterEach(async () => {
    if (rally && rally.child.exitCode === null && rally.child.signalCode === null) {
      rally.child.kill('SIGKILL');
      await rally.exited;
    }
    rally = undefined;
    await connector?.close();
    connector = undefined;
    await dataDir.remove();
  });

  it('stops within 2 s with nothing under way, and exits 0', async () => {
    rally = await startRally(dataDir.path);

    await ctrlC(rally);

    // 2 s from the second signal, a little more than from the first: the bound is on the stop, not the gap.
    assert.equal(await exitWithin(rally, IDLE_STOP_MS), 0, rally.output());
    assert.doesNotMatch(rally.output(), /stopping now, without waiting/);
  });

  it('finishes the turn under way, its reply included, then exits 0 promptly', async () => {
    // The connector holds Rally's reply to the chat, so the turn is still under way when both signals have come.
    let replyArrived!: () => void;
    const replying = new Promise<void>((resolve) => (replyArrived = resolve));
    let answerReply: (() => void) | undefined;
    connector = await LoopbackServer.start((request, response: ServerResponse) => {
      if (request.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(request.url)) {
        answerReply = () => sendJson(response, 200, { id: 'reply-1' });
        replyArrived();
        return;
      }
      sendJson(response, 200, {});
    });
    rally = await startRally(dataDir.path);

    const turn = fetch(`http://127.0.0.1:${rally.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'msg-ctrl-c',
        channelId: 'msteams',
        serviceUrl: connector.url,
        timestamp: new Date().toISOString(),
        conversation: { id: 'a:ctrl-c', conversationType: 'personal', tenantId: LOCAL_TENANT_ID },
        from: { id: '29:1-me', name: 'Pat Organizer', aadObjectId: '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60' },
        recipient: { id: '28:rally-local', name: 'Rally' },
        channelData: { tenant: { id: LOCAL_TENANT_ID } },
        text: 'help',
      }),
    });
    await replying;

    await ctrlC(rally);
    // Released only once Rally has taken the second signal: finishing the turn sooner could let it exit before then.
    await rally.logged('already stopping (a signal more than 1 s after the first stops at once)');
    answerReply!();

    assert.equal((await turn).status, 200, rally.output());
    assert.equal(await exitWithin(rally, IDLE_STOP_MS), 0, rally.output());
    assert.doesNotMatch(rally.output(), /stopping now, without waiting/);
    assert.equal(connector.requests.filter((r) => r.method === 'POST').length, 1, 'the one reply, sent once');
  });
});
