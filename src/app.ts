// Composition root: builds each part of Rally from the settings, connects them, and starts the HTTP server and the
// job runner. No behaviour lives here.
import { CloudAdapter } from 'botbuilder';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { callCards } from './bot/callCards.js';
import { pageCards } from './bot/pageCards.js';
import { ChatReporter } from './bot/chatReporter.js';
import { chatRetentionRules } from './bot/chatRetention.js';
import type { ChatRecords } from './bot/chatRecords.js';
import { Chats } from './bot/chats.js';
import { cachedUserLookup } from './bot/userLookupCache.js';
import { PeopleResolver } from './bot/peopleResolver.js';
import { RallyBot, answerTurnFailure } from './bot/rallyBot.js';
import { tenantGate } from './bot/tenantGate.js';
import { CallDesk } from './calling/callDesk.js';
import type { CallDeskStores } from './calling/callDesk.js';
import { CallFollowUps } from './calling/callFollowUps.js';
import { JobRunner } from './calling/jobs/jobRunner.js';
import { Pager } from './calling/paging/pager.js';
import type { PageRecord } from './calling/paging/pageRecord.js';
import { pageRetentionRules } from './calling/paging/pageRetention.js';
import { CallReconciler } from './calling/lifecycle/callReconciler.js';
import { callRetentionRules } from './calling/lifecycle/callRetention.js';
import { Sweeper } from './calling/lifecycle/sweeper.js';
import type { JobRecord } from './calling/jobs/jobs.js';
import { NotificationInbox } from './calling/notifications/notificationInbox.js';
import { createCallPolicy } from './calling/policy/callPolicy.js';
import type { RateWindow } from './calling/policy/rateLimiter.js';
import type { CallingApi } from './calling/requests/callingApi.js';
import { CallingService } from './calling/requests/callingService.js';
import { deadlinesFrom } from './config/deadlines.js';
import { EVERYONE } from './config/policySettings.js';
import { LOCAL_APP_ID, PAGE_PROMPT_PATH } from './config/settings.js';
import type { Settings } from './config/settings.js';
import { doctorFor } from './doctor/doctor.js';
import { createCallingApi } from './graph/createCallingApi.js';
import { InboundBotAuthentication } from './http/botAuthentication.js';
import { createCallingTokenValidator } from './http/callingAuth.js';
import { createCallingRoute } from './http/callingRoute.js';
import { pagePromptWav } from './http/pagePrompt.js';
import { startHttpServer } from './http/server.js';
import type { RunningServer } from './http/server.js';
import { pinoAuditTrail } from './log/auditLog.js';
import type { Logger } from './log/logger.js';
import { DocumentRecordStore } from './storage/documentRecordStore.js';
import type { DocumentStore } from './storage/documentStore.js';
import { openDocumentStore } from './storage/openDocumentStore.js';

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
  const store = <T>(prefix: string) => new DocumentRecordStore<T>(documents, prefix, { log });
  const stores: CallDeskStores = {
    calls: store('calls/'),
    operations: store('operations/'),
    chats: store('chats/'),
    intents: store('intents/'),
    intentsByActivity: store('intentsByActivity/'),
  };
  const rateWindows = store<RateWindow>('rateWindows/');
  const records: ChatRecords = {
    conversations: store('conversations/'),
    callCards: store('callCards/'),
    pageCards: store('pageCards/'),
    handledRequests: store('handled/'),
  };
  const pages = store<PageRecord>('pages/');

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
  const chats = new Chats({ adapter, botAppId: settings.bot.appId ?? '', records, log });
  const cards = callCards(records.callCards, !settings.localMode);
  const pageCardsOfChats = pageCards(records.pageCards);
  const reports = new ChatReporter({ chats, cards, pageCards: pageCardsOfChats });

  const { adoptSendingAfterMs, escalationClaimMs, confirmWithinMs } = deadlinesFrom(settings);
  const followUps = new CallFollowUps({
    calls: stores.calls,
    intents: stores.intents,
    intentsByActivity: stores.intentsByActivity,
    reports,
    log,
    adoptSendingAfterMs,
  });
  const policy = createCallPolicy(settings.policy, rateWindows, log);
  const desk = new CallDesk({ service, policy, ...stores, jobs: followUps, escalationClaimMs, confirmWithinMs, audit: pinoAuditTrail(log) });
  const pager = new Pager({
    pages,
    calls: stores.calls,
    desk,
    service,
    policy,
    reports,
    followUp: (callId) => followUps.followUp(callId),
    promptUri: settings.pagePromptUrl,
    log,
  });
  const reconciler = new CallReconciler({ calls: stores.calls, api, followUp: followUps, everyMs: settings.operations.reconcileEveryMs, log });
  const jobs = new JobRunner({
    store: store<JobRecord>('jobs/'),
    handlers: { ...followUps.handlers, ...reconciler.handlers, ...pager.handlers },
    log,
    ...(parts.jobPollMs ? { pollMs: parts.jobPollMs } : {}),
  });
  followUps.connect(jobs, desk, pager);
  pager.connect(jobs);
  const retentionMs = settings.operations.retentionMs;
  const sweeper = new Sweeper({
    rules: [
      ...callRetentionRules({ ...stores, rateWindows }, retentionMs),
      ...pageRetentionRules(pages, retentionMs),
      ...chatRetentionRules(records, { calls: stores.calls, pages }, retentionMs),
    ],
    sweepStore: async () => documents.sweepLeftovers?.(),
    log,
  });
  const inbox = new NotificationInbox({
    ...stores,
    followUp: (callId) => followUps.followUpLater(callId),
    adopt: (intent, callId) => followUps.adopt(intent, callId),
    checkIntent: (intentId, at) => followUps.checkIntent(intentId, at),
    adoptSendingAfterMs,
    log,
  });

  const bot = new RallyBot({
    desk,
    pager,
    pageCards: pageCardsOfChats,
    people: new PeopleResolver(cachedUserLookup(api)),
    chats,
    cards,
    log,
    botName: settings.bot.displayName,
    doctor: { admins: settings.operations.admins, run: doctorFor(settings, () => documents.checkReady()) },
  });

  const calling = createCallingRoute({
    validator: createCallingTokenValidator({
      openIdMetadataUrl: settings.calling.openIdMetadataUrl,
      audience: settings.calling.audience,
      allowedTenants: settings.policy.allowedTenants === EVERYONE ? undefined : settings.policy.allowedTenants,
      log,
    }),
    log,
    // Not async: the body must not outlive the first synchronous step (CallingNotificationsHandler says why).
    onNotifications: ({ body, tenantId, callbackId }) =>
      inbox.deliver(body, { tenantId, ...(callbackId === undefined ? {} : { callbackId }) }).then((start) => ({ afterAcknowledge: async () => start() })),
  });

  const server = await startHttpServer(
    {
      adapter,
      onTurn: tenantGate(settings.policy, log, (context) => bot.run(context)),
      calling,
      media: { [PAGE_PROMPT_PATH]: pagePromptWav() },
      ready: () => documents.checkReady(),
      log,
      allowLoopbackHttpServiceUrl: settings.localMode || parts.loopbackBotConnector === true,
    },
    settings.port,
    parts.host,
  );
  jobs.startPolling();
  await reconciler.start(jobs);
  await jobs.every('sweep', Math.min(retentionMs, 3_600_000), async () => void (await sweeper.sweep()));
  return {
    server,
    idle: () => jobs.idle(),
    close: async () => {
      await server.close();
      await jobs.stop();
      if (!parts.store) await documents.close();
    },
  };
}

