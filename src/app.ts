// Composition root: builds each part of Rally from the settings, each given what it needs in its constructor, then
// starts the job poller and the HTTP server. No behaviour lives here.
import { CloudAdapter } from 'botbuilder';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { callCards } from './bot/callCards.js';
import { pageCards } from './bot/pageCards.js';
import { ChatReporter } from './bot/chatReporter.js';
import { chatRetentionRules } from './bot/chatRetention.js';
import { Chats } from './bot/chats.js';
import { cachedUserLookup } from './bot/userLookupCache.js';
import { PeopleResolver } from './bot/peopleResolver.js';
import { PeopleTeams } from './bot/peopleTeams.js';
import { RallyBot, answerTurnFailure } from './bot/rallyBot.js';
import { tenantGate } from './bot/tenantGate.js';
import { CallDesk } from './calling/callDesk.js';
import { CallFollowUps } from './calling/callFollowUps.js';
import { EscalationStep } from './calling/escalation/escalationStep.js';
import { IntentProtocol } from './calling/intents/intentProtocol.js';
import { Invites } from './calling/invites/invites.js';
import { CallJobs } from './calling/jobs/callJobs.js';
import { JobPoller } from './calling/jobs/jobPoller.js';
import { JobScheduler } from './calling/jobs/jobScheduler.js';
import { Pager } from './calling/paging/pager.js';
import { CallKeeper } from './calling/records/callKeeper.js';
import { pageRetentionRules } from './calling/paging/pageRetention.js';
import { CallReconciler } from './calling/lifecycle/callReconciler.js';
import { callRetentionRules } from './calling/lifecycle/callRetention.js';
import { Sweeper } from './calling/lifecycle/sweeper.js';
import { NotificationInbox } from './calling/notifications/notificationInbox.js';
import { createCallPolicy } from './calling/policy/callPolicy.js';
import type { CallingApi } from './calling/requests/callingApi.js';
import { CallingService } from './calling/requests/callingService.js';
import { deadlinesFrom } from './config/deadlines.js';
import { EVERYONE } from './config/policySettings.js';
import { LOCAL_APP_ID } from './config/settings.js';
import type { Settings } from './config/settings.js';
import { doctorFor } from './doctor/doctor.js';
import { createCallingApi } from './graph/createCallingApi.js';
import { InboundBotAuthentication } from './http/botAuthentication.js';
import { createCallingTokenValidator } from './http/callingAuth.js';
import { createCallingRoute } from './http/callingRoute.js';
import { externalPagePrompt, servedPagePrompts } from './http/pagePrompt.js';
import { startHttpServer } from './http/server.js';
import type { RunningServer } from './http/server.js';
import { pinoAuditTrail } from './log/auditLog.js';
import type { Logger } from './log/logger.js';
import type { DocumentStore } from './storage/documentStore.js';
import { openDocumentStore } from './storage/openDocumentStore.js';
import { rallyRecords } from './storage/rallyRecords.js';

export interface RallyParts {
  log: Logger;
  /** Defaults to the store `settings.store` names. */
  store?: DocumentStore;
  /** Defaults to Graph over HTTP at `settings.graph.baseUrl`. */
  callingApi?: CallingApi;
  /** Bot Framework authentication endpoints (tests point them at local stand-ins). */
  botFrameworkAuthentication?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  /**
   * Where replies get their Bot Framework token; by default MSAL with the app id and password. Tests replace it: MSAL
   * takes https authorities only and asks login.microsoftonline.com about any other.
   */
  botFrameworkCredentials?: ServiceClientCredentialsFactory;
  /** Host to listen on; all interfaces by default. */
  host?: string;
  /** How often the job runner looks for due jobs (tests shorten it). */
  jobPollMs?: number;
  /**
   * The Bot Connector is a local stand-in on plain-http loopback (tests that give Rally an app id): activities may
   * then name an http serviceUrl on loopback, as they always may in local mode.
   */
  loopbackBotConnector?: boolean;
}

