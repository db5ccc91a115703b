import type { TurnContext } from 'botbuilder';
import type { CallChange, CallRecord } from '../calling/records/callRecord.js';
import type { Report } from '../calling/notifications/notificationProcessor.js';
import type { OperationRecord } from '../calling/records/operationRecord.js';
import type { Logger } from '../log/logger.js';
import { KeyedMutex } from '../storage/keyedMutex.js';
import { inviteeName } from './callCardView.js';
import type { CallCards } from './callCards.js';
import type { Chats } from './chats.js';

export interface ChatReporterOptions {
  chats: Chats;
  cards: CallCards;
  /** Reads the newest record, so a late report never puts an older card back. */
  currentCall: (callId: string) => Promise<CallRecord | undefined>;
  log: Logger;
}

/**
 * Tells chats what notifications changed: updates the call's card in place and posts one line per outcome that a
 * person should hear about. Reports for one call are posted one at a time, in order.
 */
export class ChatReporter {
  private readonly perCall = new KeyedMutex();

  constructor(private readonly options: ChatReporterOptions) {}

  async report(reports: readonly Report[]): Promise<void> {
    for (const report of reports) {
      if (report.kind === 'ignored') {
        this.options.log.debug({ reason: report.reason, detail: report.detail }, 'notification not reported');
        continue;
      }
      try {
        if (report.kind === 'call') await this.perCall.run(report.callId, () => this.reportCall(report.chatKey, report.callId, report.changes));
        else await this.options.chats.post(report.chatKey, async (context) => this.sendLines(context, operationLines(report.operation)));
      } catch (error) {
        this.options.log.error({ err: error, chatKey: report.chatKey }, 'could not report to the chat');
      }
    }
  }

  /** Posts one line into a chat (for outcomes that are not notifications, such as a failed escalation step). */
  async tell(chatKey: string, line: string): Promise<void> {
    await this.options.chats.post(chatKey, async (context) => this.sendLines(context, [line]));
  }

  private async reportCall(chatKey: string, callId: string, changes: readonly CallChange[]): Promise<void> {
    const call = await this.options.currentCall(callId);
    if (!call) return;
    const lines = callReportLines(call, changes);
    await this.options.chats.post(chatKey, async (context) => {
      await this.options.cards.update(context, call);
      await this.sendLines(context, lines);
    });
  }

  private async sendLines(context: TurnContext, lines: readonly string[]): Promise<void> {
    for (const line of lines) await context.sendActivity(line);
  }

}

/**
 * One line per outcome, without saying a thing twice: a one-to-one call that ends because the person declined is
 * reported by the decline, and a call that moved into a group call by the move.
 */
function callReportLines(call: CallRecord, changes: readonly CallChange[]): string[] {
  const saidWhy = changes.some(
    (c) => c.kind === 'movedIntoGroupCall' || (c.kind === 'inviteeUpdated' && (c.invitee.outcome === 'declined' || c.invitee.outcome === 'failed')),
  );
  return changes.flatMap((change) => {
    if (change.kind === 'ended' && (call.replacedBy !== undefined || saidWhy)) {
      return call.replacedBy !== undefined ? [] : [`${call.handle ?? 'The call'} ended.`];
    }
    return callLines(call, change);
  });
}

function callLines(call: CallRecord, change: CallChange): string[] {
  const name = call.handle ?? 'The call';
  switch (change.kind) {
    case 'ended':
      return [`${name} ended. ${change.reason}`];
    case 'movedIntoGroupCall':
      return [`${name} moved into group call ${change.groupCallHandle ?? ''}`.trimEnd() + '.'];
    case 'inviteeUpdated': {
      const who = inviteeName(change.invitee);
      if (change.invitee.outcome === 'declined') return [`${who} declined ${name}.${change.invitee.reason ? ` ${change.invitee.reason}` : ''}`];
      if (change.invitee.outcome === 'failed') return [`${who} could not join ${name}. ${change.invitee.reason ?? ''}`.trimEnd()];
      return [];
    }
    default:
      return [];
  }
}

function operationLines(operation: OperationRecord): string[] {
  const who = operation.participants.map((target) => inviteeName({ target })).join(', ');
  if (operation.status === 'completed') {
    if (operation.kind === 'escalate') return [`${who} moved into the group call.`];
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
