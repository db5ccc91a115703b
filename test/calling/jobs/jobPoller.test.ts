// The durable job runner: what runs when, what is left in the store afterwards, and how several instances sharing one
// store split the work (compare-and-swap claims, leases that lapse and are renewed). Most cases use an injected clock
// and call `tick()` by hand; the few about timers use real ones, synchronised by polling the store, never by sleeping.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { JobPoller } from '../../../src/calling/jobs/jobPoller.js';
import type { JobPollerOptions, RecurringWork } from '../../../src/calling/jobs/jobPoller.js';
import { JobScheduler } from '../../../src/calling/jobs/jobScheduler.js';
import { DONE, NotYetError, dueOfKey } from '../../../src/calling/jobs/jobs.js';
import type { JobHandler, JobRecord, JobStore } from '../../../src/calling/jobs/jobs.js';
import { createLogger } from '../../../src/log/logger.js';
import { DocumentRecordStore } from '../../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../../src/storage/memoryDocumentStore.js';
import { LogCapture } from '../../support/logCapture.js';

const START = Date.parse('2026-11-23T20:00:00.000Z');
const silent = createLogger('silent');

/** A clock the test moves by hand. */
class Clock {
  constructor(public t = START) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls `condition` until it holds; fails with `what` once `timeoutMs` has passed. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await delay(5);
  }
}

