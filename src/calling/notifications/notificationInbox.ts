// The notification use case: applies what Graph's notifications say to the stored calls and operations, durably,
// before Graph is answered, and starts each changed call's follow-up (a durable job) to tell its chat. Calls are
// applied in parallel; one call's notifications are serialized by compare-and-swap on its record, and a burst for
// one call goes into as few writes as the store allows (CoalescingWriter). There is no lock.
import type { Logger } from '../../log/logger.js';
import type { CallFollowUps } from '../callFollowUps.js';
import type { CallIntent } from '../intents/callIntent.js';
import type { CallKeeper } from '../records/callKeeper.js';
import type { CallJobs } from '../jobs/callJobs.js';
import { callOf, isPlaceholder, sameTenant } from '../records/callDocument.js';
import type { CallDocument, CallNews, EarlyEvent, StoredCall } from '../records/callDocument.js';
import { applyOperationResult } from '../records/operationRecord.js';
import type { OperationRecord } from '../records/operationRecord.js';
import type { RecordStore } from '../records/recordStore.js';
import { CoalescingWriter } from './coalescingWriter.js';
import type { NotificationEvent, OperationEvent } from './notificationEvents.js';
import { parseCommsNotifications } from './notificationParser.js';
import type { ReadNotifications } from './notificationParser.js';

export interface NotificationInboxOptions {
  calls: CallKeeper;
  operations: RecordStore<OperationRecord>;
  intents: RecordStore<CallIntent>;
  /**
   * `followUpLater` records a call's follow-up job, resolving once it is durable (it runs after Graph has its answer);
   * `checkIntent` has an intent checked at a time: the check adopts the call if Graph's answer has not come by then.
   */
  jobs: Pick<CallJobs, 'followUpLater' | 'checkIntent'>;
  /** Records a call whose intent never got Graph's answer, from its first notification. */
  adopter: Pick<CallFollowUps, 'adopt'>;
  /** How long after "sending" an intent whose answer never came is taken to have lost it (the Graph timeout and then some). */
  adoptSendingAfterMs: number;
  log: Pick<Logger, 'debug' | 'info' | 'warn'>;
  clock?: () => Date;
}

/** Who delivered a batch: the tenant of the verified token, and the intent id of the callbackUri it was posted to. */
export interface Sender {
  tenantId: string;
  callbackId?: string;
}

interface Pending {
  early: EarlyEvent;
  /** How an invite into this call ended, told with the call's other news. */
  news?: CallNews;
}

interface Written {
  document: CallDocument | undefined;
  changed: boolean;
}

export class NotificationInbox {
  private readonly writer: CoalescingWriter<Pending, Written>;
  private readonly clock: () => Date;

  constructor(private readonly options: NotificationInboxOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.writer = new CoalescingWriter((callId, items) => this.write(callId, items));
  }

  /**
   * Reads a notification body and applies its events (`receive`); rejects with InvalidNotificationError, having changed
   * nothing, when it is not a commsNotifications envelope. Not async, so that the body is dropped once read: a large
   * roster is a megabyte of objects, and keeping it until the write is done makes every young-generation GC copy it.
   */
  deliver(body: unknown, sender: Sender): Promise<() => void> {
    let read: ReadNotifications;
    try {
      read = parseCommsNotifications(body);
    } catch (error) {
      return Promise.reject(error);
    }
    if (read.skipped.length > 0) this.options.log.warn({ tenantId: sender.tenantId, skipped: read.skipped }, 'parts of a calling notification could not be read and were left out');
    return this.receive(read.events, sender);
  }

