// Rally as a separate process (`src/main.ts`, as `npm start` runs it), so a test can kill it with SIGKILL mid-work
// and start it again on the same data: nothing in the test process survives a crash that Rally's own state doesn't.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

export class RallyProcess {
  private constructor(private readonly child: ChildProcess, readonly output: string[]) {}

  /** Starts Rally with these settings and resolves once it logged that it listens. */
  static async start(env: Record<string, string>, deadlineMs = 30_000): Promise<RallyProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
      env: { PATH: process.env.PATH ?? '', RALLY_PLAYGROUND: 'off', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const rally = new RallyProcess(child, output);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Not left running: nothing else holds it, and a live child keeps the test run from exiting.
        child.kill('SIGKILL');
        reject(new Error(`Rally did not start in time:\n${output.join('')}`));
      }, deadlineMs);
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString('utf8'));
        if (output.join('').includes('Rally is listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Rally exited with ${code} before it listened:\n${output.join('')}`));
      });
    });
    child.removeAllListeners('exit');
    return rally;
  }

  /** The log lines Rally wrote so far, parsed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pino records are free-form JSON
  logs(): any[] {
    return output(this.output.join(''));
  }

  /** Kills it with `signal` (SIGKILL: no shutdown code runs) and resolves once it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

function output(text: string): unknown[] {
  return text.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}
