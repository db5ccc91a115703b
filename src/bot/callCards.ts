// One card per call: rendering it from the call record, posting it, and updating it in place wherever Rally has
// posted it. Both the bot (answers to commands) and the reporter (notifications) go through here.
import { createHash } from 'node:crypto';
import { ActivityTypes, CardFactory } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import type { CallRecord } from '../calling/records/callRecord.js';
import type { RecordStore } from '../calling/records/recordStore.js';
import { renderCallCard } from './callCardView.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

export interface CallCardsOptions {
  /** By call id: the message that holds the call's card. */
  store: RecordStore<{ activityId: string }>;
  /** Whether the Teams client can show the Graph people picker on cards (the Agents Playground cannot). */
  peoplePicker: boolean;
}

export class CallCards {
  constructor(private readonly options: CallCardsOptions) {}

  render(call: CallRecord): AdaptiveCardJson {
    return renderCallCard(call, { pickerSupported: this.options.peoplePicker, revision: cardRevision(call) });
  }

  /** Posts the call's card into the turn's chat; a tracked card is the one later updates go to. */
  async post(context: TurnContext, call: CallRecord, track: boolean): Promise<void> {
    const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.render(call))] });
    if (track && sent?.id) {
      const activityId = sent.id;
      await this.options.store.update(call.callId, () => ({ activityId }));
    }
  }

  /** Shows `call` on its tracked card, if it has one; `context` must be a turn (or proactive turn) in the call's chat. */
  async update(context: TurnContext, call: CallRecord): Promise<void> {
    const card = await this.options.store.get(call.callId);
    if (!card) return;
    await context.updateActivity({ type: ActivityTypes.Message, id: card.activityId, attachments: [CardFactory.adaptiveCard(this.render(call))] });
  }
}

/** Changes whenever the record does, so a button pressed twice on one version of the card acts once. */
export function cardRevision(call: CallRecord): string {
  return createHash('sha256').update(JSON.stringify(call)).digest('hex').slice(0, 16);
}
