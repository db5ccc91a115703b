import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/logger.js';
import { DONE, NotYetError, dueOfKey, jobKey } from './jobs.js';
import type { JobHandler, JobOutcome, JobRecord, JobStore } from './jobs.js';

export interface JobRunnerOptions {
  store: JobStore;
  /** By job type (the part of a job's name before the first `:`). */
  handlers: Record<string, JobHandler>;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** How often due jobs are looked for. Default 1 s, so a job fires within about that of its due time. */
  pollMs?: number;
  /** How long a claim holds without renewal. Default 5 s: a dead instance's jobs move on within pollMs + leaseMs. */
  leaseMs?: number;
  /** Jobs one instance runs at once. Default 16. */
  concurrency?: number;
  now?: () => number;
}

/** The job type of recurring work (see `every`), and the key prefix of its period markers (never a due time). */
const RECURRING = 'recurring';
const PERIOD_MARKER = '~period~';

/** Longest wait between failed runs of a job. */
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Runs the durable jobs of `jobs.ts`: claims due ones by compare-and-swap on their lease, renews the lease while a
 * handler runs, and reschedules a failed job with growing waits. Every instance runs one; they share the work.
 */
export class JobRunner {
  readonly owner = randomUUID();
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly running = new Map<string, Promise<void>>();
  /** Jobs claimed at scheduling for a run that has not started yet: `idle` waits for them too. */
  private readonly claimedForRun = new Map<string, () => void>();
  /** Recurring work by name, with its period. */
  private readonly recurring = new Map<string, { everyMs: number; run: () => Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 5000;
    this.concurrency = options.concurrency ?? 16;
    this.now = options.now ?? Date.now;
  }

  /**
   * Records a job due at `due`. With `claim`, this instance holds it from the start and must run it with `run`:
   * for work that should start at once but must survive a crash before it does.
   */
  async schedule(name: string, due: Date, options: { claim?: boolean } = {}): Promise<string> {
    const key = jobKey(due, name);
    const record: JobRecord = { name, due: due.toISOString(), failures: 0, ...(options.claim ? { lease: this.lease() } : {}) };
    if (options.claim) {
      const started = new Promise<void>((resolve) => this.claimedForRun.set(key, resolve));
      this.running.set(key, started);
    }
    try {
      await this.options.store.update(key, (current) => current ?? record);
    } catch (error) {
      this.claimedForRun.get(key)?.();
      this.claimedForRun.delete(key);
      this.running.delete(key);
      throw error;
    }
    return key;
  }

  /**
   * Runs `run` once per period of `everyMs` on whichever instance gets there first, starting with the current period.
   * Periods are aligned to the clock, so every instance names the same job for the same period (one record, created if
   * absent), and a period marker taken by compare-and-swap makes a period's run happen once even when instances start
   * at different times.
   */
  async every(name: string, everyMs: number, run: () => Promise<void>): Promise<void> {
    this.recurring.set(name, { everyMs, run });
    const period = Math.floor(this.now() / everyMs) * everyMs;
    await this.options.store.update(jobKey(new Date(period), `${RECURRING}:${name}`, RECURRING), (current) => current ?? { name: `${RECURRING}:${name}`, due: new Date(period).toISOString(), failures: 0 });
  }

  /** Runs a job this instance claimed with `schedule(..., { claim: true })`, in the background. */
  run(key: string): void {
    const started = this.claimedForRun.get(key);
    this.claimedForRun.delete(key);
    this.start(key);
    started?.();
  }

  /** Removes a job that has not started (one being run by an instance is left to finish). */
  async cancel(key: string): Promise<void> {
    await this.options.store.update(key, (current) => (current?.lease && Date.parse(current.lease.until) > this.now() ? current : undefined));
  }

  /** Starts looking for due jobs every `pollMs`. */
  startPolling(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.ticking = this.tick()
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'looking for due jobs failed; trying again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    loop();
  }

  /** Stops polling and waits for the jobs under way; their leases lapse if they never finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await this.idle();
  }

  /** Resolves when no job started by this instance is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** One look for due jobs: claims and starts as many as there is room for. */
  async tick(): Promise<void> {
    const now = this.now();
    const due: string[] = [];
    for await (const key of this.options.store.keys()) if (dueOfKey(key) <= now && !this.running.has(key)) due.push(key);
    due.sort();
    for (const key of due) {
      if (this.stopped || this.running.size >= this.concurrency) return;
      const claimed = await this.claim(key);
      if (claimed) this.start(key, claimed);
    }
  }

