// What enqueues and claims durable jobs (jobs.ts): every service that starts timed or crash-proof work is given this
// in its constructor. Running them is the JobPoller's, built last with every service's handlers: a job claimed here
// to run at once is handed over to it, so no service needs the poller and the poller needs no service until it starts.
import { randomUUID } from 'node:crypto';
import { dueOfKey, jobKey } from './jobs.js';
import type { JobOutcome, JobRecord, JobStore } from './jobs.js';

export interface JobSchedulerOptions {
  store: JobStore;
  /** How long a claim holds without renewal. Default 3 s: a dead instance's jobs move on within the idle poll and this. */
  leaseMs?: number;
  now?: () => number;
}

/** The key prefix of recurring work's period records (never a due time, so no look for due jobs takes them). */
const PERIOD_MARKER = '~period~';

export class JobScheduler {
  readonly owner = randomUUID();
  readonly leaseMs: number;
  readonly now: () => number;
  /** Jobs claimed here to run at once, in order, until the poller takes them. */
  private readonly handedOver: string[] = [];
  /**
   * Jobs claimed at scheduling whose run has not been handed over yet, each with what resolves its promise: no look
   * for due jobs takes them, and the poller's `idle` waits for them too.
   */
  private readonly claiming = new Map<string, { handedOver: Promise<void>; settle: () => void }>();
  private wake: ((due: number) => void) | undefined;

  constructor(private readonly options: JobSchedulerOptions) {
    this.leaseMs = options.leaseMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  get store(): JobStore {
    return this.options.store;
  }

  /**
   * Records a job due at `due`. With `claim`, this instance holds it from the start and hands it over with `runNow`:
   * for work that should start at once but must survive a crash before it does.
   */
  async schedule(name: string, due: Date, options: { claim?: boolean } = {}): Promise<string> {
    const key = jobKey(due, name);
    const record: JobRecord = { name, due: due.toISOString(), failures: 0, ...(options.claim ? { lease: this.lease() } : {}) };
    if (options.claim) {
      let settle!: () => void;
      const handedOver = new Promise<void>((resolve) => (settle = resolve));
      this.claiming.set(key, { handedOver, settle });
    }
    try {
      // A job's key is new by construction (its due time and a random part).
      await this.options.store.update(key, (current) => current ?? record, { likelyAbsent: true });
    } catch (error) {
      this.settle(key);
      throw error;
    }
    if (!options.claim) this.wake?.(due.getTime());
    return key;
  }

  /** Hands a job this instance claimed with `schedule(..., { claim: true })` to the poller, to run in the background. */
  runNow(key: string): void {
    this.handedOver.push(key);
    this.settle(key);
    this.wake?.(this.now());
  }

  /** Removes a job that has not started (one being run by an instance is left to finish). */
  async cancel(key: string): Promise<void> {
    await this.options.store.update(key, (current) => (current?.lease && Date.parse(current.lease.until) > this.now() ? current : undefined));
  }

  /** The jobs handed over since the last call, oldest first. */
  takeHandedOver(): string[] {
    return this.handedOver.splice(0);
  }

  /** Runs `wake` with its due time whenever there is new work here (a job handed over, or one scheduled here). */
  onWork(wake: (due: number) => void): void {
    this.wake = wake;
  }

  /** Resolves once every job claimed at scheduling has been handed over (or its scheduling failed). */
  async claimsHandedOver(): Promise<void> {
    while (this.claiming.size > 0) await Promise.allSettled([...this.claiming.values()].map((c) => c.handedOver));
  }

  /**
   * The keys of jobs due by now that are not in `except`, oldest first, and when the next of the others is due: one
   * listing, since a job's key leads with its due time.
   */
  async dueKeys(except: ReadonlyMap<string, unknown>): Promise<{ due: string[]; nextDue?: number }> {
    const now = this.now();
    const due: string[] = [];
    let nextDue: number | undefined;
    for await (const key of this.options.store.keys()) {
      const at = dueOfKey(key);
      if (Number.isNaN(at) || except.has(key) || this.claiming.has(key)) continue;
      if (at <= now) due.push(key);
      else if (nextDue === undefined || at < nextDue) nextDue = at;
    }
    return { due: due.sort(), ...(nextDue === undefined ? {} : { nextDue }) };
  }

  /** Takes the job if nobody holds a live lease on it; resolves to the claimed record, or undefined. */
  async claim(key: string): Promise<JobRecord | undefined> {
    const lease = this.lease();
    const stored = await this.options.store.update(key, (current) => {
      if (current === undefined) return current;
      if (current.lease && current.lease.owner !== this.owner && Date.parse(current.lease.until) > this.now()) return current;
      return { ...current, lease };
    });
    return stored?.lease?.owner === this.owner && stored.lease.until === lease.until ? stored : undefined;
  }

  /** Keeps the claim while the job runs, so no other instance starts the same job. */
  async renew(key: string): Promise<void> {
    await this.options.store.update(key, (current) => (current?.lease?.owner === this.owner ? { ...current, lease: this.lease() } : current));
  }

  /** Removes the job, first recording its next run when it asked for one (a crash in between runs it twice, not never). */
  async finish(key: string, outcome: JobOutcome, record: JobRecord): Promise<void> {
    if ('runAgainAt' in outcome) {
      const next: JobRecord = { name: record.name, due: outcome.runAgainAt.toISOString(), failures: record.failures };
      await this.options.store.update(jobKey(outcome.runAgainAt, record.name), (current) => current ?? next, { likelyAbsent: true });
    }
    await this.options.store.update(key, (current) => (current?.lease?.owner === this.owner ? undefined : current));
  }

  /**
   * Claims period `period` of recurring work `name` for this instance: true when no instance has taken it yet. One
   * record per work, its period moved on by compare-and-swap: a period runs once, wherever it starts first.
   */
  async claimPeriod(name: string, period: number): Promise<boolean> {
    let claimed = false;
    await this.options.store.update(`${PERIOD_MARKER}${name}`, (current) => {
      claimed = current === undefined || Date.parse(current.due) < period;
      return claimed ? { name, due: new Date(period).toISOString(), failures: 0 } : current;
    });
    return claimed;
  }

  /** Gives a claimed period back (its run failed), so that it is tried again, here or by another instance. */
  async releasePeriod(name: string, period: number): Promise<void> {
    await this.options.store.update(`${PERIOD_MARKER}${name}`, (current) => (current && Date.parse(current.due) === period ? undefined : current));
  }

  private settle(key: string): void {
    this.claiming.get(key)?.settle();
    this.claiming.delete(key);
  }

  private lease(): { owner: string; until: string } {
    return { owner: this.owner, until: new Date(this.now() + this.leaseMs).toISOString() };
  }
}

