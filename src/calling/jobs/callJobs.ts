// The durable jobs about calls and intents, as the services that start them name them: `call:<callId>` (tell the
// chat what changed and take the call's pending step) and `intent:<intentId>` (an intent's deadline). CallFollowUps
// runs them; this only records them.
import type { DeskJobs } from '../vocabulary.js';
import type { JobScheduler } from './jobScheduler.js';

export class CallJobs implements DeskJobs {
  constructor(private readonly scheduler: JobScheduler) {}

  async followUp(callId: string): Promise<void> {
    (await this.followUpLater(callId))();
  }

  async followUpAt(callId: string, at: Date): Promise<void> {
    await this.scheduler.schedule(`call:${callId}`, at);
  }

  /** Records the call's follow-up job, claimed by this instance; the returned function starts it. */
  async followUpLater(callId: string): Promise<() => void> {
    const key = await this.scheduler.schedule(`call:${callId}`, new Date(this.scheduler.now()), { claim: true });
    return () => this.scheduler.runNow(key);
  }

  async checkIntent(intentId: string, at: Date): Promise<string> {
    const now = at.getTime() <= this.scheduler.now();
    const key = await this.scheduler.schedule(`intent:${intentId}`, at, { claim: now });
    if (now) this.scheduler.runNow(key);
    return key;
  }

  async cancel(jobKey: string): Promise<void> {
    await this.scheduler.cancel(jobKey);
  }
}