  private lease(): { owner: string; until: string } {
    return { owner: this.owner, until: new Date(this.now() + this.leaseMs).toISOString() };
  }

  /** Takes the job if nobody holds a live lease on it; resolves to the claimed record, or undefined. */
  private async claim(key: string): Promise<JobRecord | undefined> {
    const lease = this.lease();
    const stored = await this.options.store.update(key, (current) => {
      if (current === undefined) return current;
      if (current.lease && current.lease.owner !== this.owner && Date.parse(current.lease.until) > this.now()) return current;
      return { ...current, lease };
    });
    return stored?.lease?.owner === this.owner && stored.lease.until === lease.until ? stored : undefined;
  }

  /** Runs the job in the background; `claimed` is its record as claimed, or it is read first. */
  private start(key: string, claimed?: JobRecord): void {
    const work = this.execute(key, claimed)
      .catch((error: unknown) => this.options.log.error({ err: error, job: key }, 'job bookkeeping failed; its lease will lapse and it runs again'))
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
  }

  private async execute(key: string, claimed?: JobRecord): Promise<void> {
    const record = claimed ?? (await this.options.store.get(key));
    if (record === undefined) return;
    const [type, ...rest] = record.name.split(':');
    const handler = type === RECURRING ? (name: string) => this.runPeriod(name, record) : this.options.handlers[type ?? ''];
    if (!handler) {
      this.options.log.warn({ job: record.name }, 'a job of a type this Rally does not know was dropped');
      await this.finish(key, DONE, record);
      return;
    }
    const renewal = setInterval(() => void this.renew(key), Math.max(10, Math.floor(this.leaseMs / 3)));
    let outcome: JobOutcome;
    try {
      outcome = await handler(rest.join(':'), record);
    } catch (error) {
      outcome = this.afterFailure(error, record);
    } finally {
      clearInterval(renewal);
    }
    await this.finish(key, outcome, record);
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
    return { runAgainAt: new Date(this.now() + wait) };
  }

  /** One period of recurring work: done unless this period already ran; then the next period's job. */
  private async runPeriod(name: string, record: JobRecord): Promise<JobOutcome> {
    const recurring = this.recurring.get(name);
    if (!recurring) return DONE;
    // A retry after a failure runs later than its period began: the period is the one the run was due in.
    const period = Math.floor(Date.parse(record.due) / recurring.everyMs) * recurring.everyMs;
    const marker = `${PERIOD_MARKER}${name}`;
    const last = await this.options.store.get(marker);
    if (last === undefined || Date.parse(last.due) < period) {
      await recurring.run();
      // Marked only once done, so a run that failed is retried rather than skipped.
      await this.options.store.update(marker, (current) => (current && Date.parse(current.due) >= period ? current : { name, due: new Date(period).toISOString(), failures: 0 }));
    }
    return { runAgainAt: new Date(period + recurring.everyMs) };
  }

  /** Keeps the claim while the handler runs, so no other instance starts the same job. */
  private async renew(key: string): Promise<void> {
    try {
      await this.options.store.update(key, (current) => (current?.lease?.owner === this.owner ? { ...current, lease: this.lease() } : current));
    } catch (error) {
      this.options.log.debug({ err: error, job: key }, 'could not renew a job lease');
    }
  }

  /** Removes the job, first recording its next run when it asked for one (a crash in between runs it twice, not never). */
  private async finish(key: string, outcome: JobOutcome, record: JobRecord): Promise<void> {
    if ('runAgainAt' in outcome) {
      const next: JobRecord = { name: record.name, due: outcome.runAgainAt.toISOString(), failures: record.failures };
      const unique = record.name.startsWith(`${RECURRING}:`) ? RECURRING : undefined;
      await this.options.store.update(jobKey(outcome.runAgainAt, record.name, unique), (current) => current ?? next);
    }
    await this.options.store.update(key, (current) => (current?.lease?.owner === this.owner ? undefined : current));
  }
}
