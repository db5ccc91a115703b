// The one keeper of the call record: every write to a call document goes through a named step here, each a
// compare-and-swap on the stored document (see RecordStore.update), so the rules of what may change when live in one
// room. A step that finds nothing to do returns the very document it read, and the store skips the write.
import { reportUnderLease } from '../jobs/leasedReport.js';
import type { JobOutcome } from '../jobs/jobs.js';
import type { ResultSummary } from '../notifications/notificationEvents.js';
import type { CallTarget, Person } from '../targets/people.js';
import { adopt, applyEvents, callOf, reported, withNews } from './callDocument.js';
import type { CallDocument, CallNews, EarlyEvent, StoredCall } from './callDocument.js';
import { applyCallEvent, withInviteParticipants, withInvitees } from './callRecord.js';
import type { CallChange, Invitee } from './callRecord.js';
import type { RecordStore } from './recordStore.js';

/** What a burst of notifications did to its call's document. */
export interface BurstApplied {
  document: CallDocument | undefined;
  /** Whether the call has something new to tell (a change, or an invite's outcome). */
  changed: boolean;
  /** Events not applied because another tenant's token delivered them. */
  otherTenant: number;
}

/** What the call record says when Rally learned the end from Graph's 404 rather than from a notification. */
export const GONE_AT_GRAPH: ResultSummary = { code: 404, message: 'Microsoft Graph no longer has this call.' };

export class CallKeeper {
  constructor(private readonly calls: RecordStore<CallDocument>) {}

  /** The stored call; a placeholder for a call not recorded yet is not a call. */
  async get(callId: string): Promise<StoredCall | undefined> {
    return callOf(await this.calls.get(callId));
  }

  /** The call as this process last knew it, for a decision a later step checks (see RecordStore.peek). */
  async peek(callId: string): Promise<StoredCall | undefined> {
    return callOf(await this.calls.peek(callId));
  }

  /** Every call id kept, in no order (the reconciler looks at the live ones). */
  ids(): AsyncIterable<string> {
    return this.calls.keys();
  }

  /** Records a call the create path made, adopting the placeholder its early notifications left (they apply now). */
  async recordCreate(fresh: StoredCall, at: string): Promise<StoredCall | undefined> {
    // Usually new: only notifications that came before Graph's answer leave a placeholder to adopt.
    return callOf(await this.calls.update(fresh.callId, (current) => adopt(fresh, current, at), { likelyAbsent: true }));
  }

  /** One burst of a call's notifications, applied in arrival order, with the news of invites' outcomes. */
  async applyBurst(callId: string, events: readonly EarlyEvent[], news: readonly CallNews[], at: string): Promise<BurstApplied> {
    let changed = false;
    let otherTenant = 0;
    const document = await this.calls.update(callId, (current) => {
      const applied = applyEvents(current, callId, events, at);
      const record = callOf(applied.document);
      changed = applied.changes.length > 0 || (record !== undefined && news.length > 0);
      otherTenant = applied.otherTenant;
      return record && news.length > 0 ? withNews(record, news) : applied.document;
    });
    return { document, changed, otherTenant };
  }

  /**
   * Records the call as ended when no notification said so (Graph's 404, or a GET that shows it terminated), as a
   * terminated notification would. With `answered`, the end answers someone's request, and the chat gets no second
   * line about it. Resolves to whether that changed anything (then its chat must be told).
   */
  async recordEnded(callId: string, resultInfo: ResultSummary | undefined, at: string, options: { answered?: boolean } = {}): Promise<boolean> {
    let changed = false;
    await this.change(callId, (record) => {
      const event = { kind: 'callState' as const, callId, changeType: 'deleted' as const, state: 'terminated' as const, ...(resultInfo ? { resultInfo } : {}) };
      const update = applyCallEvent(record, event, at);
      changed = update.changes.length > 0;
      if (!changed) return record;
      const news = options.answered ? update.changes.map((c): CallChange => (c.kind === 'ended' ? { ...c, answered: true } : c)) : update.changes;
      return withNews(update.record, news);
    });
    return changed;
  }

  /** Shows people ringing under an invite's clientContext, before the invite leaves; resolves to the call as it is. */
  async ringing(callId: string, participants: readonly CallTarget[], clientContext: string): Promise<StoredCall | undefined> {
    return this.change(callId, (record) => withInvitees(record, participants, clientContext));
  }

  /** Keeps the participant ids Graph's answer to an invite gave its people (by targetKey); resolves to the call as it is. */
  async invitedAs(callId: string, clientContext: string, participantIds: ReadonlyMap<string, string>): Promise<StoredCall | undefined> {
    return this.change(callId, (record) => withInviteParticipants(record, clientContext, participantIds));
  }

