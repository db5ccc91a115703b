// Composition: builds each part of Rally from the settings and starts the HTTP server. No behaviour lives here.
import { CloudAdapter } from 'botbuilder';
import type { ConfigurationBotFrameworkAuthenticationOptions, Storage } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { CallCards } from './bot/callCards.js';
import { ChatReporter } from './bot/chatReporter.js';
import { Chats } from './bot/chats.js';
import { tenantGate } from './bot/tenantGate.js';
import type { ChatRecords } from './bot/chatRecords.js';
import { PeopleResolver } from './bot/peopleResolver.js';
import { RallyBot, SOMETHING_WENT_WRONG } from './bot/rallyBot.js';
import { CallDesk } from './calling/callDesk.js';
import type { CallDeskStores } from './calling/callDesk.js';
import type { CallingApi } from './calling/requests/callingApi.js';
import { CallingService } from './calling/requests/callingService.js';
import { continueEscalations } from './calling/notifications/escalationFollowUp.js';
import { createCallPolicy } from './calling/policy/callPolicy.js';
import { parseCommsNotifications } from './calling/notifications/notificationParser.js';
import { adoptEarlyEvents, processNotifications } from './calling/notifications/notificationProcessor.js';
import type { EarlyEvents, NotificationDeps, Report } from './calling/notifications/notificationProcessor.js';
import { LOCAL_APP_ID } from './config/settings.js';
import type { Settings } from './config/settings.js';
import { EVERYONE } from './config/policySettings.js';
import { doctorFor } from './doctor/doctor.js';
import { createCallingApi } from './graph/createCallingApi.js';
import { InboundBotAuthentication } from './http/botAuthentication.js';
import { createCallingTokenValidator } from './http/callingAuth.js';
import { createCallingRoute } from './http/callingRoute.js';
import { startHttpServer } from './http/server.js';
import type { RunningServer } from './http/server.js';
import { pinoAuditTrail } from './log/auditLog.js';
import type { Logger } from './log/logger.js';
import { FileStorage } from './storage/fileStorage.js';
import { KeyedMutex } from './storage/keyedMutex.js';
import { StorageRecordStore } from './storage/storageRecordStore.js';

export interface RallyParts {
  log: Logger;
  /** Defaults to the durable file store in `settings.dataDir`. */
  storage?: Storage;
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
}

export interface RunningRally {
  server: RunningServer;
  /** Resolves when the chat posting of every notification acknowledged so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startRally(settings: Settings, parts: RallyParts): Promise<RunningRally> {
  const { log } = parts;
  const storage = parts.storage ?? (await FileStorage.open(settings.dataDir));
  const store = <T>(prefix: string) => new StorageRecordStore<T>(storage, prefix);
  const stores: CallDeskStores & { early: StorageRecordStore<EarlyEvents> } = {
    calls: store('calls/'),
    operations: store('operations/'),
    chats: store('chats/'),
    early: store('early/'),
  };
  const records: ChatRecords = { conversations: store('conversations/'), callCards: store('callCards/'), handledRequests: store('handled/') };
  const notificationDeps: NotificationDeps = stores;

  const api = parts.callingApi ?? createCallingApi(settings);
  const service = new CallingService({
    api,
    callbackUri: settings.callbackUri,
    botAppId: settings.bot.appId ?? LOCAL_APP_ID,
    botDisplayName: settings.bot.displayName,
    pstn: settings.pstn,
  });
  const background = new Set<Promise<void>>();
  /** Runs work that must not hold up the caller, counted by idle(). */
  const inBackground = (work: () => Promise<void>): void => {
    const done: Promise<void> = work()
      .catch((error: unknown) => log.error({ err: error }, 'background chat reporting failed'))
      .finally(() => background.delete(done));
    background.add(done);
  };

  // Applying notifications and adopting a new call's early ones take turns: otherwise a notification could be set
  // aside as "early" just after the adoption looked, and never be applied.
  const notificationTurns = new KeyedMutex();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => notificationTurns.run('notifications', work);
  const desk: CallDesk = new CallDesk({
    service,
    policy: createCallPolicy(settings.policy, log),
    ...stores,
    audit: pinoAuditTrail(log),
    onCallRecorded: async (record) => {
      const reports = await inTurn(() => adoptEarlyEvents(record.callId, notificationDeps));
      if (reports.length > 0) {
        log.debug({ callId: record.callId, reports: reports.length }, 'applied notifications that came before the call was recorded');
        inBackground(() => reporter.report(reports));
      }
      return (await stores.calls.get(record.callId)) ?? record;
    },
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
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error }, 'unhandled error in a turn');
    await context.sendActivity(SOMETHING_WENT_WRONG);
  };

  const chats = new Chats({ adapter, botAppId: settings.bot.appId ?? '', records, log });
  const cards = new CallCards({ store: records.callCards, peoplePicker: !settings.localMode });
  const bot = new RallyBot({
    desk,
    people: new PeopleResolver(api),
    chats,
    cards,
    log,
    botName: settings.bot.displayName,
    doctor: { admins: settings.operations.admins, run: doctorFor(settings) },
  });
  const reporter = new ChatReporter({ chats, cards, currentCall: (callId) => stores.calls.get(callId), log });

  const afterAcknowledge = async (reports: Report[]) => {
    await reporter.report(reports);
    for (const failure of await continueEscalations(reports, desk)) {
      log.warn({ err: failure.error, callId: failure.callId }, 'could not move the one-to-one call into the group call');
      await reporter.tell(failure.chatKey, failure.message);
    }
  };

  const calling = createCallingRoute({
    validator: createCallingTokenValidator({
      openIdMetadataUrl: settings.calling.openIdMetadataUrl,
      audience: settings.calling.audience,
      allowedTenants: settings.policy.allowedTenants === EVERYONE ? undefined : settings.policy.allowedTenants,
      log,
    }),
    log,
    onNotifications: async ({ body, tenantId }) => {
      const events = parseCommsNotifications(body);
      const reports = await inTurn(() => processNotifications(events, notificationDeps, { tenantId }));
      // Counted as pending from now, not from when the route starts it, so idle() cannot miss it.
      let start!: () => void;
      const done: Promise<void> = new Promise<void>((resolve) => (start = resolve))
        .then(() => afterAcknowledge(reports))
        .finally(() => background.delete(done));
      background.add(done);
      return {
        afterAcknowledge: () => {
          start();
          return done;
        },
      };
    },
  });

  const server = await startHttpServer({ adapter, onTurn: tenantGate(settings.policy, log, (context) => bot.run(context)), calling, log }, settings.port, parts.host);
  const idle = async () => {
    while (background.size > 0) await Promise.allSettled([...background]);
  };
  return {
    server,
    idle,
    close: async () => {
      await server.close();
      await idle();
    },
  };
}
