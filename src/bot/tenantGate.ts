// Activities from a tenant Rally does not serve get one refusal and nothing else: no command runs, and the chat is
// not remembered (so no notification is ever reported there).
import { ActivityTypes } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { isTenantAllowed } from '../calling/index.js';
import type { PolicySettings } from '../config/policySettings.js';
import { translatorFor } from '../i18n/translator.js';
import type { Logger } from '../log/logger.js';
import { turnLanguage } from './chats.js';

export type TurnHandler = (context: TurnContext) => Promise<void>;

/** The tenant a Teams activity comes from, where Teams puts it. */
export function tenantIdOf(context: TurnContext): string | undefined {
  const { activity } = context;
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/** Wraps the bot so that its turns only run for allowed tenants. */
export function tenantGate(policy: PolicySettings, log: Pick<Logger, 'warn'>, bot: { run: TurnHandler }): TurnHandler {
  if (Array.isArray(policy.allowedTenants) && policy.allowedTenants.length === 0) {
    log.warn('no tenant is allowed (ALLOWED_TENANTS and MicrosoftAppTenantId are unset): Rally refuses every chat');
  }
  return async (context) => {
    const tenantId = tenantIdOf(context);
    if (isTenantAllowed(policy, tenantId)) return bot.run(context);
    const { type } = context.activity;
    log.warn({ code: 'tenantNotAllowed', tenantId, requester: context.activity.from?.aadObjectId, activityType: type }, 'activity from a tenant not allowed');
    const refusal = translatorFor(turnLanguage(context)).t('chat.error.tenantNotAllowed');
    if (type === ActivityTypes.Message) {
      await context.sendActivity(refusal);
    } else if (type === ActivityTypes.Invoke) {
      // A card button waits for an invoke response; this one shows the sentence in place of the card, for the one who
      // pressed it. Nothing goes into the chat: Teams' own refreshes of a card are invokes too, and would each post it.
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: refusal } },
      });
    }
  };
}
