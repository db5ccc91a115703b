import type { TurnContext } from 'botbuilder';
import { isBareEnd } from '../calling/index.js';
import type { CallChange, CallNews, CallRecord, ChatReports, OperationRecord, PageRecord, StoredCall } from '../calling/index.js';
import { sentence } from '../i18n/sentence.js';
import type { Sentence, Words } from '../i18n/sentence.js';
import { languageFields, translatorFor } from '../i18n/translator.js';
import type { RequestLanguage } from '../i18n/translator.js';
import { handleParam, inviteeName } from './callCardView.js';
import type { CallCards } from './callCards.js';
import { reportLanguage } from './chats.js';
import type { Chats } from './chats.js';
import { outcomeLine } from './pageCardView.js';
import type { PostedCards } from './postedCards.js';

export interface ChatReporterOptions {
  chats: Chats;
  cards: CallCards;
  pageCards: PostedCards<PageRecord>;
}

/**
 * A line to post, and the language of the request it is about: a call's lines are said as its call was asked for, an
 * invite's as the invite was, whoever asked for each.
 */
interface Line {
  words: Words;
  about: RequestLanguage;
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
      await sendLines(context, lines);
    });
  }

  async reportPage(page: PageRecord, options: { outcome: boolean }): Promise<void> {
    await this.options.chats.post(page.chatKey, async (context) => {
      await this.options.pageCards.show(context, page);
      const line = options.outcome ? outcomeLine(page, translatorFor(reportLanguage(context, page))) : undefined;
      if (line !== undefined) await context.sendActivity(line);
    });
  }

  async tell(chatKey: string, words: Words, language: RequestLanguage): Promise<void> {
    await this.options.chats.post(chatKey, async (context) => sendLines(context, [{ words, about: language }]));
  }
}

async function sendLines(context: TurnContext, lines: readonly Line[]): Promise<void> {
  for (const { words, about } of lines) await context.sendActivity(translatorFor(reportLanguage(context, about)).say(words));
}

/**
 * One line per outcome, without saying a thing twice: a one-to-one call that ends because the person declined is
 * reported by the decline, a call that moved into a group call by the group call's line about who moved in, and an
 * end that Graph's refusal of someone's request revealed by the answer to that request.
 */
function callReportLines(call: CallRecord, changes: readonly CallChange[]): Line[] {
  // Only the one person of a one-to-one call ends it by declining or failing to join; in a group call someone still
  // ringing is marked failed because the call ended, which says nothing of why it did.
  const oneToOne = call.kind === 'peerToPeer' || call.kind === 'pstn';
  const saidWhy = changes.some(
    (c) => c.kind === 'movedIntoGroupCall' || (oneToOne && c.kind === 'inviteeUpdated' && (c.invitee.outcome === 'declined' || c.invitee.outcome === 'failed')),
  );
  // The decline, or the group call's line about the move, already says why the call ended, and the card shows that it did.
  const about = languageFields(call);
  return changes.flatMap((change) => (change.kind === 'ended' && (call.replacedBy !== undefined || saidWhy || change.answered) ? [] : callLines(call, change)).map((words) => ({ words, about })));
}

function callLines(call: CallRecord, change: CallChange): Sentence[] {
  const handle = handleParam(call.handle);
  switch (change.kind) {
    case 'ended':
      // "The call ended." says nothing more than "#3 ended.".
      return [isBareEnd(change.reason) ? sentence('chat.call.ended', { call: handle }) : sentence('chat.call.endedBecause', { call: handle, reason: change.reason })];
    case 'inviteeUpdated': {
      const { outcome, reason } = change.invitee;
      const who = inviteeName(change.invitee);
      if (outcome === 'declined') return [reason ? sentence('chat.call.declinedBecause', { who, call: handle, reason }) : sentence('chat.call.declined', { who, call: handle })];
      if (outcome === 'failed') return [reason ? sentence('chat.call.couldNotJoinBecause', { who, call: handle, reason }) : sentence('chat.call.couldNotJoin', { who, call: handle })];
      return [];
    }
    default:
      return [];
  }
}

/** News about a step Rally took on the call rather than about the call itself. */
const STEP_NEWS = new Set<CallNews['kind']>(['operationFinished', 'escalationFailed', 'escalationUnknown', 'hangUpFailed']);

function stepLines(call: CallRecord, news: CallNews): Line[] {
  const about = languageFields(call);
  const handle = handleParam(call.handle);
  switch (news.kind) {
    case 'operationFinished':
      return operationLines(call, news.operation);
    case 'escalationFailed':
      return [{ words: sentence('chat.escalation.failed', { call: handle, reason: news.reason }), about }];
    case 'hangUpFailed':
      return [{ words: sentence('chat.hangup.failed', { call: handle, reason: news.reason }), about }];
    case 'escalationUnknown':
      return [{ words: sentence('chat.escalation.unknown', { call: handle }), about }];
    default:
      return [];
  }
}

/** What became of an invite, escalation or move, in the language it was asked for in. */
function operationLines(call: CallRecord, operation: OperationRecord): Line[] {
  const who = { list: operation.participants.map((target) => inviteeName({ target })) };
  const about = languageFields(operation);
  if (operation.status === 'completed') {
    // An escalation's group call, or the meeting an accepted page brought someone into.
    if (operation.kind === 'escalate') return [{ words: sentence('chat.operation.escalated', { who, call: handleParam(call.handle) }), about }];
    if (operation.kind === 'move') return [{ words: sentence('chat.operation.moved', { who }), about }];
    return [{ words: sentence('chat.operation.joined', { who }), about }];
  }
  // A ring cancelled before it was answered (SIP 487, "Request Terminated": Rally's own removal of a ringing invite, or
  // the call ending first) is told by the invitee's line, with its reason; Graph's "Request terminated." adds nothing.
  if (operation.status === 'failed' && operation.kind === 'invite' && operation.resultInfo?.code === RING_CANCELLED) return [];
  if (operation.status === 'failed') {
    return [{ words: sentence(operation.kind === 'invite' ? 'chat.operation.couldNotAdd' : 'chat.operation.couldNotMove', { who, reason: operationFailure(operation) }), about }];
  }
  return [];
}

const RING_CANCELLED = 487;

function operationFailure(operation: OperationRecord): Sentence {
  return operation.resultInfo?.message ? sentence('chat.graph.said', { message: operation.resultInfo.message }) : sentence('chat.graph.saidNothing');
}
