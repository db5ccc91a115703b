// A CloudAdapter for the chat surface's proactive turns, without the Bot Connector: continueConversationAsync runs the
// logic in a TurnContext addressed by the reference (as CloudAdapter's processProactive does, through the same
// middleware pipeline and onTurnError), and keeps what it was asked to continue, send and update.
import { ActivityEventNames, ActivityTypes, CloudAdapter, TurnContext } from 'botbuilder';
import type { Activity, ConversationReference, ResourceResponse } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';

export interface Continued {
  botAppId: string | ClaimsIdentity;
  /** A copy of the reference the turn was continued with. */
  reference: Partial<ConversationReference>;
}

/** What the adapter did for the turns it ran, in order: a post (with the id Teams gave it) or an update in place. */
export type Delivery = { kind: 'sent'; id: string; activity: Partial<Activity> } | { kind: 'updated'; activity: Partial<Activity> };

export class ProactiveAdapter extends CloudAdapter {
  readonly continued: Continued[] = [];
  readonly deliveries: Delivery[] = [];
  /** When set, the Bot Connector refuses every send and update with it. */
  connectorFailure: Error | undefined;
  private nextId = 1;

  override async continueConversationAsync(
    botAppIdOrClaimsIdentity: string | ClaimsIdentity,
    reference: Partial<ConversationReference>,
    logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
    maybeLogic?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (logic === undefined) throw new TypeError('continueConversationAsync needs the logic to run');
    this.continued.push({ botAppId: botAppIdOrClaimsIdentity, reference: structuredClone(reference) });
    const continuation = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: ActivityEventNames.ContinueConversation },
      reference,
      true,
    );
    await this.runMiddleware(new TurnContext(this, continuation), logic);
  }

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    if (this.connectorFailure) throw this.connectorFailure;
    return activities.map((activity) => {
      const id = `activity-${this.nextId++}`;
      this.deliveries.push({ kind: 'sent', id, activity });
      return { id };
    });
  }

  override async updateActivity(_context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    if (this.connectorFailure) throw this.connectorFailure;
    this.deliveries.push({ kind: 'updated', activity });
  }

  /** The text of every plain line sent, in order. */
  lines(): string[] {
    return this.deliveries.flatMap((d) => (d.kind === 'sent' && d.activity.attachments === undefined ? [String(d.activity.text)] : []));
  }
}
