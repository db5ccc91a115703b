// An escalation's second step: once the new group call is established, the one-to-one party moves in (an invite
// with replacesCallId; an invite into a call still establishing fails), then the phone numbers named with them are
// invited (a group call starts by ringing users only).
import { languageFields } from '../../i18n/translator.js';
import { CallingApiError } from '../errors.js';
import { activityClientContext } from '../invites/invites.js';
import type { Invites } from '../invites/invites.js';
import { audited } from '../policy/auditTrail.js';
import type { AuditTrail } from '../policy/auditTrail.js';
import type { CallKeeper } from '../records/callKeeper.js';
import type { CallRecord, PendingEscalation } from '../records/callRecord.js';
import type { OperationRecord } from '../records/operationRecord.js';
import type { RecordStore } from '../records/recordStore.js';
import type { CallingService } from '../requests/callingService.js';
import type { ChatRequest, DeskJobs } from '../vocabulary.js';

export interface EscalationStepOptions {
  calls: CallKeeper;
  operations: RecordStore<OperationRecord>;
  invites: Pick<Invites, 'moveInto' | 'send'>;
  service: Pick<CallingService, 'invite'>;
  jobs: Pick<DeskJobs, 'followUpAt'>;
  /**
   * How long a run's claim on the step holds; past it, the run is taken to have died (its Graph requests have ended
   * by then) and another takes the step over. See Deadlines.escalationClaimMs. Default 35 seconds.
   */
  claimMs?: number;
  audit?: AuditTrail;
  now?: () => Date;
}

export class EscalationStep {
  private readonly now: () => Date;
  private readonly escalationClaimMs: number;

  constructor(private readonly options: EscalationStepOptions) {
    this.now = options.now ?? (() => new Date());
    this.escalationClaimMs = options.claimMs ?? 35_000;
  }

  /**
   * Second step of an escalation, when the group call is established. Does nothing when none is pending.
   * - One run at a time: a run claims the step by compare-and-swap on the group call ("sending") before it sends, so
   *   two notifications at once never send its invites twice.
   * - A run cut short (a crash, the store) leaves its claim; the follow-up scheduled with the claim takes the step
   *   over once the claim is older than `escalationClaimMs`.
   * - Each invite is recorded under a key of the group call before it leaves, so a takeover sends only what was never
   *   recorded, and never again what was (Graph has no idempotency key). When the move was recorded but Graph has said
   *   nothing of it, the chat hears that Rally cannot tell whether it happened.
   * - Graph's refusal ends the step too, and becomes news for the group call's chat in the same write.
   */
  async continue(groupCall: CallRecord): Promise<OperationRecord | undefined> {
    const pending = groupCall.pendingEscalation;
    if (pending === undefined || groupCall.state !== 'established') return undefined;
    const now = this.now();
    // A claim younger than escalationClaimMs is another run's, still at work.
    if (pending.sendingSince !== undefined && Date.parse(pending.sendingSince) + this.escalationClaimMs > now.getTime()) return undefined;
    // The look-again is recorded first: a crash right after the claim must not leave the step unseen.
    await this.options.jobs.followUpAt(groupCall.callId, new Date(now.getTime() + this.escalationClaimMs));
    if (!(await this.options.calls.claimEscalation(groupCall.callId, pending.sendingSince, now.toISOString()))) return undefined;
    return this.take(groupCall, pending);
  }

  private async take(groupCall: CallRecord, pending: PendingEscalation): Promise<OperationRecord | undefined> {
    const peerToPeer = await this.options.calls.get(pending.peerToPeerCallId);
    if (!peerToPeer?.invitees[0]) {
      await this.options.calls.escalationTaken(groupCall.callId);
      return undefined;
    }
    const activityKey = `escalation/${groupCall.callId}`;
    // The escalation is the request of whoever placed the group call, in their language.
    const request: ChatRequest = { chatKey: groupCall.chatKey, tenantId: groupCall.tenantId, requestedBy: groupCall.placedBy, ...languageFields(groupCall), activityKey };
    try {
      const movedBefore = await this.options.operations.get(activityClientContext(activityKey, 'escalate'));
      const operation = await this.options.invites.moveInto(request, groupCall, peerToPeer);
      const phones = pending.thenInvite ?? [];
      if (phones.length > 0) {
        await audited(this.options.audit, { audit: 'inviteSent', request, targets: phones, via: 'invite' }, (subject) => {
          subject.callId = groupCall.callId;
          return this.options.invites.send(request, groupCall, 'invite', phones, (clientContext) =>
            this.options.service.invite(groupCall.tenantId, groupCall.callId, phones, { clientContext }),
          );
        });
      }
      const unknown = movedBefore !== undefined && operation.status === 'running';
      await this.options.calls.escalationTaken(groupCall.callId, unknown ? { kind: 'escalationUnknown' } : undefined);
      return operation;
    } catch (error) {
      // Anything but Graph's answer (the store failing) leaves the step claimed, for the look-again to take over.
      if (!(error instanceof CallingApiError)) throw error;
      await this.options.calls.escalationTaken(groupCall.callId, { kind: 'escalationFailed', reason: error.sentence });
      return undefined;
    }
  }
}
