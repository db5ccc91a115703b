// The durable jobs of the calling layer, run by the JobRunner on any instance:
// - `call:<callId>`: a call changed. Take its pending step (an escalation's invite once the group call is
//   established), then tell its chat the news its record holds, and remove that news only once told.
// - `intent:<intentId>`: an intent's deadline. Adopt the call its notifications named, or tell the chat plainly
//   that Graph never confirmed the call.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import { userMessageOf } from '../errors/rallyError.js';
import type { CallDesk, DeskJobs } from './callDesk.js';
import type { ChatReports } from './chatReports.js';
import type { CallIntent } from './intents/callIntent.js';
import { stepped } from './intents/callIntent.js';
import { DONE } from './jobs/jobs.js';
import type { JobHandler, JobOutcome } from './jobs/jobs.js';
import type { JobRunner } from './jobs/jobRunner.js';
import { callOf, reported } from './records/callDocument.js';
import type { CallDocument } from './records/callDocument.js';
import type { RecordStore } from './records/recordStore.js';

export interface CallFollowUpsOptions {
  calls: RecordStore<CallDocument>;
  intents: RecordStore<CallIntent>;
  reports: ChatReports;
  log: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;
  /** How long one run may take to tell a chat before another may try. Default 8 s: a dead instance's report moves on within 10 s. */
  reportLeaseMs?: number;
  /** See NotificationInboxOptions.adoptSendingAfterMs. */
  adoptSendingAfterMs: number;
  now?: () => Date;
}

export class CallFollowUps implements DeskJobs {
  private runner!: JobRunner;
  private desk!: Pick<CallDesk, 'continueEscalation' | 'record'>;
  private readonly now: () => Date;

  constructor(private readonly options: CallFollowUpsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The runner and the desk each need the other; the composition root connects them once both exist. */
  connect(runner: JobRunner, desk: Pick<CallDesk, 'continueEscalation' | 'record'>): void {
    this.runner = runner;
    this.desk = desk;
  }

  readonly handlers: Record<string, JobHandler> = {
    call: (callId) => this.followUpNow(callId),
    intent: (intentId) => this.checkIntentNow(intentId),
  };

  async followUp(callId: string): Promise<void> {
    (await this.followUpLater(callId))();
  }

  /** Records the call's follow-up job, claimed by this instance; the returned function starts it. */
  async followUpLater(callId: string): Promise<() => void> {
    const key = await this.runner.schedule(`call:${callId}`, this.now(), { claim: true });
    return () => this.runner.run(key);
  }

  async checkIntent(intentId: string, at: Date): Promise<string> {
    const now = at.getTime() <= this.now().getTime();
    const key = await this.runner.schedule(`intent:${intentId}`, at, { claim: now });
    if (now) this.runner.run(key);
    return key;
  }

  async cancel(jobKey: string): Promise<void> {
    await this.runner.cancel(jobKey);
  }

  /** Records the call of an intent whose create answer was lost, as its notifications name it. */
  async adopt(intent: CallIntent, callId: string): Promise<void> {
    await this.options.intents.update(intent.id, (current) => stepped(current, ['sending', 'unconfirmed', 'expired'], 'sent', { callId }));
    this.options.log.info({ callId, intentId: intent.id }, 'a call whose create answer was lost was found through its notifications');
    await this.desk.record(intent, callId, undefined, { needsCard: true });
  }

  private async followUpNow(callId: string): Promise<JobOutcome> {
    await this.continueEscalation(callId);
    // Per run, not per instance: two follow-ups of one call in one instance must not tell the chat the same news.
    const owner = randomUUID();
    for (;;) {
      const until = new Date(this.now().getTime() + (this.options.reportLeaseMs ?? 8_000)).toISOString();
      const claimed = callOf(
        await this.options.calls.update(callId, (document) => {
          const call = callOf(document);
          if (!call || ((call.unreported?.length ?? 0) === 0 && !call.needsCard)) return document;
          if (call.reporting && call.reporting.owner !== owner && Date.parse(call.reporting.until) > this.now().getTime()) return document;
          return { ...call, reporting: { owner, until } };
        }),
      );
      if (!claimed || ((claimed.unreported?.length ?? 0) === 0 && !claimed.needsCard)) return DONE;
      if (claimed.reporting?.owner !== owner || claimed.reporting.until !== until) {
        return { runAgainAt: new Date(Date.parse(claimed.reporting?.until ?? until)) };
      }
      const news = claimed.unreported ?? [];
      // Only while this run still holds the lease: a run that took too long must not remove news another run told,
      // nor news that came after.
      const stillMine = (document: CallDocument | undefined) => callOf(document)?.reporting?.owner === owner;
      try {
        await this.options.reports.reportCall(claimed, news);
      } catch (error) {
        await this.options.calls.update(callId, (document) => {
          if (!stillMine(document)) return document;
          const { reporting: _released, ...call } = callOf(document)!;
          return call;
        });
        throw error;
      }
      await this.options.calls.update(callId, (document) => (stillMine(document) ? reported(callOf(document)!, news.length, claimed.needsCard === true) : document));
    }
  }

  private async continueEscalation(callId: string): Promise<void> {
    const call = callOf(await this.options.calls.get(callId));
    if (!call?.pendingEscalation || call.state !== 'established') return;
    try {
      await this.desk.continueEscalation(call);
    } catch (error) {
      this.options.log.warn({ err: error, callId }, 'could not move the one-to-one call into the group call');
      const target = call.handle ?? 'the group call';
      await this.options.reports.tell(call.chatKey, `Could not move the one-to-one call into ${target}. ${userMessageOf(error, 'Please try "escalate" again.')}`);
    }
  }

  private async checkIntentNow(intentId: string): Promise<JobOutcome> {
    const intent = await this.options.intents.get(intentId);
    if (!intent || intent.step === 'sent' || intent.step === 'failed' || intent.step === 'expired') return DONE;
    if (intent.callId !== undefined) {
      // A "sending" intent may still get Graph's answer from the instance that sent it, unless that took too long.
      const lostAt = Date.parse(intent.sendingAt ?? intent.createdAt) + this.options.adoptSendingAfterMs;
      if (intent.step === 'sending' && this.now().getTime() < lostAt) return { runAgainAt: new Date(lostAt) };
      await this.adopt(intent, intent.callId);
      return DONE;
    }
    if (this.now().getTime() < Date.parse(intent.deadline)) return { runAgainAt: new Date(intent.deadline) };
    const expired = await this.options.intents.update(intentId, (current) => stepped(current, ['received', 'sending', 'unconfirmed'], 'expired'));
    if (expired?.step !== 'expired') return DONE;
    const who = intent.targets.length > 0 ? ` to ${intent.targets.length === 1 ? 'the person you named' : 'the people you named'}` : '';
    const line =
      intent.step === 'received'
        ? `Rally stopped before it could place the call${who} that you asked for; nothing was placed. Please ask again.`
        : `Microsoft Graph never confirmed the call${who} that you asked for. If a phone rang, that call was not connected to Rally; ask again to place a new one.`;
    await this.options.reports.tell(intent.chatKey, line);
    return DONE;
  }
}
