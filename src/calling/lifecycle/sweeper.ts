// Retention: removes what Rally stores once it has served its purpose, so storage does not grow with every call ever
// made. Each rule names a kind of record and when one has expired; the sweep lists the kind by prefix and deletes each
// expired record by compare-and-swap (a record written meanwhile is re-judged, never lost), so it never races a write
// and a crash midway leaves only what the next sweep removes.
import type { Logger } from '../../log/logger.js';
import type { RecurringWork } from '../jobs/jobPoller.js';
import type { RecordStore } from '../records/recordStore.js';

export interface RetentionRule<T> {
  /** For the log. */
  name: string;
  store: RecordStore<T>;
  /** Gathers what `expired` needs to know about other records (which chats have a live call), once per sweep. */
  prepare?: () => Promise<void>;
  /** Whether the record may go now. Pure: it runs again inside the compare-and-swap. */
  expired: (record: T, key: string, now: number) => boolean;
  /**
   * A record kept because work on it is still owed, whose own job to do that work was never recorded (its writer died
   * before it could): the sweep reads every record anyway, so it hands such a one back to its keeper, and keeps it
   * for that work however old it is. `stranded` is pure; `rescue` must be safe to run again (the next sweep finds the
   * record once more if the work has not settled it by then).
   */
  stranded?: { is: (record: T, now: number) => boolean; rescue: (record: T) => Promise<void> };
}

export interface SweeperOptions {
  /** Applied in order: a rule may depend on what an earlier one removed. */
  rules: RetentionRule<unknown>[];
  /** Removes store-level leftovers (the file store's temp files), where the store leaves any. */
  store?: { sweepLeftovers?(): Promise<void> };
  log: Pick<Logger, 'info' | 'warn'>;
  /** How often a sweep runs (once per period, on whichever instance gets there first). */
  everyMs: number;
  now?: () => number;
}

export class Sweeper {
  constructor(private readonly options: SweeperOptions) {}

  get recurring(): Record<string, RecurringWork> {
    return { sweep: { everyMs: this.options.everyMs, run: async () => void (await this.sweep()) } };
  }

  /** One sweep over every rule; resolves to how many records it removed per rule. */
  async sweep(): Promise<Record<string, number>> {
    const now = (this.options.now ?? Date.now)();
    const removed: Record<string, number> = {};
    for (const rule of this.options.rules) {
      await rule.prepare?.();
      let count = 0;
      for await (const key of rule.store.keys()) {
        const record = await rule.store.get(key);
        if (record === undefined) continue;
        if (rule.stranded?.is(record, now)) {
          await rule.stranded.rescue(record);
          continue;
        }
        if (!rule.expired(record, key, now)) continue;
        let deleted = false;
        await rule.store.update(key, (current) => {
          deleted = current !== undefined && rule.expired(current, key, now);
          return deleted ? undefined : current;
        });
        if (deleted) count++;
      }
      removed[rule.name] = count;
    }
    await this.options.store?.sweepLeftovers?.();
    const total = Object.values(removed).reduce((a, b) => a + b, 0);
    if (total > 0) this.options.log.info({ removed }, 'retention sweep removed expired records');
    return removed;
  }
}

/** A rule over records of one type, in a list of rules over records of several. */
export function retentionRule<T>(rule: RetentionRule<T>): RetentionRule<unknown> {
  return rule as RetentionRule<unknown>;
}

/** The shorter of two retention periods (dedupe records and early notifications have caps of their own). */
export function atMost(retentionMs: number, capMs: number): number {
  return Math.min(retentionMs, capMs);
}
