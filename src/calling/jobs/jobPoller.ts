// Runs the durable jobs the JobScheduler records: the ones handed over at once, and due ones it finds by polling,
// claimed by compare-and-swap on their lease. It renews the lease while a handler runs and reschedules a failed job
// with growing waits. Every instance runs one; they share the work. Built last, with every service's handlers.
import type { Logger } from '../../log/logger.js';
import { DONE, NotYetError } from './jobs.js';
import type { JobHandler, JobOutcome, JobRecord } from './jobs.js';
import type { JobScheduler } from './jobScheduler.js';

/** Work run once per period by whichever instance gets there first. */
export interface RecurringWork {
  everyMs: number;
  run(): Promise<void>;
}

export interface JobPollerOptions {
  scheduler: JobScheduler;
  /** By job type (the part of a job's name before the first `:`). */
  handlers: Record<string, JobHandler>;
  /** By name. */
  recurring?: Record<string, RecurringWork>;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** How soon due jobs are looked for again while there is work about. Default 1 s. */
  pollMs?: number;
  /**
   * The longest wait between looks while they find nothing. Default 7 s: with the 3 s lease, a dead instance's jobs
   * move on within about 10 s, and an idle instance asks the store about 9 times a minute for them.
   */
  idlePollMs?: number;
  /** Jobs one instance runs at once. Default 16. */
  concurrency?: number;
}

/** How soon recurring work whose run failed is tried again (a failing store must not be asked every second). */
const RECURRING_RETRY_MS = 30_000;

/** Longest wait between failed runs of a job. */
const MAX_BACKOFF_MS = 5 * 60_000;

export class JobPoller {
  private readonly pollMs: number;
  private readonly idlePollMs: number;
  private readonly concurrency: number;
  private readonly running = new Map<string, Promise<void>>();
  /** Recurring work running here, by name: kept apart from jobs, as it says nothing of more jobs to come. */
  private readonly recurringRuns = new Map<string, Promise<void>>();
  /** The period each recurring work was last tried in by this instance. */
  private readonly triedPeriod = new Map<string, number>();
  /** When recurring work whose run failed is tried again here. */
  private readonly retryAt = new Map<string, number>();
  private waitMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** When the planned look is due (ms since the epoch, on the scheduler's clock). */
  private nextLook = 0;
  /** The soonest look asked for while a look was under way. */
  private wantedBy: number | undefined;
  private ticking: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: JobPollerOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.idlePollMs = Math.max(this.pollMs, options.idlePollMs ?? 7000);
    this.concurrency = options.concurrency ?? 16;
    this.waitMs = this.pollMs;
    options.scheduler.onWork((due) => this.onWork(due));
  }

  private get scheduler(): JobScheduler {
    return this.options.scheduler;
  }

  /** Runs what was handed over already, and starts looking for due jobs and recurring work, the first time one poll from now. */
  async start(): Promise<void> {
    this.started = true;
    this.stopped = false;
    this.runHandedOver();
    this.planLook(this.scheduler.now() + this.pollMs);
  }

  /** Stops polling and waits for the jobs under way; their leases lapse if they never finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await this.idle();
  }

  /** Resolves when no job this instance claimed or started is still running. */
  async idle(): Promise<void> {
    for (;;) {
      await this.scheduler.claimsHandedOver();
      if (!this.stopped) this.runHandedOver();
      if (this.running.size === 0 && this.recurringRuns.size === 0) return;
      await Promise.allSettled([...this.running.values(), ...this.recurringRuns.values()]);
    }
  }

  /**
   * One look for due jobs: claims and starts as many as there is room for. Resolves with when to look next: soon while
   * there is work about, at the next due time seen, and otherwise later and later, up to `idlePollMs`.
   */
  async tick(): Promise<number> {
    const { due, nextDue } = await this.scheduler.dueKeys(this.running);
    // Recurring work starts at the first look of its period (at most an idle poll late), and is no sign of more jobs.
    this.startRecurring();
    let found = false;
    for (const key of due) {
      if (this.stopped || this.running.size >= this.concurrency) break;
      const claimed = await this.scheduler.claim(key);
      if (claimed) {
        found = true;
        this.launch(key, claimed);
      }
    }
    const now = this.scheduler.now();
    this.waitMs = found || this.running.size > 0 || due.length > 0 ? this.pollMs : Math.min(this.idlePollMs, this.waitMs * 2);
    return Math.max(now + this.pollMs, Math.min(now + this.waitMs, nextDue ?? Number.POSITIVE_INFINITY));
  }

  private loop(): void {
    if (this.stopped) return;
    this.timer = undefined;
    this.ticking = this.tick()
      .catch((error: unknown) => {
        this.options.log.warn({ err: error }, 'looking for due jobs failed; trying again');
        return this.scheduler.now() + this.pollMs;
      })
      .then((next) => {
        this.ticking = undefined;
        // Work that came while this look was under way may be due before the look it planned.
        this.planLook(Math.min(next, this.wantedBy ?? next));
        this.wantedBy = undefined;
      });
  }

