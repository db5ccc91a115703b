// How long a page is kept: once it has ended, for RALLY_RETENTION (its card's buttons and `status` need it until
// then); a page still paging is never removed while its ladder can still be running.
import { retentionRule } from '../lifecycle/sweeper.js';
import type { RetentionRule } from '../lifecycle/sweeper.js';
import type { RecordStore } from '../records/recordStore.js';
import { MAX_PAGE_STEPS } from './pageRecord.js';
import type { PageRecord } from './pageRecord.js';
import { MAX_PAGE_WAIT_MS } from './pager.js';

/** The longest a ladder can ring, every step waiting its longest: a page paging past that is stuck, and expires too. */
const LONGEST_LADDER_MS = MAX_PAGE_STEPS * MAX_PAGE_WAIT_MS;

export function pageRetentionRules(pages: RecordStore<PageRecord>, retentionMs: number): RetentionRule<unknown>[] {
  return [
    retentionRule<PageRecord>({
      name: 'pages',
      store: pages,
      expired: (page, _key, now) => Date.parse(page.endedAt ?? page.createdAt) + retentionMs + (page.endedAt ? 0 : LONGEST_LADDER_MS) <= now,
    }),
  ];
}
