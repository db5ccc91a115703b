// The load generator runs in a child process (bench/support/loadClient.ts), so that it does not share an event loop
// with the servers it measures: on the 2-core machine the servers get one core and the client the other. Had it run
// in-process, every request's client-side work would be charged to the server too, and the ratio of a slow server to
// a fast one would be pulled towards 1.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { percentile } from './stats.js';

/** As many requests as the server takes, `connections` at a time (closed loop), until `amount` or `maxSeconds`. */
export interface ClosedLoopJob {
  kind: 'closed';
  url: string;
  headers: Record<string, string>;
  /** POST bodies; each connection sends them in turn. */
  bodies: string[];
  connections: number;
  amount: number;
  maxSeconds: number;
}

/**
 * Requests started at a fixed rate whatever the answers do (open loop), over a keep-alive pool. A request's latency
 * runs from when it was due to be sent, so a slow answer that delays later ones is counted in full (no coordinated
 * omission).
 */
export interface FixedRateJob {
  kind: 'rate';
  url: string;
  headers: Record<string, string>;
  body: string;
  perSecond: number;
  seconds: number;
  maxSockets: number;
}

export type LoadJob = ClosedLoopJob | FixedRateJob;

export interface LoadResult {
  /** Requests answered (any status). */
  completed: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /** From the first request to the last answer. */
  seconds: number;
  /** completed / seconds. */
  perSecond: number;
  /** Of 2xx answers only, in ms. */
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Every 2xx answer's latency, in ms, in the order they came. */
  samples: number[];
  /** The time bound ran out before the amount or rate was done. */
  stoppedEarly: boolean;
  /** Fixed rate only: how late the client started requests against the schedule (its own timer jitter), in ms. */
  lateStart?: { p99: number; max: number };
}

export function summarize(samples: number[], statuses: Record<string, number>, errors: number, seconds: number, stoppedEarly: boolean): LoadResult {
  const completed = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    completed,
    statuses,
    errors,
    seconds,
    perSecond: seconds > 0 ? completed / seconds : 0,
    latency: {
      p50: percentile(samples, 50),
      p90: percentile(samples, 90),
      p99: percentile(samples, 99),
      max: percentile(samples, 100),
      mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
    },
    samples,
    stoppedEarly,
  };
}

/** Several runs against one server as one: requests and seconds added up, percentiles over all answers. */
export function combine(results: readonly LoadResult[]): LoadResult {
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [status, n] of Object.entries(r.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  return summarize(
    results.flatMap((r) => r.samples),
    statuses,
    results.reduce((a, r) => a + r.errors, 0),
    results.reduce((a, r) => a + r.seconds, 0),
    results.some((r) => r.stoppedEarly),
  );
}

export interface LoadClient {
  run(job: LoadJob): Promise<LoadResult>;
  close(): Promise<void>;
}

/** Starts the child; `close` ends it (and so does this process's exit). */
export function startLoadClient(): LoadClient {
  // The same loader flags this process runs with (tsx), so the child can be TypeScript too.
  const child: ChildProcess = fork(new URL('./loadClient.ts', import.meta.url), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killChild = () => child.kill();
  process.once('exit', killChild);
  let queue: Promise<unknown> = Promise.resolve();

  const once = (job: LoadJob) =>
    new Promise<LoadResult>((resolve, reject) => {
      const onMessage = (message: { result?: LoadResult; error?: string }) => {
        child.off('exit', onExit);
        if (message.result) resolve(message.result);
        else reject(new Error(`load client: ${message.error ?? 'no result'}`));
      };
      const onExit = (code: number | null) => {
        child.off('message', onMessage);
        reject(new Error(`load client exited (code ${code}) during a job`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
      child.send(job);
    });

  return {
    run(job) {
      const next = queue.then(() => once(job));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      process.off('exit', killChild);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