  /**
   * Applies the events of one notification body. Resolves, with what to start once Graph is answered, when every
   * event is durable; rejects only when the store fails (Graph then delivers the body again, and applying is
   * idempotent).
   */
  async receive(events: readonly NotificationEvent[], sender: Sender): Promise<() => void> {
    const at = this.clock().toISOString();
    const byCall = new Map<string, Pending[]>();
    const add = (callId: string, pending: Pending) => byCall.set(callId, [...(byCall.get(callId) ?? []), pending]);
    for (const event of events) {
      if (event.kind === 'ignored') {
        this.options.log.debug({ resource: event.resourceUrl, reason: event.reason }, 'notification not followed');
      } else if (event.kind === 'operation') {
        for (const [callId, pending] of await this.operationOutcome(event, at, sender)) add(callId, pending);
      } else {
        add(event.callId, { early: { event, at, tenantId: sender.tenantId } });
      }
    }
    const results = await Promise.allSettled(
      [...byCall].map(async ([callId, pending]) => {
        const { document, changed } = await this.writer.submit(callId, pending);
        if (isPlaceholder(document)) return this.placeholderKept(callId, document.events.length, sender);
        const call = callOf(document);
        return call && (changed || hasFollowUp(call)) ? this.options.jobs.followUpLater(callId) : undefined;
      }),
    );
    const starts = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      // What was recorded still gets told; the rest comes back with Graph's redelivery.
      starts.forEach((start) => start());
      throw failure.reason;
    }
    return () => starts.forEach((start) => start());
  }

  /** One write per burst: the call's pending events, less superseded rosters, applied in arrival order to what is stored. */
  private async write(callId: string, burst: Pending[]): Promise<Written> {
    const now = this.clock().toISOString();
    const items = supersede(burst);
    const news = items.flatMap((i) => (i.news ? [i.news] : []));
    const { document, changed, otherTenant } = await this.options.calls.applyBurst(callId, items.map((i) => i.early), news, now);
    if (otherTenant > 0) this.options.log.warn({ callId, events: otherTenant }, 'notifications for another tenant\'s call ignored');
    return { document, changed };
  }

  /** The operation's own record, then what it means for the call it was sent to (and, for an escalation, the call it replaced). */
  private async operationOutcome(event: OperationEvent, at: string, sender: Sender): Promise<[string, Pending][]> {
    const { clientContext } = event;
    const known = clientContext === undefined ? undefined : await this.options.operations.get(clientContext);
    if (clientContext === undefined || known === undefined || !sameTenant(sender.tenantId, known.tenantId)) {
      this.options.log.debug({ callId: event.callId, operationId: event.operationId }, 'result of an operation Rally does not know');
      return [];
    }
    let finished: OperationRecord | undefined;
    const op = await this.options.operations.update(clientContext, (current) => {
      if (current === undefined) return current;
      const update = applyOperationResult(current, event);
      finished = update.changes.length > 0 ? update.op : undefined;
      return update.op;
    });
    if (op === undefined) return [];
    const tenantId = sender.tenantId;
    const outcome: [string, Pending][] = [
      [op.callId, { early: { event: { ...event, callId: op.callId }, at, tenantId }, ...(finished ? { news: { kind: 'operationFinished', operation: finished } } : {}) }],
    ];
    // After an escalation completes, the peer-to-peer call's termination means "moved into the group call".
    if (op.kind === 'escalate' && op.status === 'completed' && op.replacesCallId !== undefined) {
      const groupCall = await this.options.calls.get(op.callId);
      const moved = { kind: 'movedIntoGroupCall' as const, callId: op.replacesCallId, groupCallId: op.callId, ...(groupCall?.handle ? { groupCallHandle: groupCall.handle } : {}) };
      outcome.push([op.replacesCallId, { early: { event: moved, at, tenantId } }]);
    }
    return outcome;
  }

  /**
   * Events for a call not recorded yet wait in its placeholder. When the callbackUri names an intent of this tenant
   * whose create answer was lost, the call is adopted now: it gets its card, and `calls` and `hangup` work on it.
   */
  private async placeholderKept(callId: string, events: number, sender: Sender): Promise<undefined> {
    this.options.log.debug({ callId, events }, 'notifications kept until their call is recorded');
    if (sender.callbackId === undefined) return undefined;
    const intent = await this.options.intents.get(sender.callbackId);
    if (!intent || !sameTenant(sender.tenantId, intent.tenantId)) return undefined;
    if (intent.step === 'unconfirmed' || intent.step === 'expired') {
      await this.options.adopter.adopt(intent, callId);
    } else if (intent.step === 'sending' && intent.callId === undefined) {
      // The answer may still come (or the instance sending it died): the intent's check adopts the call if it does not.
      const noted = await this.options.intents.update(intent.id, (current) => (current && current.callId === undefined ? { ...current, callId } : current));
      if (noted?.callId === callId) {
        const sendingAt = Date.parse(intent.sendingAt ?? intent.createdAt);
        await this.options.jobs.checkIntent(intent.id, new Date(sendingAt + this.options.adoptSendingAfterMs));
      }
    }
    return undefined;
  }
}

function hasFollowUp(call: StoredCall): boolean {
  return (call.unreported?.length ?? 0) > 0 || call.needsCard === true || (call.pendingEscalation !== undefined && call.state === 'established');
}

/**
 * Within one burst (several POSTs may share a write) a full roster replaces every full roster before it: only the
 * last is applied. Delta rosters are kept, in order (their sequence numbers decide). Per tenant of the token that
 * delivered it: another tenant's roster is not applied to the call, so it must not displace the call's own.
 */
function supersede(items: Pending[]): Pending[] {
  const lastFull = new Map<string | undefined, Pending>();
  for (const item of items) if (item.early.event.kind === 'roster') lastFull.set(item.early.tenantId?.toLowerCase(), item);
  return items.filter((item) => item.early.event.kind !== 'roster' || lastFull.get(item.early.tenantId?.toLowerCase()) === item);
}
