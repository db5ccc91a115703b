// One card per call and one per page: posting it once, and updating it in place wherever Rally posted it. Both the
// bot (answers to commands) and the reporter (notifications, page steps) go through here.
//
// A post is claimed before it is sent and its activity id recorded once Teams answers. An instance that dies in
// between leaves a claim with no id: once the claim lapses, the next report about the item posts the card afresh, and
// the copy whose id was lost heals itself, because every card asks Teams to refresh it (Universal Actions `refresh`)
// and any button pressed on it is answered with the current card.
import { randomUUID } from 'node:crypto';
import { ActivityTypes, CardFactory } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { NotYetError } from '../calling/index.js';
import type { RecordStore } from '../calling/index.js';
import { languageFields, translatorFor } from '../i18n/translator.js';
import type { RequestLanguage, Translator } from '../i18n/translator.js';
import type { AdaptiveCardJson } from './cardTemplates.js';
import { refreshAudience, turnLanguage } from './chats.js';

/** The message that shows a call or a page, or (no `activityId` yet) a claim to post it. */
export interface CardRecord {
  activityId?: string;
  /** When the card was posted (ISO 8601). */
  postedAt?: string;
  /** Who is posting the card now, since when (ISO 8601): a redelivered turn or a second instance then updates it instead. */
  claim?: { by: string; at: string };
  /**
   * The language and time zone the card was first posted in: every later drawing of it speaks them, whoever's turn (or
   * report) it is. A card recorded before Rally spoke other languages has none, and stays English.
   */
  locale?: string;
  timeZone?: string;
}

/**
 * A claim to post a card that has no activity id after this was cut short (its poster died), and may be taken over.
 * A post that was only slow then leaves a second copy, which the card's refresh keeps true.
 */
const CLAIM_LAPSES_MS = 10_000;
/** How soon a report waiting for another run's post looks again: that post usually lands within a second. */
const LOOK_AGAIN_MS = 1_000;
/** Teams refreshes a card by itself for at most 60 people (`refresh.userIds`). */
const REFRESH_USERS_LIMIT = 60;

export interface PostedCardsOptions<T> {
  /** By `keyOf`: the message that holds the card. */
  store: RecordStore<CardRecord>;
  keyOf(item: T): string;
  render(item: T, t: Translator): AdaptiveCardJson;
  now?: () => number;
}

export type PostOutcome = 'posted' | 'updated' | 'beingPosted';

export class PostedCards<T> {
  private readonly now: () => number;

  constructor(private readonly options: PostedCardsOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The card as Teams should show it in this turn's chat, in the language it was posted in (the turn's own, for an item
   * with no card yet), refreshing itself for the chat's people.
   */
  async render(context: TurnContext, item: T): Promise<AdaptiveCardJson> {
    const card = await this.options.store.peek(this.options.keyOf(item));
    return this.draw(context, item, card === undefined ? turnLanguage(context) : languageFields(card));
  }

  private draw(context: TurnContext, item: T, language: RequestLanguage): AdaptiveCardJson {
    const card = this.options.render(item, translatorFor(language));
    const refresh = card.refresh as { userIds?: string[] } | undefined;
    if (refresh) refresh.userIds = refreshAudience(context).slice(0, REFRESH_USERS_LIMIT);
    return card;
  }

  /**
   * Posts the item's one card, which later updates go to. When it has its card already (a redelivered turn, a
   * second instance, or a report racing the turn), that card is updated instead; while another run is posting it,
   * nothing is sent (`beingPosted`): one card per call or page.
   */
  async post(context: TurnContext, item: T): Promise<PostOutcome> {
    const key = this.options.keyOf(item);
    const claim = { by: randomUUID(), at: new Date(this.now()).toISOString() };
    const language = turnLanguage(context);
    const slot = await this.options.store.update(key, (current) => (current === undefined || this.lapsed(current) ? { claim, ...language } : current), { likelyAbsent: true });
    if (slot?.claim?.by !== claim.by) {
      if (slot?.activityId === undefined) return 'beingPosted';
      await this.send(context, slot, item);
      return 'updated';
    }
    const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.draw(context, item, language))] });
    if (sent?.id) {
      const posted: CardRecord = { activityId: sent.id, postedAt: new Date(this.now()).toISOString(), ...language };
      // Only while the claim is still this post's: a post taken over as dead has left a copy that heals by refresh.
      await this.options.store.update(key, (current) => (current?.claim?.by === claim.by ? posted : current));
    }
    return 'posted';
  }

  /** Shows `item` on its card if it has been posted; a turn that has no card to update leaves the card to its poster. */
  async update(context: TurnContext, item: T): Promise<void> {
    // A card's id, once recorded, never changes: what this process knows of it is as good as a read.
    const card = await this.options.store.peek(this.options.keyOf(item));
    if (card?.activityId) await this.send(context, card, item);
  }

  /**
   * Makes the item's card show it, for a report that must not be lost: updates the card, posts it when there is none
   * (or its poster died before recording it), and throws NotYetError while another run is still posting it, so the
   * report runs again rather than leaving the card stale.
   */
  async show(context: TurnContext, item: T): Promise<void> {
    const card = await this.options.store.peek(this.options.keyOf(item));
    if (card?.activityId) return this.send(context, card, item);
    if ((await this.post(context, item)) === 'beingPosted') throw new NotYetError(new Date(this.now() + LOOK_AGAIN_MS), 'another run is posting the card');
  }

  private lapsed(card: CardRecord): boolean {
    return card.activityId === undefined && this.now() - Date.parse(card.claim?.at ?? '') > CLAIM_LAPSES_MS;
  }

  private async send(context: TurnContext, card: CardRecord, item: T): Promise<void> {
    const content = this.draw(context, item, languageFields(card));
    await context.updateActivity({ type: ActivityTypes.Message, id: card.activityId, attachments: [CardFactory.adaptiveCard(content)] });
  }
}
