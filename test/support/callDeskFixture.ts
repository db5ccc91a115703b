import { CallDesk } from '../../src/calling/callDesk.js';
import { EscalationStep } from '../../src/calling/escalation/escalationStep.js';
import { IntentProtocol } from '../../src/calling/intents/intentProtocol.js';
import { Invites } from '../../src/calling/invites/invites.js';
import { CallKeeper } from '../../src/calling/records/callKeeper.js';
import type { ChatReports } from '../../src/calling/chatReports.js';
import { JobPoller } from '../../src/calling/jobs/jobPoller.js';
import { JobScheduler } from '../../src/calling/jobs/jobScheduler.js';
import type { JobRecord } from '../../src/calling/jobs/jobs.js';
import { Pager } from '../../src/calling/paging/pager.js';
import type { PageRecord } from '../../src/calling/paging/pageRecord.js';
import { createLogger } from '../../src/log/logger.js';
import type { Words } from '../../src/i18n/sentence.js';
import type { RequestLanguage } from '../../src/i18n/translator.js';
import type { ChatRequest, DeskJobs } from '../../src/calling/vocabulary.js';
import type { CallIntent, IntentStep } from '../../src/calling/intents/callIntent.js';
import type { AuditTrail } from '../../src/calling/policy/auditTrail.js';
import { CallPolicy } from '../../src/calling/policy/callPolicy.js';
import type { ChatCalls } from '../../src/calling/records/callHandles.js';
import type { CallDocument } from '../../src/calling/records/callDocument.js';
import type { OperationRecord } from '../../src/calling/records/operationRecord.js';
import { CallingService } from '../../src/calling/requests/callingService.js';
import { DEFAULT_NUMBER_TYPES, EVERYONE } from '../../src/config/policySettings.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import type { Language } from '../../src/i18n/languages.js';
import type { PolicySettings } from '../../src/config/policySettings.js';
import { RecordingCallingApi } from '../calling/requests/recordingCallingApi.js';
import { MemoryRecordStore } from './memoryRecordStore.js';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const REQUESTER = { id: '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5f', name: 'Megan Bowen' };
export const AT = '2026-11-23T20:00:00.000Z';
/** The page prompt of each language, as the pager is handed them: English at the path it always had. */
export const PROMPTS = Object.fromEntries(
  LANGUAGES.map((language) => [language, { uri: `https://rally.contoso.com/media/page-prompt${language === 'en' ? '' : `.${language}`}.wav`, resourceId: `prompt-${language}` }]),
) as Record<Language, { uri: string; resourceId: string }>;

/** Everyone may ring anyone, with no rate limit: the tests that are about the policy pass their own. */
export const OPEN_POLICY: PolicySettings = {
  allowedTenants: EVERYONE,
  allowedCallers: EVERYONE,
  allowedDialers: EVERYONE,
  allowedCountries: EVERYONE,
  allowedNumberTypes: DEFAULT_NUMBER_TYPES,
};

/** An intent of `chat-1` at `step`, as the desk records it (sending since AT). */
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
    sendingAt: AT,
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
  readonly laterFollowUps: { callId: string; at: Date }[] = [];
  readonly intentChecks: { intentId: string; at: Date }[] = [];
  readonly cancelled: string[] = [];

  async followUp(callId: string): Promise<void> {
    this.followUps.push(callId);
  }

  async followUpAt(callId: string, at: Date): Promise<void> {
    this.laterFollowUps.push({ callId, at });
  }

  async checkIntent(intentId: string, at: Date): Promise<string> {
    this.intentChecks.push({ intentId, at });
    return `job-${this.intentChecks.length}`;
  }

  async cancel(jobKey: string): Promise<void> {
    this.cancelled.push(jobKey);
  }
}

/** What the chat was told about pages and in lines: the pages as each report showed them, each line with its language. */
export class NotedReports implements ChatReports {
  readonly pages: { page: PageRecord; outcome: boolean }[] = [];
  readonly lines: { chatKey: string; words: Words; language: RequestLanguage }[] = [];

  async reportCall(): Promise<void> {}

  async reportPage(page: PageRecord, options: { outcome: boolean }): Promise<void> {
    this.pages.push({ page, outcome: options.outcome });
  }

  async tell(chatKey: string, words: Words, language: RequestLanguage): Promise<void> {
    this.lines.push({ chatKey, words, language });
  }
}

export interface DeskFixture {
  desk: CallDesk;
  /** The intent protocol behind the desk (its `record` adopts a found call). */
  protocol: IntentProtocol;
  invites: Invites;
  escalation: EscalationStep;
  /** What the desk asked Graph for; replace its methods to make Graph answer otherwise. */
  api: RecordingCallingApi;
  jobs: NotedJobs;
  calls: MemoryRecordStore<CallDocument>;
  operations: MemoryRecordStore<OperationRecord>;
  chats: MemoryRecordStore<ChatCalls>;
  intents: MemoryRecordStore<CallIntent>;
  /** The pager over the same desk, its jobs run by a runner that only runs when the test ticks it (`clock` moves time). */
  pager: Pager;
  pages: MemoryRecordStore<PageRecord>;
  pageJobs: MemoryRecordStore<JobRecord>;
  runner: JobPoller;
  reports: NotedReports;
  clock: { now(): number; advance(ms: number): void };
}

/**
 * The one place tests build a CallDesk: a real calling service over the recording Graph fake and in-memory stores.
 * Options the desk gains go here, so no suite has to change for them.
 */
export function buildCallDesk(options: { policy?: PolicySettings; api?: RecordingCallingApi; deadlineAfterMs?: number; audit?: AuditTrail } = {}): DeskFixture {
  const api = options.api ?? new RecordingCallingApi();
  const stores = {
    calls: new MemoryRecordStore<CallDocument>(),
    operations: new MemoryRecordStore<OperationRecord>(),
    chats: new MemoryRecordStore<ChatCalls>(),
    intents: new MemoryRecordStore<CallIntent>(),
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
  let now = Date.parse(AT);
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const calls = new CallKeeper(stores.calls);
  const at = () => new Date(now);
  const protocol = new IntentProtocol({ service, policy, ...stores, calls, jobs, now: at, ...(options.deadlineAfterMs === undefined ? {} : { deadlineAfterMs: options.deadlineAfterMs }) });
  const invites = new Invites({ service, calls, operations: stores.operations, jobs, now: at });
  const escalation = new EscalationStep({ calls, operations: stores.operations, invites, service, jobs, now: at });
  const desk = new CallDesk({ calls, chats: stores.chats, intents: protocol, invites, service, policy, jobs, now: at, ...(options.audit ? { audit: options.audit } : {}) });
  const pages = new MemoryRecordStore<PageRecord>();
  const pageJobs = new MemoryRecordStore<JobRecord>();
  const scheduler = new JobScheduler({ store: pageJobs, now: clock.now });
  const reports = new NotedReports();
  const log = createLogger('silent');
  const pager = new Pager({
    pages,
    calls,
    desk,
    invites,
    service,
    reports,
    jobs: scheduler,
    callJobs: jobs,
    prompts: PROMPTS,
    log,
    now: () => new Date(now),
  });
  const runner = new JobPoller({ scheduler, handlers: pager.handlers, log });
  return { desk, protocol, invites, escalation, api, jobs, ...stores, pager, pages, pageJobs, runner, reports, clock };
}
