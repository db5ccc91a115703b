// One card per call and one per page: posting it once, and updating it in place wherever Rally posted it. Both the
// bot (answers to commands) and the reporter (notifications, page steps) go through here.
import { randomUUID } from 'node:crypto';
import { ActivityTypes, CardFactory } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import type { RecordStore } from '../calling/records/recordStore.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

/** The message that shows a call or a page, or (no `activityId` yet) a claim to post it. */
export interface CardRecord {
  activityId?: string;
  /** When the card was posted (ISO 8601). */
  postedAt?: string;
  /** Who is posting the card now, since when (ISO 8601): a redelivered turn or a second instance then updates it instead. */
  claim?: { by: string; at: string };
}

/** A claim to post a card that was never completed (its poster died) may be taken over after this. */
const CLAIM_LAPSES_MS = 30_000;

export interface PostedCardsOptions<T> {
  /** By `keyOf`: the message that holds the card. */
  store: RecordStore<CardRecord>;
  keyOf(item: T): string;
  render(item: T): AdaptiveCardJson;
}

export class PostedCards<T> {
  constructor(private readonly options: PostedCardsOptions<T>) {}

  render(item: T): AdaptiveCardJson {
    return this.options.render(item);
  }

  /**
   * Posts the item's one card, which later updates go to. When it has its card already (a redelivered turn, a
   * second instance, or a report racing the turn), that card is updated instead: one card per call or page.
   */
  async post(context: TurnContext, item: T): Promise<'posted' | 'updated'> {
    const key = this.options.keyOf(item);
    const claim = { by: randomUUID(), at: new Date().toISOString() };
    const slot = await this.options.store.update(key, (current) => {
      const lapsed = current?.activityId === undefined && Date.now() - Date.parse(current?.claim?.at ?? '') > CLAIM_LAPSES_MS;
      return current === undefined || lapsed ? { claim } : current;
    });
    if (slot?.claim?.by !== claim.by) {
      await this.update(context, item);
      return 'updated';
    }
    const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.render(item))] });
    if (sent?.id) {
      const activityId = sent.id;
      await this.options.store.update(key, () => ({ activityId, postedAt: new Date().toISOString() }));
    }
    return 'posted';
  }

  /** Shows `item` on its tracked card, if it has one; `context` must be a turn (or proactive turn) in its chat. */
  async update(context: TurnContext, item: T): Promise<void> {
    const card = await this.options.store.get(this.options.keyOf(item));
    if (!card?.activityId) return;
    await context.updateActivity({ type: ActivityTypes.Message, id: card.activityId, attachments: [CardFactory.adaptiveCard(this.render(item))] });
  }
}
