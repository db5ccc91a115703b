// Invitations into a call: recorded before they leave and never sent twice for one activity (Graph has no
// idempotency key), whatever became of Graph's answer. Plain invites, an escalation's move of the one-to-one party,
// a page's accepted person, and `move` between meetings all go out through here.
import { createHash } from 'node:crypto';
import { languageFields } from '../../i18n/translator.js';
import { CallingApiError } from '../errors.js';
import { settlingGone } from '../goneAtGraph.js';
import { audited } from '../policy/auditTrail.js';
import type { AuditTrail } from '../policy/auditTrail.js';
import type { CallKeeper } from '../records/callKeeper.js';
import type { CallRecord } from '../records/callRecord.js';
import { newOperationRecord } from '../records/operationRecord.js';
import type { OperationKind, OperationRecord } from '../records/operationRecord.js';
import type { RecordStore } from '../records/recordStore.js';
import type { CallingService, InviteSent } from '../requests/callingService.js';
import { randomClientContext } from '../requests/clientContext.js';
import type { NewClientContext } from '../requests/clientContext.js';
import type { CallTarget } from '../targets/people.js';
import type { ChatRequest, DeskJobs } from '../vocabulary.js';

export interface InvitesOptions {
  service: Pick<CallingService, 'escalate'>;
  calls: CallKeeper;
  operations: RecordStore<OperationRecord>;
  jobs: Pick<DeskJobs, 'followUp'>;
  audit?: AuditTrail;
  now?: () => Date;
  newClientContext?: NewClientContext;
}

export class Invites {
  private readonly now: () => Date;
  private readonly newClientContext: NewClientContext;

  constructor(private readonly options: InvitesOptions) {
    this.now = options.now ?? (() => new Date());
    this.newClientContext = options.newClientContext ?? randomClientContext;
  }

  /**
   * Moves the other party of a one-to-one call into `into`, a group call or meeting, ending the one-to-one call
   * (an invite with replacesCallId): an escalation's second step, and where an accepted page goes. The request's
   * activity key makes the invite's clientContext, so a step run again finds it recorded and sends nothing.
   */
  async moveInto(request: ChatRequest, into: CallRecord, oneToOne: CallRecord): Promise<OperationRecord> {
    const party = oneToOne.invitees[0]?.target;
    if (party === undefined) throw new Error(`call ${oneToOne.callId} has nobody to move`);
    const { operation } = await audited(this.options.audit, { audit: 'inviteSent', request, targets: [party], via: 'escalate' }, (subject) => {
      subject.callId = into.callId;
      return this.send(request, into, 'escalate', [party], (clientContext) =>
        this.options.service.escalate(into.tenantId, { groupCallId: into.callId, peerToPeerCallId: oneToOne.callId, party }, { clientContext }),
        oneToOne.callId,
      );
    });
    return operation;
  }

  /**
   * Sends an invite through `send`, recorded first (its operation, and its people shown ringing) under its clientContext:
   * a second delivery of the same activity finds it recorded and sends nothing.
   */
  async send(
    request: ChatRequest,
    call: CallRecord,
    kind: OperationKind,
    participants: readonly CallTarget[],
    send: (clientContext: string) => Promise<InviteSent>,
    replacesCallId?: string,
  ): Promise<{ call: CallRecord; operation: OperationRecord }> {
    // Recorded before the request leaves: Graph's result notification may arrive before its answer does. An activity's
    // invite has a clientContext of its own, so a redelivery (or a double click) finds it recorded and sends nothing.
    const clientContext = request.activityKey === undefined ? this.newClientContext() : activityClientContext(request.activityKey, kind);
    const operation = newOperationRecord({
      clientContext,
      callId: call.callId,
      tenantId: request.tenantId,
      chatKey: request.chatKey,
      kind,
      participants: [...participants],
      ...(replacesCallId === undefined ? {} : { replacesCallId }),
      requestedBy: request.requestedBy,
      ...languageFields(request),
      at: this.now().toISOString(),
    });
    let first = false;
    const recorded = await this.options.operations.update(clientContext, (current) => {
      first = current === undefined;
      return current ?? operation;
    }, { likelyAbsent: true });
    if (!first && recorded) return { call, operation: recorded };
    const updated = (await this.options.calls.ringing(call.callId, participants, clientContext)) ?? call;
    let sent: InviteSent;
    try {
      sent = await settlingGone(this.options.calls, this.options.jobs, this.now(), call.callId, () => send(clientContext));
    } catch (error) {
      // An invite that may have reached Graph keeps its record, so a redelivery of the activity never sends it again
      // (Graph has no idempotency key), and its result notification still finds the operation if Graph did send it.
      // The card drops those still shown ringing, which Rally no longer knows; a result that came first stays.
      const uncertain = error instanceof CallingApiError && error.uncertain;
      if (!uncertain) await this.options.operations.delete(clientContext);
      await this.options.calls.inviteLost(call.callId, clientContext, uncertain);
      throw error;
    }
    // Only Graph's answer names the participants an invite made, and only they let a ring still going be cancelled.
    if (sent.participantIds.size === 0) return { call: updated, operation };
    return { call: (await this.options.calls.invitedAs(call.callId, clientContext, sent.participantIds)) ?? updated, operation };
  }
}

/** The clientContext of the invite an activity sends: the same on every delivery of it. */
export function activityClientContext(activityKey: string, kind: OperationKind): string {
  return createHash('sha256').update(`${kind}:${activityKey}`).digest('hex').slice(0, 32);
}
