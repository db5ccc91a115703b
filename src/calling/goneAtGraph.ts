// A request about a call that Graph answers with "no such call": the call is recorded as ended before the error goes
// on, so `calls` stops listing it and its card shows the end, while the person whose request ran into the end hears
// it in the answer to that request, as the chat's one line about it.
import { CallingApiError } from './errors.js';
import { GONE_AT_GRAPH } from './records/callKeeper.js';
import type { CallKeeper } from './records/callKeeper.js';
import type { DeskJobs } from './vocabulary.js';

export async function settlingGone<T>(calls: CallKeeper, jobs: Pick<DeskJobs, 'followUp'>, now: Date, callId: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof CallingApiError && error.code === 'callNotFound' && (await calls.recordEnded(callId, GONE_AT_GRAPH, now.toISOString(), { answered: true }))) {
      await jobs.followUp(callId);
    }
    throw error;
  }
}
