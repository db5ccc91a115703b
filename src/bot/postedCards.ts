// One card per call: rendering it from the call record, posting it, and updating it in place wherever Rally has
// posted it. Both the bot (answers to commands) and the reporter (notifications) go through here.
import { createHash, randomUUID } from 'node:crypto';
import { ActivityTypes, CardFactory } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import type { CallRecord } from '../calling/records/callRecord.js';
import type { RecordStore } from '../calling/records/recordStore.js';
import { renderCallCard } from './callCardView.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

/** The message that shows a call, or (no `activityId` yet) a claim to post it. */
export interface CallCardRecord {
  activityId?: string;
  /** When the card was posted (ISO 8601). */
  postedAt?: string;
  /** Who is posting the card now, since when (ISO 8601): a redelivered turn or a second instance then updates it instead. */
  claim?: { by: string; at: string };
}

/** A claim to post a card that was never completed (its poster died) may be taken over after this. */
const CLAIM_LAPSES_MS = 30_000;

export interface CallCardsOptions {
  /** By call id: the message that holds the call's card. */
  store: RecordStore<CallCardRecord>;
  /** Whether the Teams client can show the Graph people picker on cards (the Agents Playground cannot). */
  peoplePicker: boolean;
}

export class CallCards {
  constructor(private readonly options: CallCardsOptions) {}

  render(call: CallRecord): AdaptiveCardJson {
    return renderCallCard(call, { pickerSupported: this.options.peoplePicker, revision: cardRevision(call) });
  }

  /**
   * Posts the call's one card, which later updates go to. When the call has its card already (a redelivered turn, a
   * second instance, or a report racing the turn), that card is updated instead: one card per call.
   */
  async post(context: TurnContext, call: CallRecord): Promise<'posted' | 'updated'> {
    const claim = { by: randomUUID(), at: new Date().toISOString() };
    const slot = await this.options.store.update(call.callId, (current) => {
      const lapsed = current?.activityId === undefined && Date.now() - Date.parse(current?.claim?.at ?? '') > CLAIM_LAPSES_MS;
      return current === undefined || lapsed ? { claim } : current;
    });
    if (slot?.claim?.by !== claim.by) {
      await this.update(context, call);
      return 'updated';
    }
    const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.render(call))] });
    if (sent?.id) {
      const activityId = sent.id;
      await this.options.store.update(call.callId, () => ({ activityId, postedAt: new Date().toISOString() }));
    }
    return 'posted';
  }

  /** Shows `call` on its tracked card, if it has one; `context` must be a turn (or proactive turn) in the call's chat. */
  async update(context: TurnContext, call: CallRecord): Promise<void> {
    const card = await this.options.store.get(call.callId);
    if (!card?.activityId) return;
    await context.updateActivity({ type: ActivityTypes.Message, id: card.activityId, attachments: [CardFactory.adaptiveCard(this.render(call))] });
  }
}

/** Changes whenever the record does, so a button pressed twice on one version of the card acts once. */
export function cardRevision(call: CallRecord): string {
  return createHash('sha256').update(JSON.stringify(call)).digest('hex').slice(0, 16);
}
