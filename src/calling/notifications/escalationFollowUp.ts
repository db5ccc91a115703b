// The second step of an escalation, driven by notifications: once the group call a chat started with `escalate` is
// established, the peer-to-peer party is moved in (CallDesk.continueEscalation). This says which steps could not be
// taken, for the edge to tell the chat.
import type { CallDesk } from '../callDesk.js';
import { userMessageOf } from '../../errors/rallyError.js';
import type { Report } from './notificationProcessor.js';

export interface EscalationFailure {
  chatKey: string;
  callId: string;
  /** One sentence for the chat. */
  message: string;
  error: unknown;
}

export async function continueEscalations(reports: readonly Report[], desk: Pick<CallDesk, 'continueEscalation'>): Promise<EscalationFailure[]> {
  const failures: EscalationFailure[] = [];
  for (const report of reports) {
    if (report.kind !== 'call' || !report.record.pendingEscalation) continue;
    try {
      await desk.continueEscalation(report.record);
    } catch (error) {
      const target = report.record.handle ?? 'the group call';
      failures.push({
        chatKey: report.chatKey,
        callId: report.callId,
        message: `Could not move the one-to-one call into ${target}. ${userMessageOf(error, 'Please try "escalate" again.')}`,
        error,
      });
    }
  }
  return failures;
}
