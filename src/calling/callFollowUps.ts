// The durable jobs of the calling layer, run by the JobPoller on any instance (CallJobs records them):
// - `call:<callId>`: a call changed. Take its pending step (an escalation's invite once the group call is
//   established), then tell its chat the news its record holds, and remove that news only once told.
//   A page's call is the page's business instead (see paging/pager.ts).
// - `intent:<intentId>`: an intent's deadline. Adopt the call its notifications named, or tell the chat plainly
//   that Graph never confirmed the call.
import type { Logger } from '../log/logger.js';
import { RallyError } from '../errors/rallyError.js';
import { sentence } from '../i18n/sentence.js';
import { languageFields } from '../i18n/translator.js';
import { joinLine } from './bridges/bridgeMeeting.js';
import type { BridgeMeeting } from './bridges/bridgeMeeting.js';
import { CallingApiError } from './errors.js';
import type { CallDesk } from './callDesk.js';
import type { EscalationStep } from './escalation/escalationStep.js';
import type { IntentProtocol } from './intents/intentProtocol.js';
import type { ChatReports } from './chatReports.js';
import type { CallIntent } from './intents/callIntent.js';
import { stepped } from './intents/callIntent.js';
import { DONE } from './jobs/jobs.js';
import type { JobHandler, JobOutcome } from './jobs/jobs.js';
import type { Pager } from './paging/pager.js';
import type { CallKeeper } from './records/callKeeper.js';
import type { RecordStore } from './records/recordStore.js';

export interface CallFollowUpsOptions {
  calls: CallKeeper;
  intents: RecordStore<CallIntent>;
  reports: ChatReports;
  desk: Pick<CallDesk, 'continueHangUp'>;
  escalation: Pick<EscalationStep, 'continue'>;
  /** Records a call whose create answer was lost, once it is found. */
  intentProtocol: Pick<IntentProtocol, 'record' | 'meetingOf' | 'continueBridge'>;
  /** A page's call is the page's business. */
  pages: Pick<Pager, 'callChanged'>;
  log: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;
  /** How long one run may take to tell a chat before another may try. Default 8 s: a dead instance's report moves on within 10 s. */
  reportLeaseMs?: number;
  /** See Deadlines.adoptSendingAfterMs. */
  adoptSendingAfterMs: number;
  now?: () => Date;
}

/** Runs the `call:` and `intent:` jobs (see CallJobs, which records them). */
export class CallFollowUps {
  private readonly now: () => Date;

  constructor(private readonly options: CallFollowUpsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  readonly handlers: Record<string, JobHandler> = {
    call: (callId) => this.followUpNow(callId),
    intent: (intentId) => this.checkIntentNow(intentId),
  };

  /** Records the call of an intent whose create answer was lost, as its notifications name it. */
  async adopt(intent: CallIntent, callId: string): Promise<void> {
    const adopted = await this.options.intents.update(intent.id, (current) => stepped(current, ['sending', 'unconfirmed', 'expired'], 'sent', { callId }));
    this.options.log.info({ callId, intentId: intent.id }, 'a call whose create answer was lost was found through its notifications');
    // The intent as it is now: a wish to hang up may have joined it since `intent` was read.
    await this.options.intentProtocol.record(adopted ?? intent, callId, undefined, { needsCard: true });
  }

  private async followUpNow(callId: string): Promise<JobOutcome> {
    // Telling the chat takes its lease by compare-and-swap, which reads what is stored when this copy is stale.
    let call = await this.options.calls.peek(callId);
    // The call's pending steps first: their refusals are news, told below.
    if (call?.pendingEscalation && call.state === 'established') {
      await this.options.escalation.continue(call);
      call = await this.options.calls.get(callId);
    }
    if (call?.pendingHangUp) {
      await this.options.desk.continueHangUp(call);
      call = await this.options.calls.get(callId);
    }
    // A page's call has no card of its own: the page shows it.
    if (call?.page) {
      await this.options.pages.callChanged(call);
      return DONE;
    }
    return this.options.calls.tellNews(callId, (told) => this.options.reports.reportCall(told, told.unreported ?? []), {
      leaseMs: this.options.reportLeaseMs ?? 8_000,
      now: this.now,
    });
  }

  /**
   * A bridge whose run has not recorded its meeting has sent no join: once that run's answer can no longer come, the
   * bridge is taken over and carried out here. What Graph refuses then is told to the chat.
   */
  private async continueBridge(intent: CallIntent): Promise<JobOutcome> {
    const lostAt = Date.parse(intent.sendingAt ?? intent.createdAt) + this.options.adoptSendingAfterMs;
    if (this.now().getTime() < lostAt) return { runAgainAt: new Date(lostAt) };
    this.options.log.info({ intentId: intent.id }, 'a bridge whose run stopped before it joined is taken over');
    try {
      await this.options.intentProtocol.continueBridge(intent);
    } catch (error) {
      if (!(error instanceof RallyError)) throw error;
      await this.options.reports.tell(intent.chatKey, error.sentence, languageFields(intent));
    }
    return DONE;
  }

  /** Graph's refusal now (the access policy withdrawn) leaves the chat the plain line: a retry would never end. */
  private async bridgeMeetingOf(intent: CallIntent): Promise<BridgeMeeting | undefined> {
    try {
      return await this.options.intentProtocol.meetingOf(intent);
    } catch (error) {
      if (error instanceof RallyError && !(error instanceof CallingApiError && error.uncertain)) {
        this.options.log.warn({ err: error, intentId: intent.id }, 'a bridge\'s meeting could not be looked up at its deadline');
        return undefined;
      }
      throw error;
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
    if (intent.step === 'sending' && intent.bridge && !intent.bridge.meeting) return this.continueBridge(intent);
    if (this.now().getTime() < Date.parse(intent.deadline)) return { runAgainAt: new Date(intent.deadline) };
    // A bridge's meeting is the chat's whether or not Rally got into it: asked for again (the same one, by the
    // intent's id) if the process that made it died before recording it, so that the chat gets its link.
    const meeting = intent.bridge ? await this.bridgeMeetingOf(intent) : undefined;
    const expired = await this.options.intents.update(intentId, (current) => stepped(current, ['sending', 'unconfirmed'], 'expired'));
    // A page's step says itself what became of its call, once its wait runs out.
    if (expired?.step !== 'expired' || intent.page !== undefined) return DONE;
    const line = meeting
      ? sentence('calling.followUp.bridgeNeverConfirmed', { subject: meeting.subject, joinLine: joinLine(meeting) })
      : sentence('calling.followUp.callNeverConfirmed', { people: intent.targets.length });
    await this.options.reports.tell(intent.chatKey, line, languageFields(intent));
    return DONE;
  }
}
