// The calling policy's word on one chat request, counted once per activity however often it is delivered.
import type { ChatRequest } from '../vocabulary.js';
import type { CallTarget } from '../targets/people.js';
import type { CallPolicy } from './callPolicy.js';

/** Admits the request (throws PolicyRefusedError otherwise); `newActionId` names one that has no activity of its own. */
export async function admit(policy: CallPolicy, request: ChatRequest, targets: readonly CallTarget[], newActionId: () => string): Promise<void> {
  const actionId = request.countsAs ?? request.activityKey ?? newActionId();
  await policy.admit({ id: request.requestedBy.id, tenantId: request.tenantId }, targets, actionId);
}
