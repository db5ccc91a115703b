import type { TurnContext } from 'botbuilder';
import { isBareEnd } from '../calling/index.js';
import type { CallChange, CallNews, CallRecord, ChatReports, OperationRecord, PageRecord, StoredCall } from '../calling/index.js';
import type { Words } from '../i18n/sentence.js';
import { Translator } from '../i18n/translator.js';
import type { RequestLanguage } from '../i18n/translator.js';
import { inviteeName } from './callCardView.js';
import type { CallCards } from './callCards.js';
import type { Chats } from './chats.js';
import { outcomeLine } from './pageCardView.js';
import type { PostedCards } from './postedCards.js';

export interface ChatReporterOptions {
  chats: Chats;
  cards: CallCards;
  pageCards: PostedCards<PageRecord>;
}

/**
 * Tells a chat what happened to its call: updates the call's card in place (or posts it, for a call found through
 * its notifications) and posts one line per outcome that a person should hear about. The calling layer decides when,
 * and keeps the news until this resolves.
 */
export class ChatReporter implements ChatReports {
  constructor(private readonly options: ChatReporterOptions) {}

  async reportCall(call: StoredCall, news: readonly CallNews[]): Promise<void> {
    const changes = news.filter((n): n is CallChange => !STEP_NEWS.has(n.kind));
    const lines = [...callReportLines(call, changes), ...news.flatMap((n) => stepLines(call, n))];
    await this.options.chats.post(call.chatKey, async (context) => {
      await this.options.cards.show(context, call);
      await this.sendLines(context, lines);
    });
  }

  async reportPage(page: PageRecord, options: { outcome: boolean }): Promise<void> {
    const line = options.outcome ? outcomeLine(page) : undefined;
    await this.options.chats.post(page.chatKey, async (context) => {
      await this.options.pageCards.show(context, page);
      if (line !== undefined) await context.sendActivity(line);
    });
  }

  async tell(chatKey: string, line: Words, language: RequestLanguage): Promise<void> {
    await this.options.chats.post(chatKey, async (context) => this.sendLines(context, [new Translator(language).say(line)]));
  }

  private async sendLines(context: TurnContext, lines: readonly string[]): Promise<void> {
    for (const line of lines) await context.sendActivity(line);
  }
}

// The chat's lines are not translated yet: they speak English whatever the chat's language.
const CHAT_LINES = new Translator();

/**
 * One line per outcome, without saying a thing twice: a one-to-one call that ends because the person declined is
 * reported by the decline, a call that moved into a group call by the group call's line about who moved in, and an
 * end that Graph's refusal of someone's request revealed by the answer to that request.
 */
function callReportLines(call: CallRecord, changes: readonly CallChange[]): string[] {
  // Only the one person of a one-to-one call ends it by declining or failing to join; in a group call someone still
  // ringing is marked failed because the call ended, which says nothing of why it did.
  const oneToOne = call.kind === 'peerToPeer' || call.kind === 'pstn';
  const saidWhy = changes.some(
    (c) => c.kind === 'movedIntoGroupCall' || (oneToOne && c.kind === 'inviteeUpdated' && (c.invitee.outcome === 'declined' || c.invitee.outcome === 'failed')),
  );
  // The decline, or the group call's line about the move, already says why the call ended, and the card shows that it did.
  return changes.flatMap((change) => (change.kind === 'ended' && (call.replacedBy !== undefined || saidWhy || change.answered) ? [] : callLines(call, change)));
}

function callLines(call: CallRecord, change: CallChange): string[] {
  const name = call.handle ?? 'The call';
  switch (change.kind) {
    case 'ended':
      // "The call ended." says nothing more than "#3 ended.".
      return [isBareEnd(change.reason) ? `${name} ended.` : `${name} ended. ${CHAT_LINES.say(change.reason)}`];
    case 'inviteeUpdated': {
      const who = inviteeName(change.invitee);
      // Mid-sentence, a call without a handle is "the call".
      const named = call.handle ?? 'the call';
      const reason = change.invitee.reason === undefined ? undefined : CHAT_LINES.say(change.invitee.reason);
      if (change.invitee.outcome === 'declined') return [`${who} declined ${named}.${reason ? ` ${reason}` : ''}`];
      if (change.invitee.outcome === 'failed') return [`${who} could not join ${named}. ${reason ?? ''}`.trimEnd()];
      return [];
    }
    default:
      return [];
  }
}

/** News about a step Rally took on the call rather than about the call itself. */
const STEP_NEWS = new Set<CallNews['kind']>(['operationFinished', 'escalationFailed', 'escalationUnknown', 'hangUpFailed']);

function stepLines(call: CallRecord, news: CallNews): string[] {
  const into = call.handle ?? 'the group call';
  switch (news.kind) {
    case 'operationFinished':
      return operationLines(call, news.operation);
    case 'escalationFailed':
      return [`Could not move the one-to-one call into ${into}. ${CHAT_LINES.say(news.reason)}`];
    case 'hangUpFailed':
      return [`Could not hang up ${call.handle ?? 'the call'}, which you asked for while it was being confirmed. ${CHAT_LINES.say(news.reason)}`];
    case 'escalationUnknown':
      return [`Rally stopped while it was moving the one-to-one call into ${into}, so it cannot tell whether the move happened: the card of ${into} shows who is in it.`];
    default:
      return [];
  }
}

function operationLines(call: CallRecord, operation: OperationRecord): string[] {
  const who = operation.participants.map((target) => inviteeName({ target })).join(', ');
  if (operation.status === 'completed') {
    // An escalation's group call, or the meeting an accepted page brought someone into.
    if (operation.kind === 'escalate') return [`${who} moved into ${call.handle ?? 'the call'}.`];
    if (operation.kind === 'move') return [`${who} moved into the other meeting.`];
    return [`${who} joined the call.`];
  }
  if (operation.status === 'failed') {
    const verb = operation.kind === 'invite' ? 'add' : 'move';
    return [`Could not ${verb} ${who}. ${operationFailure(operation)}`];
  }
  return [];
}

function operationFailure(operation: OperationRecord): string {
  return operation.resultInfo?.message ? `Graph said: ${operation.resultInfo.message}` : 'Graph did not say why.';
}
