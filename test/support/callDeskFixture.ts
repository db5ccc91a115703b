import { CallDesk } from '../../src/calling/callDesk.js';
import type { ChatRequest, DeskJobs } from '../../src/calling/callDesk.js';
import type { CallIntent, IntentStep } from '../../src/calling/intents/callIntent.js';
import { CallPolicy } from '../../src/calling/policy/callPolicy.js';
import type { ChatCalls } from '../../src/calling/records/callHandles.js';
import type { CallDocument } from '../../src/calling/records/callDocument.js';
import type { OperationRecord } from '../../src/calling/records/operationRecord.js';
import { CallingService } from '../../src/calling/requests/callingService.js';
import { DEFAULT_NUMBER_TYPES, EVERYONE } from '../../src/config/policySettings.js';
import type { PolicySettings } from '../../src/config/policySettings.js';
import { RecordingCallingApi } from '../calling/requests/recordingCallingApi.js';
import { MemoryRecordStore } from './memoryRecordStore.js';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const REQUESTER = { id: '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5f', name: 'Megan Bowen' };
export const AT = '2026-11-23T20:00:00.000Z';

/** Everyone may ring anyone, with no rate limit: the tests that are about the policy pass their own. */
export const OPEN_POLICY: PolicySettings = {
  allowedTenants: EVERYONE,
  allowedCallers: EVERYONE,
  allowedDialers: EVERYONE,
  allowedCountries: EVERYONE,
  allowedNumberTypes: DEFAULT_NUMBER_TYPES,
};

/** An intent of `chat-1` at `step`, as the desk records it (sending since AT unless still received). */
export function intentAt(id: string, step: IntentStep, overrides: Partial<CallIntent> = {}): CallIntent {
  return {
    id,
    activityKey: 'activity-1',
    chatKey: 'chat-1',
    tenantId: TENANT_ID,
    requestedBy: REQUESTER,
    kind: 'meeting',
    targets: [],
    step,
    createdAt: AT,
    ...(step === 'received' ? {} : { sendingAt: AT }),
    deadline: new Date(Date.parse(AT) + 120_000).toISOString(),
    ...overrides,
  };
}

export function chatRequest(chatKey = 'chat-1'): ChatRequest {
  return { chatKey, tenantId: TENANT_ID, requestedBy: REQUESTER };
}

/** The jobs the desk starts, noted and not run: what they do is the follow-ups' business, tested with them. */
export class NotedJobs implements DeskJobs {
  readonly followUps: string[] = [];
  readonly intentChecks: { intentId: string; at: Date }[] = [];
  readonly cancelled: string[] = [];

  async followUp(callId: string): Promise<void> {
    this.followUps.push(callId);
  }

  async checkIntent(intentId: string, at: Date): Promise<string> {
    this.intentChecks.push({ intentId, at });
    return `job-${this.intentChecks.length}`;
  }

  async cancel(jobKey: string): Promise<void> {
    this.cancelled.push(jobKey);
  }
}

export interface DeskFixture {
  desk: CallDesk;
  /** What the desk asked Graph for; replace its methods to make Graph answer otherwise. */
  api: RecordingCallingApi;
  jobs: NotedJobs;
  calls: MemoryRecordStore<CallDocument>;
  operations: MemoryRecordStore<OperationRecord>;
  chats: MemoryRecordStore<ChatCalls>;
  intents: MemoryRecordStore<CallIntent>;
  intentsByActivity: MemoryRecordStore<{ intentId: string }>;
}

/**
 * The one place tests build a CallDesk: a real calling service over the recording Graph fake and in-memory stores.
 * Options the desk gains go here, so no suite has to change for them.
 */
export function buildCallDesk(options: { policy?: PolicySettings; api?: RecordingCallingApi } = {}): DeskFixture {
  const api = options.api ?? new RecordingCallingApi();
  const stores = {
    calls: new MemoryRecordStore<CallDocument>(),
    operations: new MemoryRecordStore<OperationRecord>(),
    chats: new MemoryRecordStore<ChatCalls>(),
    intents: new MemoryRecordStore<CallIntent>(),
    intentsByActivity: new MemoryRecordStore<{ intentId: string }>(),
  };
  const jobs = new NotedJobs();
  const service = new CallingService({
    api,
    callbackUri: 'https://rally.contoso.com/api/calling',
    botAppId: '0a1b2c3d-0000-4000-8000-00000000b07a',
    botDisplayName: 'Rally',
    pstn: { applicationInstanceId: '0b6a3c1e-4d2f-4e8a-9b7c-5d1e2f3a4b5c', applicationInstanceName: 'Rally line' },
  });
  const policy = new CallPolicy({ settings: options.policy ?? OPEN_POLICY });
  const desk = new CallDesk({ service, policy, ...stores, jobs, now: () => new Date(AT) });
  return { desk, api, jobs, ...stores };
}
