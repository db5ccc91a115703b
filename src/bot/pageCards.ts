// A page's card: drawn from the page record, one per page (see PostedCards).
import type { PageRecord, RecordStore } from '../calling/index.js';
import { renderPageCard } from './pageCardView.js';
import { PostedCards } from './postedCards.js';
import type { CardRecord } from './postedCards.js';

export function pageCards(store: RecordStore<CardRecord>): PostedCards<PageRecord> {
  return new PostedCards<PageRecord>({ store, keyOf: (page) => page.id, render: renderPageCard });
}
