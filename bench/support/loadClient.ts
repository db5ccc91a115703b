// The load generator's child process (started by loadJobs.ts): takes one job at a time over IPC, answers its result.
//
// Closed loop: autocannon. It builds each request's bytes once and writes them on plain keep-alive sockets, parsing
// answers with http-parser-js, so the client is cheap enough not to be what limits the fast (bare) server; it is pure
// JavaScript (hdr-histogram-js ships WebAssembly, nothing native), has no install scripts and declares no engines
// limit (it runs on Node 20 here). Latency percentiles are computed from every response's own time (autocannon's
// histogram rounds to whole ms).
//
// Fixed rate: hand-written on node:http. autocannon's `overallRate` lets each connection send its quota for the second
// as fast as it can and then wait for the next second (lib/httpClient.js, reqsMadeThisSecond): bursts, not a steady
// rate. Here one request is due every 1000/rate ms, started on time whatever the answers do, and timed from start to
// the end of its answer (the wait for a free socket included).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { summarize } from './loadJobs.js';
import type { ClosedLoopJob, FixedRateJob, LoadJob, LoadResult } from './loadJobs.js';
import { percentile } from './stats.js';

function closedLoop(job: ClosedLoopJob): Promise<LoadResult> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let stoppedEarly = false;
  let lastAnswer = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: job.url,
        method: 'POST',
        headers: job.headers,
        requests: job.bodies.map((body) => ({ method: 'POST', body })),
        connections: job.connections,
        amount: job.amount,
        timeout: 10,
      },
      (error: unknown) => {
        clearTimeout(bound);
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve(summarize(samples, statuses, errors, (lastAnswer - started) / 1000, stoppedEarly));
      },
    );
    const bound = setTimeout(() => {
      stoppedEarly = true;
      instance.stop();
    }, job.maxSeconds * 1000);
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastAnswer = performance.now();
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    });
    instance.on('reqError', () => {
      errors++;
    });
  });
}

function fixedRate(job: FixedRateJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.maxSockets });
  const body = Buffer.from(job.body);
  const headers = { ...job.headers, 'content-length': String(body.length) };
  const total = Math.round(job.perSecond * job.seconds);
  const interval = 1000 / job.perSecond;
  const samples: number[] = [];
  const late: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let finished = 0;
  let lastAnswer = 0;

  return new Promise((resolve) => {
    const started = performance.now() + 20;
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (stoppedEarly: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(bound);
      agent.destroy();
      const result = summarize(samples, statuses, errors, (lastAnswer - started) / 1000, stoppedEarly);
      resolve({ ...result, lateStart: { p99: percentile(late, 99), max: percentile(late, 100) } });
    };
    const settled = () => {
      finished++;
      if (finished === total) finish(false);
    };
    const send = (due: number) => {
      const sentAt = performance.now();
      late.push(sentAt - due);
      const request = http.request(job.url, { method: 'POST', agent, headers }, (response) => {
        response.resume();
        response.on('end', () => {
          lastAnswer = performance.now();
          const status = response.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 300) samples.push(lastAnswer - sentAt);
          settled();
        });
      });
      request.on('error', () => {
        errors++;
        settled();
      });
      request.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && started + next * interval <= now) send(started + next++ * interval);
      if (next < total) timer = setTimeout(tick, Math.max(0, started + next * interval - performance.now()));
    };
    // The bound: the schedule's length plus half a minute for a server that fell behind to answer.
    const bound = setTimeout(() => finish(true), (job.seconds + 30) * 1000);
    timer = setTimeout(tick, 20);
  });
}

function run(job: LoadJob): Promise<LoadResult> {
  return job.kind === 'closed' ? closedLoop(job) : fixedRate(job);
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent disconnects when it is done (or dies): then there is nothing left to do.
process.on('disconnect', () => process.exit(0));
