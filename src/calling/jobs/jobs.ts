// Rally's one timer mechanism: durable jobs that any instance may run. A job is a record whose key starts with its
// due time, so listing the keys tells which are due without reading them; an instance claims a due job by writing a
// lease into it (compare-and-swap), runs it, and deletes it. A claimed job whose instance died is taken over once its
// lease runs out. Handlers must be idempotent: a job may run twice (a lease lost mid-run, a crash before the delete).
import { randomUUID } from 'node:crypto';
import type { RecordStore } from '../records/recordStore.js';

export interface JobRecord {
  /** `<type>:<argument>`, e.g. `call:<callId>`; the type picks the handler. */
  name: string;
  /** ISO 8601. */
  due: string;
  /** Who runs it now, until when (ISO 8601). */
  lease?: { owner: string; until: string };
  /** Failed runs so far; each failure waits longer before the next. */
  failures: number;
}

/** What a handler asks for once it has run: nothing more, or to run again at a later time. */
export type JobOutcome = { done: true } | { runAgainAt: Date };

export type JobHandler = (argument: string, job: JobRecord) => Promise<JobOutcome>;

export const DONE: JobOutcome = { done: true };

/**
 * Thrown from deep inside a job (a chat report whose card another run is still posting) when it cannot be done yet
 * but is not failing: the job runs again at `at`, without counting a failure or logging a warning.
 */
export class NotYetError extends Error {
  constructor(readonly at: Date, reason: string) {
    super(reason);
    this.name = 'NotYetError';
  }
}

/** The due time leads the key, zero-padded, so keys sort by due time as text. */
export function jobKey(due: Date, name: string, unique = randomUUID().slice(0, 8)): string {
  return `${String(due.getTime()).padStart(15, '0')}~${unique}~${name}`;
}

export function dueOfKey(key: string): number {
  return Number(key.slice(0, 15));
}

export type JobStore = RecordStore<JobRecord>;