export interface RunningRally {
  server: RunningServer;
  /** Resolves when no job this instance started (chat reports, escalation steps) is still running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startRally(settings: Settings, parts: RallyParts): Promise<RunningRally> {
  const { log } = parts;
  const documents = parts.store ?? (await openDocumentStore(settings.store, log));
  const records = rallyRecords(documents, log);
  const deadlines = deadlinesFrom(settings);
  const scheduler = new JobScheduler({ store: records.jobs });
  const callJobs = new CallJobs(scheduler);
  const calls = new CallKeeper(records.calls);

  const api = parts.callingApi ?? createCallingApi(settings);
  const service = new CallingService({
    api,
    callbackUri: settings.callbackUri,
    botAppId: settings.bot.appId ?? LOCAL_APP_ID,
    botDisplayName: settings.bot.displayName,
    pstn: settings.pstn,
  });

  const adapter = new CloudAdapter(
    new InboundBotAuthentication(
      {
        MicrosoftAppId: settings.bot.appId ?? '',
        MicrosoftAppPassword: settings.bot.appPassword ?? '',
        MicrosoftAppType: settings.bot.appType,
        MicrosoftAppTenantId: settings.bot.appTenantId ?? '',
        ...parts.botFrameworkAuthentication,
      },
      log,
      parts.botFrameworkCredentials,
    ),
  );
  adapter.onTurnError = answerTurnFailure(log);
  const chats = new Chats({ adapter, botAppId: settings.bot.appId ?? '', records, pressClaimMs: deadlines.pressClaimMs, log });
  const cards = callCards(records.callCards, !settings.localMode);
  const pageCardsOfChats = pageCards(records.pageCards);
  const reports = new ChatReporter({ chats, cards, pageCards: pageCardsOfChats });

  const policy = createCallPolicy(settings.policy, records.rateWindows, log);
  const audit = pinoAuditTrail(log);
  const intents = new IntentProtocol({ service, policy, ...records, calls, jobs: callJobs, confirmWithinMs: deadlines.confirmWithinMs, adoptSendingAfterMs: deadlines.adoptSendingAfterMs });
  const invites = new Invites({ service, calls, operations: records.operations, jobs: callJobs, audit });
  const escalation = new EscalationStep({ calls, operations: records.operations, invites, service, jobs: callJobs, claimMs: deadlines.escalationClaimMs, audit });
  const desk = new CallDesk({ calls, chats: records.chats, intents, invites, service, policy, jobs: callJobs, audit });
  const pagePrompts = settings.pagePromptUrl === undefined ? servedPagePrompts(settings.publicUrl) : externalPagePrompt(settings.pagePromptUrl);
  const pager = new Pager({ pages: records.pages, calls, desk, invites, service, reports, jobs: scheduler, callJobs, prompts: pagePrompts.prompts, hangUpClaimMs: deadlines.hangUpClaimMs, log });
  const followUps = new CallFollowUps({
    ...records,
    calls,
    reports,
    desk,
    escalation,
    intentProtocol: intents,
    pages: pager,
    log,
    adoptSendingAfterMs: deadlines.adoptSendingAfterMs,
  });
  const reconciler = new CallReconciler({ calls, api, followUp: callJobs, jobs: scheduler, everyMs: settings.operations.reconcileEveryMs, log });
  const retentionMs = settings.operations.retentionMs;
  const sweeper = new Sweeper({
    rules: [
      ...callRetentionRules(records, retentionMs, callJobs),
      ...pageRetentionRules(records.pages, retentionMs),
      ...chatRetentionRules(records, records, retentionMs),
    ],
    store: documents,
    everyMs: deadlines.sweepEveryMs,
    log,
  });
  const inbox = new NotificationInbox({ ...records, calls, jobs: callJobs, adopter: followUps, adoptSendingAfterMs: deadlines.adoptSendingAfterMs, log });

  const bot = new RallyBot({
    desk,
    pager,
    pageCards: pageCardsOfChats,
    people: new PeopleResolver(cachedUserLookup(api), chats),
    teams: new PeopleTeams({ store: records.peopleTeams, retentionMs }),
    chats,
    cards,
    log,
    botName: settings.bot.displayName,
    doctor: { admins: settings.operations.admins, run: doctorFor(settings, documents) },
  });

  const calling = createCallingRoute({
    validator: createCallingTokenValidator({
      openIdMetadataUrl: settings.calling.openIdMetadataUrl,
      audience: settings.calling.audience,
      allowedTenants: settings.policy.allowedTenants === EVERYONE ? undefined : settings.policy.allowedTenants,
      log,
    }),
    notifications: inbox,
    log,
  });

  const jobs = new JobPoller({
    scheduler,
    handlers: { ...followUps.handlers, ...reconciler.handlers, ...pager.handlers },
    recurring: { ...reconciler.recurring, ...sweeper.recurring },
    log,
    ...(parts.jobPollMs ? { pollMs: parts.jobPollMs } : {}),
  });
  await jobs.start();
  const server = await startHttpServer(
    {
      adapter,
      onTurn: tenantGate(settings.policy, log, bot),
      calling,
      media: pagePrompts.media,
      store: documents,
      log,
      allowLoopbackHttpServiceUrl: settings.localMode || parts.loopbackBotConnector === true,
    },
    settings.port,
    parts.host,
  );
  return new StartedRally(server, jobs, parts.store ? undefined : documents);
}

/** What `startRally` started, to wait for and to stop. */
class StartedRally implements RunningRally {
  constructor(
    readonly server: RunningServer,
    private readonly jobs: JobPoller,
    /** The store Rally opened itself, which it closes; one a caller passed in stays open. */
    private readonly ownStore: DocumentStore | undefined,
  ) {}

  idle(): Promise<void> {
    return this.jobs.idle();
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.jobs.stop();
    await this.ownStore?.close();
  }
}