  /** Looks for due jobs at `at`, unless one is planned sooner; during a look, that look plans the next with `at`. */
  private planLook(at: number): void {
    if (this.stopped) return;
    if (this.ticking !== undefined) {
      this.wantedBy = Math.min(at, this.wantedBy ?? at);
      return;
    }
    if (this.timer !== undefined && this.nextLook <= at) return;
    clearTimeout(this.timer);
    this.nextLook = at;
    this.timer = setTimeout(() => this.loop(), Math.max(0, at - this.scheduler.now()));
  }

  /** New work here: run what was handed over at once, and look for a scheduled job by its due time. */
  private onWork(due: number): void {
    if (this.stopped) return;
    this.runHandedOver();
    if (!this.started) return;
    this.waitMs = this.pollMs;
    this.planLook(Math.max(due, this.scheduler.now() + this.pollMs));
  }

  private runHandedOver(): void {
    for (const key of this.scheduler.takeHandedOver()) if (!this.running.has(key)) this.launch(key);
  }

  /** Runs the job in the background; `claimed` is its record as claimed, or it is read first. */
  private launch(key: string, claimed?: JobRecord): void {
    const work = this.execute(key, claimed)
      .catch((error: unknown) => this.options.log.error({ err: error, job: key }, 'job bookkeeping failed; its lease will lapse and it runs again'))
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
  }

  private async execute(key: string, claimed?: JobRecord): Promise<void> {
    // A job handed over was written by this process a moment ago: what it knows of it is as good as a read.
    const record = claimed ?? (await this.scheduler.store.peek(key));
    if (record === undefined) return;
    const [type, ...rest] = record.name.split(':');
    const handler = this.options.handlers[type ?? ''];
    if (!handler) {
      this.options.log.warn({ job: record.name }, 'a job of a type this Rally does not know was dropped');
      await this.scheduler.finish(key, DONE, record);
      return;
    }
    const renewal = setInterval(() => void this.renew(key), Math.max(10, Math.floor(this.scheduler.leaseMs / 3)));
    let outcome: JobOutcome;
    try {
      outcome = await handler(rest.join(':'), record);
    } catch (error) {
      outcome = this.afterFailure(error, record);
    } finally {
      clearInterval(renewal);
    }
    await this.scheduler.finish(key, outcome, record);
  }

  /** When a job that threw runs again: at the time it named if it was not failing, else after a growing wait. */
  private afterFailure(error: unknown, record: JobRecord): JobOutcome {
    if (error instanceof NotYetError) {
      this.options.log.debug({ job: record.name, reason: error.message }, 'job not done yet; it runs again soon');
      return { runAgainAt: error.at };
    }
    const failures = record.failures + 1;
    const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures, 20));
    this.options.log.warn({ err: error, job: record.name, failures }, 'job failed; it runs again later');
    record.failures = failures;
    return { runAgainAt: new Date(this.scheduler.now() + wait) };
  }

  /**
   * Starts each recurring work whose period has begun since this instance last tried it: periods are aligned to the
   * clock, so every instance names the same one, and the one that claims it first runs it.
   */
  private startRecurring(): void {
    for (const [name, work] of Object.entries(this.options.recurring ?? {})) {
      const period = Math.floor(this.scheduler.now() / work.everyMs) * work.everyMs;
      const retry = this.retryAt.get(name);
      const due = retry === undefined ? (this.triedPeriod.get(name) ?? -1) < period : retry <= this.scheduler.now();
      if (!due || this.recurringRuns.has(name)) continue;
      this.retryAt.delete(name);
      this.triedPeriod.set(name, period);
      const run = this.runPeriod(name, period, work).finally(() => this.recurringRuns.delete(name));
      this.recurringRuns.set(name, run);
    }
  }

  /** One period of recurring work, if this instance claims it; a failed run gives the period back to be tried again. */
  private async runPeriod(name: string, period: number, work: RecurringWork): Promise<void> {
    try {
      if (!(await this.scheduler.claimPeriod(name, period))) return;
      await work.run();
    } catch (error) {
      this.options.log.warn({ err: error, job: name }, 'recurring work failed; it runs again soon');
      this.retryAt.set(name, this.scheduler.now() + RECURRING_RETRY_MS);
      await this.scheduler.releasePeriod(name, period).catch(() => undefined);
    }
  }

  private async renew(key: string): Promise<void> {
    try {
      await this.scheduler.renew(key);
    } catch (error) {
      this.options.log.debug({ err: error, job: key }, 'could not renew a job lease');
    }
  }
}