/** Every job in the store, with its key. */
async function jobsIn(store: JobStore): Promise<{ key: string; job: JobRecord }[]> {
  const found: { key: string; job: JobRecord }[] = [];
  for await (const key of store.keys()) {
    const job = await store.get(key);
    if (job) found.push({ key, job });
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** One instance's view of a store shared by every instance: its own record store over the same documents. */
function jobStoreOver(documents: MemoryDocumentStore): JobStore {
  return new DocumentRecordStore<JobRecord>(documents, 'jobs/');
}

/** A handler that notes each argument it was run with, and answers `outcome` (done by default). */
function noting(ran: string[], outcome: JobHandler = async () => DONE): JobHandler {
  return async (argument, job) => {
    ran.push(argument);
    return outcome(argument, job);
  };
}

interface RunnerOptions extends Partial<Omit<JobPollerOptions, 'scheduler' | 'handlers'>> {
  leaseMs?: number;
  now?: () => number;
}

/** One instance's jobs: its scheduler and its poller over `store`, as the composition root builds them. */
function runner(store: JobStore, handlers: JobPollerOptions['handlers'], options: RunnerOptions = {}) {
  const { leaseMs, now, ...pollerOptions } = options;
  const scheduler = new JobScheduler({ store, ...(leaseMs === undefined ? {} : { leaseMs }), ...(now === undefined ? {} : { now }) });
  const recurring: Record<string, RecurringWork> = {};
  const poller = new JobPoller({ scheduler, handlers, recurring, log: silent, ...pollerOptions });
  return {
    owner: scheduler.owner,
    schedule: (name: string, due: Date, claim?: { claim?: boolean }) => scheduler.schedule(name, due, claim),
    run: (key: string) => scheduler.runNow(key),
    cancel: (key: string) => scheduler.cancel(key),
    tick: () => poller.tick(),
    idle: () => poller.idle(),
    every: async (name: string, everyMs: number, run: () => Promise<void>) => {
      recurring[name] = { everyMs, run };
    },
    startPolling: () => poller.start(),
    stop: () => poller.stop(),
  };
}

describe('JobScheduler and JobPoller', () => {
  describe('one instance, injected clock', () => {
    function build(handler?: JobHandler) {
      const clock = new Clock();
      const store = jobStoreOver(new MemoryDocumentStore());
      const ran: string[] = [];
      const jobs = runner(store, { ping: noting(ran, handler) }, { now: clock.now });
      const tick = async () => {
        await jobs.tick();
        await jobs.idle();
      };
      return { clock, store, ran, jobs, tick };
    }

    it('runs a job that is due once, deletes it, and leaves a job due later alone until its time', async () => {
      const { clock, store, ran, jobs, tick } = build();
      await jobs.schedule('ping:past', new Date(clock.t - 1000));
      await jobs.schedule('ping:future', new Date(clock.t + 60_000));

      await tick();
      assert.deepEqual(ran, ['past']);
      assert.deepEqual((await jobsIn(store)).map((j) => j.job.name), ['ping:future']);

      await tick();
      assert.deepEqual(ran, ['past'], 'the job that ran is gone, the other is not due yet');

      clock.advance(59_999);
      await tick();
      assert.deepEqual(ran, ['past'], 'one millisecond early is still early');

      clock.advance(1);
      await tick();
      assert.deepEqual(ran, ['past', 'future']);
      assert.deepEqual(await jobsIn(store), []);
    });

    it('passes the argument after the first colon whole', async () => {
      const { clock, ran, jobs, tick } = build();
      await jobs.schedule('ping:a:b:c', new Date(clock.t));
      await tick();
      assert.deepEqual(ran, ['a:b:c']);
    });

    it('a handler asking to run again gets a new job at that time, and the old one is removed', async () => {
      const again = new Date(START + 5000);
      let runs = 0;
      const { store, ran, jobs, tick } = build(async () => (++runs === 1 ? { runAgainAt: again } : DONE));
      const first = await jobs.schedule('ping:repeat', new Date(START - 1));

      await tick();
      assert.deepEqual(ran, ['repeat']);
      const [next, ...more] = await jobsIn(store);
      assert.deepEqual(more, []);
      assert.ok(next);
      assert.notEqual(next.key, first, 'the job that ran is deleted');
      assert.equal(dueOfKey(next.key), again.getTime());
      assert.deepEqual(next.job, { name: 'ping:repeat', due: again.toISOString(), failures: 0 }, 'unclaimed, no failures');
    });

    it('runs the rescheduled job at its new time and not before', async () => {
      const { clock, store, ran, jobs, tick } = build(async (_arg, job) => (job.due === new Date(START).toISOString() ? { runAgainAt: new Date(START + 5000) } : DONE));
      await jobs.schedule('ping:repeat', new Date(START));
      await tick();
      clock.advance(4999);
      await tick();
      assert.deepEqual(ran, ['repeat']);
      clock.advance(1);
      await tick();
      assert.deepEqual(ran, ['repeat', 'repeat']);
      assert.deepEqual(await jobsIn(store), []);
    });

    it('a throwing handler is rescheduled later with its failures counted, waiting longer each time', async () => {
      const seenFailures: number[] = [];
      const { clock, store, jobs, tick } = build(async (_arg, job) => {
        seenFailures.push(job.failures);
        throw new Error('Graph is down');
      });
      const first = await jobs.schedule('ping:flaky', new Date(START));

      await tick();
      const [retry, ...more] = await jobsIn(store);
      assert.deepEqual(more, []);
      assert.ok(retry);
      assert.notEqual(retry.key, first);
      assert.equal(retry.job.failures, 1);
      assert.equal(retry.job.lease, undefined);
      const firstWait = dueOfKey(retry.key) - clock.t;
      assert.ok(firstWait > 0, `due ${firstWait} ms from now`);
      assert.equal(Date.parse(retry.job.due), dueOfKey(retry.key));

      await tick();
      assert.deepEqual(seenFailures, [0], 'not run again before its new due time');

      clock.t = dueOfKey(retry.key);
      await tick();
      const [second] = await jobsIn(store);
      assert.ok(second);
      assert.equal(second.job.failures, 2);
      assert.ok(dueOfKey(second.key) - clock.t > firstWait, 'the second failure waits longer than the first');
      assert.deepEqual(seenFailures, [0, 1], 'the handler sees the failures so far');
    });

    it('a handler that is not done yet (NotYetError) runs again at the time it named, with no failure counted', async () => {
      const at = new Date(START + 1500);
      const { store, ran, jobs, tick } = build(async () => {
        throw new NotYetError(at, 'the card is still being posted');
      });
      await jobs.schedule('ping:later', new Date(START));
      await tick();
      assert.deepEqual(ran, ['later']);
      const [next, ...more] = await jobsIn(store);
      assert.deepEqual(more, []);
      assert.equal(dueOfKey(next!.key), at.getTime());
      assert.deepEqual(next!.job, { name: 'ping:later', due: at.toISOString(), failures: 0 });
    });

    it('drops a job of a type it has no handler for, and says so', async () => {
      const logs = new LogCapture();
      const store = jobStoreOver(new MemoryDocumentStore());
      const ran: string[] = [];
      const jobs = runner(store, { ping: noting(ran) }, { now: () => START, log: logs.log });
      await jobs.schedule('mystery:x', new Date(START - 1));

      await jobs.tick();
      await jobs.idle();
      assert.deepEqual(await jobsIn(store), []);
      assert.deepEqual(ran, []);
      assert.ok(logs.records().some((r) => r.job === 'mystery:x' && /type this Rally does not know/.test(r.msg)));
    });

    it('runs no more jobs at once than its concurrency', async () => {
      const store = jobStoreOver(new MemoryDocumentStore());
      const gate = deferred();
      let active = 0;
      let most = 0;
      const jobs = runner(
        store,
        {
          ping: async () => {
            most = Math.max(most, ++active);
            await gate.promise;
            active--;
            return DONE;
          },
        },
        { now: () => START, concurrency: 2 },
      );
      for (let i = 0; i < 5; i++) await jobs.schedule(`ping:${i}`, new Date(START - 1));

      try {
        await jobs.tick();
        await eventually(() => active >= 2, 'two jobs under way');
        for (let i = 0; i < 5; i++) await nextTurn();
      } finally {
        gate.resolve();
        await jobs.idle();
      }
      assert.equal(most, 2);
      assert.equal((await jobsIn(store)).length, 3, 'the rest wait for the next tick');
    });
  });

  describe('when to look again', () => {
    it('backs off while nothing is due, up to the idle poll, looks at the next due time it saw, and soon again once there is work', async () => {
      const clock = new Clock();
      const store = jobStoreOver(new MemoryDocumentStore());
      const scheduler = new JobScheduler({ store, now: clock.now });
      const poller = new JobPoller({ scheduler, handlers: { ping: async () => DONE }, log: silent, pollMs: 1000, idlePollMs: 5000 });
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) waits.push((await poller.tick()) - clock.t);
      assert.deepEqual(waits, [2000, 4000, 5000, 5000], 'an idle instance asks the store 12 times a minute at this idle poll');

      await scheduler.schedule('ping:soon', new Date(clock.t + 1500));
      assert.equal((await poller.tick()) - clock.t, 1500, 'a job due before the next look is looked for when it is due');
      clock.advance(1500);
      assert.equal((await poller.tick()) - clock.t, 1000, 'with work about, it looks again soon');
      await poller.idle();
    });
  });

  describe('several instances over one store', () => {
    it('a due job is run by exactly one of two instances ticking at the same time', async () => {
      const documents = new MemoryDocumentStore();
      const ran: string[] = [];
      let gate = deferred();
      // Every job stays under way (and leased) until both ticks are over, so each instance meets the other's claims.
      const handlers = {
        ping: noting(ran, async () => {
          await gate.promise;
          return DONE;
        }),
      };
      const a = runner(jobStoreOver(documents), handlers, { now: () => START });
      const b = runner(jobStoreOver(documents), handlers, { now: () => START });
      const expected: string[] = [];
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 8; i++) {
          expected.push(`${round}-${i}`);
          await (i % 2 === 0 ? a : b).schedule(`ping:${round}-${i}`, new Date(START - 1));
        }
        try {
          await Promise.all([a.tick(), b.tick()]);
        } finally {
          gate.resolve();
          await Promise.all([a.idle(), b.idle()]);
          gate = deferred();
        }
      }
      assert.deepEqual([...ran].sort(), [...expected].sort(), 'each job ran exactly once');
      assert.deepEqual(await jobsIn(jobStoreOver(documents)), []);
    });

    it("takes over a claimed job once the dead instance's lease has lapsed, not before", async () => {
      const documents = new MemoryDocumentStore();
      const clock = new Clock();
      const leaseMs = 5000;
      const ranByA: string[] = [];
      const ranByB: string[] = [];
      const a = runner(jobStoreOver(documents), { ping: noting(ranByA) }, { now: clock.now, leaseMs });
      const b = runner(jobStoreOver(documents), { ping: noting(ranByB) }, { now: clock.now, leaseMs });
      // A claims it to run at once, and dies before it does.
      await a.schedule('ping:orphan', new Date(clock.t), { claim: true });
      const store = jobStoreOver(documents);
      const [claimed] = await jobsIn(store);
      assert.equal(claimed?.job.lease?.owner, a.owner);

      await b.tick();
      await b.idle();
      clock.advance(leaseMs - 1);
      await b.tick();
      await b.idle();
      assert.deepEqual(ranByB, [], "A's lease is live");
      assert.equal((await jobsIn(store)).length, 1);

      clock.advance(2);
      await b.tick();
      await b.idle();
      assert.deepEqual(ranByB, ['orphan']);
      assert.deepEqual(ranByA, []);
      assert.deepEqual(await jobsIn(store), []);
    });

    it('renews the lease while a slow handler runs, so another instance cannot claim it after the first lease', async () => {
      const documents = new MemoryDocumentStore();
      const store = jobStoreOver(documents);
      const leaseMs = 60;
      const gate = deferred();
      let runsOnA = 0;
      let runsOnB = 0;
      const a = runner(
        jobStoreOver(documents),
        {
          slow: async () => {
            runsOnA++;
            await gate.promise;
            return DONE;
          },
        },
        { leaseMs },
      );
      try {
        await a.schedule('slow:x', new Date(Date.now() - 1));
        await a.tick();
        const [claimed] = await jobsIn(store);
        const original = claimed?.job.lease;
        assert.equal(original?.owner, a.owner);
        const originalUntil = Date.parse(original!.until);

        // Renewed at least once after the first lease would have lapsed, so the run has outlived it.
        await eventually(async () => {
          const lease = (await store.get(claimed!.key))?.lease;
          return lease !== undefined && Date.parse(lease.until) > originalUntil + leaseMs + 1;
        }, 'the lease to be renewed past the first one');
        assert.ok(Date.now() > originalUntil, 'the first lease is over by the real clock too');

        const b = runner(
          jobStoreOver(documents),
          {
            slow: async () => {
              runsOnB++;
              return DONE;
            },
          },
          { leaseMs, now: () => originalUntil + leaseMs },
        );
        await b.tick();
        await b.idle();
        assert.equal(runsOnB, 0, 'B saw the renewed lease');
        assert.equal((await store.get(claimed!.key))?.lease?.owner, a.owner);
      } finally {
        gate.resolve();
        await a.idle();
      }
      assert.equal(runsOnA, 1);
      assert.deepEqual(await jobsIn(store), []);
    });
  });

  describe('recurring work (every)', () => {
    it('runs once per period however many instances start it, at any time in the period, and again the next period', async () => {
      const clock = new Clock(START + 10_000);
      const documents = new MemoryDocumentStore();
      let runs = 0;
      const work = async () => void runs++;
      const instances = [0, 1, 2].map(() => runner(jobStoreOver(documents), {}, { now: clock.now }));
      const tickAll = async () => {
        await Promise.all(instances.map((r) => r.tick()));
        await Promise.all(instances.map((r) => r.idle()));
      };
      await Promise.all(instances.slice(0, 2).map((r) => r.every('sweep', 60_000, work)));
      await tickAll();
      assert.equal(runs, 1, 'the current period ran once, on one instance');

      // A third instance starting later in the same period does not run that period again.
      clock.advance(20_000);
      await instances[2]!.every('sweep', 60_000, work);
      await tickAll();
      assert.equal(runs, 1);

      clock.advance(40_000);
      await tickAll();
      assert.equal(runs, 2, 'the next period ran once');
    });

    it('tries a period whose run failed again half a minute later, rather than skipping it', async () => {
      const clock = new Clock(START);
      const jobs = runner(jobStoreOver(new MemoryDocumentStore()), {}, { now: clock.now });
      let attempts = 0;
      await jobs.every('reconcile', 60_000, async () => {
        attempts++;
        if (attempts === 1) throw new Error('Graph is down');
      });
      await jobs.tick();
      await jobs.idle();
      clock.advance(5_000);
      await jobs.tick();
      await jobs.idle();
      assert.equal(attempts, 1, 'a failing store is not asked at every look');
      clock.advance(25_000);
      await jobs.tick();
      await jobs.idle();
      assert.equal(attempts, 2);
    });
  });

  describe('real timers', () => {
    it('polling fires a job no earlier than its due time and within the documented tolerance after it', async () => {
      const store = jobStoreOver(new MemoryDocumentStore());
      const fired: number[] = [];
      const jobs = runner(store, {
        ping: async () => {
          fired.push(Date.now());
          return DONE;
        },
      }, { pollMs: 250 });
      const due = Date.now() + 600;
      await jobs.schedule('ping:soon', new Date(due));
      jobs.startPolling();
      try {
        await eventually(() => fired.length > 0, 'the job to fire');
      } finally {
        await jobs.stop();
      }
      const [at] = fired;
      assert.ok(at! >= due, `fired ${due - at!} ms early`);
      assert.ok(at! - due <= 2000, `fired ${at! - due} ms late`);
      assert.equal(fired.length, 1);
      assert.deepEqual(await jobsIn(store), []);
    });

    it('idle() waits for a job claimed at scheduling until run() has started and finished it', async () => {
      const store = jobStoreOver(new MemoryDocumentStore());
      const gate = deferred();
      let started = false;
      let finished = false;
      const jobs = runner(store, {
        slow: async () => {
          started = true;
          await gate.promise;
          finished = true;
          return DONE;
        },
      });
      const key = await jobs.schedule('slow:now', new Date(), { claim: true });
      let idle = false;
      const idled = jobs.idle().then(() => (idle = true));

      try {
        // Neither a tick of its own instance nor waiting starts it: it is this instance's to run.
        await jobs.tick();
        for (let i = 0; i < 5; i++) await nextTurn();
        assert.equal(started, false);
        assert.equal(idle, false, 'idle waits for a claimed job that has not started');

        jobs.run(key);
        await eventually(() => started, 'the handler to start');
        for (let i = 0; i < 5; i++) await nextTurn();
        assert.equal(idle, false, 'idle waits for the running job');
      } finally {
        if (!started) jobs.run(key);
        gate.resolve();
      }
      await idled;
      assert.equal(finished, true);
      assert.deepEqual(await jobsIn(store), []);
    });
  });
});