  /**
   * An invite Graph refused, or whose answer was lost: its people no longer show ringing, which Rally no longer knows
   * (`uncertain`: a result that came first stays).
   */
  async inviteLost(callId: string, clientContext: string, uncertain: boolean): Promise<void> {
    const kept = (i: Invitee) => i.clientContext !== clientContext || (uncertain && i.outcome !== 'ringing');
    await this.change(callId, (record) => (record.invitees.every(kept) ? record : { ...record, invitees: record.invitees.filter(kept) }));
  }

  /** Names who asked to hang up, for the summary; a call someone asked to end already keeps that name. */
  async endingBy(callId: string, person: Person): Promise<void> {
    await this.change(callId, (record) => (record.endedBy ? record : { ...record, endedBy: person }));
  }

  /** Graph would not hang the call up: it goes on, and nobody ended it. */
  async notEnding(callId: string): Promise<void> {
    await this.change(callId, (record) => {
      if (record.endedBy === undefined || record.state === 'terminated') return record;
      const { endedBy: _none, ...rest } = record;
      return rest;
    });
  }

  /** Clears a hang-up asked for while the call was being confirmed, with Graph's refusal as news when it refused. */
  async hangUpTaken(callId: string, refusal?: CallNews): Promise<void> {
    await this.change(callId, (record) => {
      if (!record.pendingHangUp) return record;
      const { pendingHangUp: _done, endedBy, ...rest } = record;
      return refusal === undefined ? { ...rest, ...(endedBy ? { endedBy } : {}) } : withNews(rest, [refusal]);
    });
  }

  /** Claims an escalation's second step for one run, from what that run saw: unclaimed, or the same stale claim. */
  async claimEscalation(callId: string, seenSince: string | undefined, at: string): Promise<boolean> {
    let claimed = false;
    await this.change(callId, (record) => {
      const step = record.pendingEscalation;
      claimed = step !== undefined && step.sendingSince === seenSince;
      return claimed ? { ...record, pendingEscalation: { ...step!, sendingSince: at } } : record;
    });
    return claimed;
  }

  /** Clears the group call's pending escalation step, with what the chat should hear about it when there is something. */
  async escalationTaken(callId: string, news?: CallNews): Promise<void> {
    await this.change(callId, (record) => {
      if (record.pendingEscalation === undefined) return record;
      const { pendingEscalation: _done, ...rest } = record;
      return news === undefined ? rest : withNews(rest, [news]);
    });
  }

  /** Claims asking a page's callee to press 1, once: resolves to whether this run asks. */
  async claimKeyPrompt(callId: string): Promise<boolean> {
    let claimed = false;
    await this.change(callId, (record) => {
      claimed = record.pendingKeyPrompt === true;
      if (!claimed) return record;
      const { pendingKeyPrompt: _asked, ...rest } = record;
      return rest;
    });
    return claimed;
  }

  /** A page's call has no card: the page shows its news, which the call's record need not keep (once released, it does). */
  async shownByPage(callId: string): Promise<void> {
    await this.change(callId, (record) => {
      if (record.unreported === undefined || record.page === undefined) return record;
      const { unreported: _shownByThePage, ...rest } = record;
      return rest;
    });
  }

  /** Hands a page's accepted call back to the chat, once: it gets a card of its own. Resolves to whether this did. */
  async releaseFromPage(callId: string): Promise<boolean> {
    let released = false;
    await this.change(callId, (record) => {
      released = record.page !== undefined;
      if (!released) return record;
      const { page: _ownCallNow, pendingKeyPrompt: _asked, ...rest } = record;
      return { ...rest, needsCard: true };
    });
    return released;
  }

  /** Tells the call's chat what its record holds for it, one teller at a time (see leasedReport.ts). */
  tellNews(callId: string, tell: (call: StoredCall) => Promise<void>, options: { leaseMs: number; now: () => Date }): Promise<JobOutcome> {
    return reportUnderLease({
      store: this.calls,
      key: callId,
      read: callOf,
      hasNews: (call) => (call.unreported?.length ?? 0) > 0 || call.needsCard === true,
      tell,
      told: (current, told) => reported(current, told.unreported?.length ?? 0, told.needsCard === true),
      ...options,
    });
  }

  /** Applies `step` to the stored call (not to a placeholder, nor to nothing); resolves to the call as it then is. */
  private async change(callId: string, step: (record: StoredCall) => StoredCall): Promise<StoredCall | undefined> {
    return callOf(
      await this.calls.update(callId, (document) => {
        const record = callOf(document);
        if (!record) return document;
        const next = step(record);
        return next === record ? document : next;
      }),
    );
  }
}
