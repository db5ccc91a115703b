// A call's card: drawn from the call record, one per call (see PostedCards).
import { createHash } from 'node:crypto';
import type { CallRecord, RecordStore } from '../calling/index.js';
import { renderCallCard } from './callCardView.js';
import { PostedCards } from './postedCards.js';
import type { CardRecord } from './postedCards.js';

export type CallCards = PostedCards<CallRecord>;

/** `peoplePicker`: whether the Teams client can show the Graph people picker on cards (the Agents Playground cannot). */
export function callCards(store: RecordStore<CardRecord>, peoplePicker: boolean): CallCards {
  return new PostedCards<CallRecord>({
    store,
    keyOf: (call) => call.callId,
    render: (call, t) => renderCallCard(call, { pickerSupported: peoplePicker, revision: cardRevision(call) }, t),
  });
}

/** Changes whenever the record does, so a button pressed twice on one version of the card acts once. */
export function cardRevision(call: CallRecord): string {
  return createHash('sha256').update(JSON.stringify(call)).digest('hex').slice(0, 16);
}
