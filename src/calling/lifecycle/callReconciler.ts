// Keeps Rally's idea of which calls are alive true to Graph's. Graph says a call is gone with a 404 (on GET, DELETE
// or invite) or a terminated/deleted notification; a Rally that was down missed the notification, so it asks Graph
// about every call it believes alive, at startup and then every interval, one GET per call spread over the interval
// (never a burst), each a durable job so two instances never ask twice.
import type { Logger } from '../../log/logger.js';
import type { DeskJobs } from '../vocabulary.js';
import { isLive } from '../vocabulary.js';
import { CallingApiError } from '../errors.js';
import { DONE } from '../jobs/jobs.js';
import type { JobHandler } from '../jobs/jobs.js';
import type { RecurringWork } from '../jobs/jobPoller.js';
import type { JobScheduler } from '../jobs/jobScheduler.js';
import { GONE_AT_GRAPH } from '../records/callKeeper.js';
import type { CallKeeper } from '../records/callKeeper.js';
import type { ResultSummary } from '../notifications/notificationEvents.js';
import type { CallingApi } from '../requests/callingApi.js';

export interface CallReconcilerOptions {
  calls: CallKeeper;
  api: Pick<CallingApi, 'getCall'>;
  /** Tells the chat once a call is settled. */
  followUp: Pick<DeskJobs, 'followUp'>;
  /** Records each round's check jobs. */
  jobs: Pick<JobScheduler, 'schedule'>;
  everyMs: number;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  now?: () => Date;
}

export class CallReconciler {
  private readonly now: () => Date;

  constructor(private readonly options: CallReconcilerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  readonly handlers: Record<string, JobHandler> = {
    check: async (callId) => {
      await this.check(callId);
      return DONE;
    },
  };

  /** The periodic check (its first round runs when the poller starts). */
  get recurring(): Record<string, RecurringWork> {
    return { reconcile: { everyMs: this.options.everyMs, run: () => this.scheduleChecks() } };
  }

  /** One round: a check job per call believed alive, spread over the interval. */
  async scheduleChecks(): Promise<void> {
    const live: string[] = [];
    for await (const callId of this.options.calls.ids()) {
      // What this process knows of a call is enough to pick the live ones: the check itself asks Graph.
      const call = await this.options.calls.peek(callId);
      if (call && isLive(call)) live.push(callId);
    }
    const spacing = Math.min(1_000, Math.floor(this.options.everyMs / (live.length + 1)));
    const start = this.now().getTime();
    await Promise.all(live.map((callId, i) => this.options.jobs.schedule(`check:${callId}`, new Date(start + i * spacing))));
    if (live.length > 0) this.options.log.debug({ calls: live.length }, 'checking live calls with Graph');
  }

  /** Asks Graph about one call; a 404 settles it as ended. Anything else leaves it as it is, for the next round. */
  async check(callId: string): Promise<void> {
    const call = await this.options.calls.get(callId);
    if (!call || !isLive(call)) return;
    try {
      const current = await this.options.api.getCall(call.tenantId, callId);
      if (current.state === 'terminated') await this.settle(callId, undefined);
    } catch (error) {
      if (error instanceof CallingApiError && error.code === 'callNotFound') {
        await this.settle(callId, GONE_AT_GRAPH);
        return;
      }
      this.options.log.warn({ err: error, callId }, 'could not check a call with Graph; trying again next round');
    }
  }

  /** Records the call as ended (as a terminated notification would) and has its chat told. */
  private async settle(callId: string, resultInfo: ResultSummary | undefined): Promise<void> {
    if (!(await this.options.calls.recordEnded(callId, resultInfo, this.now().toISOString()))) return;
    this.options.log.info({ callId }, 'Graph says the call is gone: recorded as ended');
    await this.options.followUp.followUp(callId);
  }
}
