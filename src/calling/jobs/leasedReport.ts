// Telling a chat what a record holds for it, at most one teller at a time across instances, and never losing news:
// a run takes a short lease in the record (compare-and-swap), tells the chat, and only then marks what it told as
// told, while it still holds the lease. A run that dies leaves news that the next run tells once the lease lapses;
// a run that took too long must not mark news another run told, nor news that came after.
import { randomUUID } from 'node:crypto';
import type { RecordStore } from '../records/recordStore.js';
import { DONE } from './jobs.js';
import type { JobOutcome } from './jobs.js';

export interface Leased {
  reporting?: { owner: string; until: string };
}

export interface LeasedReport<D, R extends D & Leased> {
  store: RecordStore<D>;
  key: string;
  /** The record to tell about, out of what is stored (undefined when there is none). */
  read(document: D | undefined): R | undefined;
  /** Whether `record` holds anything the chat has not been told. */
  hasNews(record: R): boolean;
  tell(record: R): Promise<void>;
  /** `current` once what `told` held has been told (more may have come meanwhile); without the lease. */
  told(current: R, told: R): R;
  leaseMs: number;
  now: () => Date;
}

export async function reportUnderLease<D, R extends D & Leased>(report: LeasedReport<D, R>): Promise<JobOutcome> {
  const { store, key, read } = report;
  // Per run, not per instance: two runs in one instance must not tell the chat the same news.
  const owner = randomUUID();
  const stillMine = (document: D | undefined) => read(document)?.reporting?.owner === owner;
  for (;;) {
    const now = report.now().getTime();
    const until = new Date(now + report.leaseMs).toISOString();
    const claimed = read(
      await store.update(key, (document) => {
        const record = read(document);
        if (!record || !report.hasNews(record)) return document;
        if (record.reporting && record.reporting.owner !== owner && Date.parse(record.reporting.until) > now) return document;
        return { ...record, reporting: { owner, until } };
      }),
    );
    if (!claimed || !report.hasNews(claimed)) return DONE;
    if (claimed.reporting?.owner !== owner || claimed.reporting.until !== until) {
      return { runAgainAt: new Date(Date.parse(claimed.reporting?.until ?? until)) };
    }
    try {
      await report.tell(claimed);
    } catch (error) {
      await store.update(key, (document) => {
        if (!stillMine(document)) return document;
        const { reporting: _released, ...record } = read(document)!;
        return record as R;
      });
      throw error;
    }
    // What the told write left says whether news came meanwhile: only then is there another round.
    const left = read(await store.update(key, (document) => (stillMine(document) ? report.told(read(document)!, claimed) : document)));
    if (!left || !report.hasNews(left)) return DONE;
  }
}
