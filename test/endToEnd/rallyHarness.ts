// Runs the whole of Rally in-process against the Graph calling simulator and a Bot Connector stand-in, all on
// 127.0.0.1, and talks to it the way Teams does: activities POSTed to /api/messages.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { startRally } from '../../src/app.js';
import type { RallyParts, RunningRally } from '../../src/app.js';
import { loadSettings } from '../../src/config/settings.js';
import { createCallingApi } from '../../src/graph/createCallingApi.js';
import type { CallingApiDependencies } from '../../src/graph/createCallingApi.js';
import { createLogger } from '../../src/log/logger.js';
import { LOCAL_TENANT_ID, startGraphSimulator } from '../../src/simulator/index.js';
import type { GraphSimulator, GraphSimulatorOptions, RecordedRequest } from '../../src/simulator/index.js';
import { ConnectorStandIn } from './connectorStandIn.js';
import type { CardJson, StandInMember } from './connectorStandIn.js';
import { freePort } from '../support/freePort.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import { RallyProcess } from '../support/rallyProcess.js';
import { RoundRobinProxy } from '../support/roundRobinProxy.js';

export const TENANT_ID = LOCAL_TENANT_ID;
export const PSTN_INSTANCE_ID = '3d913abb-aec0-4964-8fa6-3c6850c4f278';
/** The person typing in chat. */
export const ME = { id: '29:1-me', name: 'Pat Organizer', aadObjectId: '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60' };
/** Adele Vance of the simulator's demo directory, as a chat member an @mention names. */
export const ADELE_MEMBER: StandInMember = {
  id: '29:1-adele',
  name: 'Adele Vance',
  aadObjectId: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01',
  userPrincipalName: 'adelev@contoso.com',
  email: 'adelev@contoso.com',
};

export interface HarnessOptions {
  simulator?: GraphSimulatorOptions;
  members?: StandInMember[];
  conversationType?: 'personal' | 'groupChat';
  /** More settings (environment variable names), e.g. the calling policy. */
  env?: Record<string, string>;
  /** Replaces Rally's silent logger, its file store in the data directory, or its Bot Framework endpoints and credentials. */
  parts?: Partial<Pick<RallyParts, 'log' | 'store' | 'botFrameworkAuthentication' | 'botFrameworkCredentials'>>;
  /** The Authorization header each activity is sent with (Rally with an app id checks it); none by default. */
  authorize?: (activity: Record<string, unknown>) => Promise<string>;
  /** Graph tokens from the configured credential with these options (e.g. a local authority), not the simulator's dev token. */
  graphCredentials?: CallingApiDependencies;
  /** Run Rally as its own process (`src/main.ts`), so a test can kill it with SIGKILL; `parts` do not apply then. */
  separateProcess?: boolean;
  /**
   * Run this many Rally processes behind one round-robin load balancer (implies `separateProcess`); they must share a
   * store (`env` with RALLY_STORE=blob). Graph and Teams reach them through the balancer's address.
   */
  instances?: number;
}

export interface SayOptions {
  /** Reuse an activity id (a redelivered message). */
  id?: string;
  /** With several instances: send it to this one, not through the load balancer. */
  instance?: number;
  /** Another chat than the harness's own (its conversation id). */
  conversationId?: string;
  mentions?: { id: string; name: string }[];
  /** The `locale` the person's Teams client names. */
  locale?: string;
  /** Someone else in the chat than ME says it (a member's Bot Framework id, name and Entra object id). */
  from?: { id: string; name: string; aadObjectId?: string };
  /** Added to the activity's channelData (a meeting chat's `meeting`, say). */
  channelData?: Record<string, unknown>;
}

/** Where an activity comes from, when not the harness's own chat. */
export type ChatOptions = Pick<SayOptions, 'conversationId' | 'channelData'>;

export interface InvokeAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the invoke response JSON
  body: any;
}

export class RallyHarness {
  /** Rally in this process; undefined when it runs as its own process. */
  rally!: RunningRally;
  /** Rally as its own processes, with `separateProcess` or `instances`. */
  readonly processes: RallyProcess[] = [];
  private proxy: RoundRobinProxy | undefined;
  private instancePorts: number[] = [];

  get process(): RallyProcess | undefined {
    return this.processes[0];
  }

  private constructor(
    readonly sim: GraphSimulator,
    readonly connector: ConnectorStandIn,
    private readonly port: number,
    readonly dataDir: string,
    readonly conversationId: string,
    private readonly conversationType: 'personal' | 'groupChat',
    private readonly env: Record<string, string>,
    private readonly parts: HarnessOptions['parts'] = {},
    private readonly extras: Pick<HarnessOptions, 'authorize' | 'graphCredentials' | 'separateProcess' | 'instances'> = {},
  ) {}

  static async start(options: HarnessOptions = {}): Promise<RallyHarness> {
    const sim = await startGraphSimulator({ deliveryDelayMs: 2, ...options.simulator });
    const connector = await ConnectorStandIn.start([ADELE_MEMBER, ...(options.members ?? [])]);
    const dataDir = (await makeTempDirectory('rally-http-')).path;
    const conversationType = options.conversationType ?? 'personal';
    const harness = new RallyHarness(sim, connector, await freePort(), dataDir, `a:${conversationType}-${randomUUID()}`, conversationType, options.env ?? {}, options.parts, options);
    try {
      if ((options.instances ?? 1) > 1) {
        harness.instancePorts = await Promise.all(Array.from({ length: options.instances! }, () => freePort()));
        harness.proxy = await RoundRobinProxy.start(harness.port, harness.instancePorts);
      }
      await harness.startRally();
    } catch (error) {
      // The caller never gets a harness to close: what did start (another instance, the stand-ins) must not outlive
      // this, or the test run cannot exit.
      await harness.close();
      throw error;
    }
    return harness;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** With `instances`: the load balancer sends everything to this instance (undefined: to each in turn again). */
  pin(instance: number | undefined): void {
    this.proxy?.pin(instance);
  }

  /** An instance's own address, with `instances`. */
  instanceUrl(instance: number): string {
    return `http://127.0.0.1:${this.instancePorts[instance]}`;
  }

  /** Starts Rally (again; with `instances`, every one or just `instance`) on the same port and data, so Graph's callbackUri still reaches it. */
  async startRally(instance?: number): Promise<void> {
    const env = {
      PORT: String(this.port),
      BOT_PUBLIC_URL: `http://127.0.0.1:${this.port}`,
      GRAPH_BASE_URL: this.sim.baseUrl,
      CALLING_OPENID_METADATA_URL: this.sim.openIdMetadataUrl,
      PSTN_APPLICATION_INSTANCE_ID: PSTN_INSTANCE_ID,
      RALLY_DATA_DIR: this.dataDir,
      GRAPH_MAX_RETRIES: '0',
      LOG_LEVEL: 'silent',
      ...this.env,
    };
    const logLevel = process.env.RALLY_TEST_LOG_LEVEL ?? 'info';
    if (this.instancePorts.length > 0) {
      const which = instance === undefined ? this.instancePorts.map((_, i) => i) : [instance];
      // allSettled: when one instance fails to start, the others are still recorded, so that close() stops them.
      const started = await Promise.allSettled(which.map(async (i) => (this.processes[i] = await RallyProcess.start({ ...env, PORT: String(this.instancePorts[i]), LOG_LEVEL: logLevel }))));
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return;
    }
    if (this.extras.separateProcess) {
      this.processes[0] = await RallyProcess.start({ ...env, LOG_LEVEL: logLevel });
      return;
    }
    const settings = loadSettings(env);
    const callingApi = this.extras.graphCredentials && createCallingApi(settings, this.extras.graphCredentials);
    // loopbackBotConnector: with MicrosoftAppId set Rally is not in local mode, yet the connector stand-in is still plain http on 127.0.0.1.
    this.rally = await startRally(settings, {
      log: createLogger('silent'),
      ...this.parts,
      ...(callingApi ? { callingApi } : {}),
      host: '127.0.0.1',
      loopbackBotConnector: true,
    });
  }

  /** Sends a chat message as Teams would; resolves when Rally has answered the HTTP request (the turn is over). */
  async say(text: string, options: SayOptions = {}): Promise<number> {
    const mentions = options.mentions ?? [];
    const response = await this.postActivity({
      ...this.activityFrom(options),
      ...(options.from === undefined ? {} : { from: options.from }),
      type: 'message',
      ...(options.locale === undefined ? {} : { locale: options.locale }),
      id: options.id ?? `msg-${randomUUID()}`,
      text: [text, ...mentions.map((m) => `<at>${m.name}</at>`)].join(' ').trim(),
      entities: mentions.map((m) => ({ type: 'mention', mentioned: { id: m.id, name: m.name }, text: `<at>${m.name}</at>` })),
    }, undefined, options.instance);
    await response.text();
    return response.status;
  }

  /** Presses an Action.Execute button on a card message; answers the invoke response Rally sent back. */
  async press(cardActivityId: string, verb: string, data: Record<string, unknown>, options: ChatOptions = {}): Promise<InvokeAnswer> {
    const response = await this.postActivity({
      ...this.activityFrom(options),
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `inv-${randomUUID()}`,
      replyToId: cardActivityId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * Waits until the simulator has delivered every notification and Rally has reported them; again while that caused
   * more (an escalation's second step sends a further request, whose notifications follow).
   */
  async settle(): Promise<void> {
    for (;;) {
      const before = this.sim.requests.length + this.sim.deliveries.length;
      await this.sim.idle();
      await this.rally?.idle();
      if (this.sim.requests.length + this.sim.deliveries.length === before) return;
    }
  }

  /** Graph requests the simulator received, by method and path below the version (e.g. `/communications/calls`). */
  graph(method: string, path: RegExp): RecordedRequest[] {
    return this.sim.requests.filter((r) => r.method === method && path.test(r.url.replace(/^\/(v1\.0|beta)/, '')));
  }

  createCallRequests(): RecordedRequest[] {
    return this.graph('POST', /^\/communications\/calls$/);
  }

  inviteRequests(): RecordedRequest[] {
    return this.graph('POST', /^\/communications\/calls\/[^/]+\/participants\/invite$/);
  }

  /** Places a call from chat and waits for its notifications; answers the Graph call id and the card's activity id. */
  async placeCall(text: string): Promise<{ callId: string; cardId: string }> {
    const cardsBefore = this.connector.cardPosts().length;
    const callsBefore = this.createCallRequests().length;
    await this.say(text);
    const created = this.createCallRequests()[callsBefore];
    if (created?.status !== 201) throw new Error(`"${text}" created no call; chat got: ${this.connector.summary().join('\n')}`);
    const card = this.connector.cardPosts()[cardsBefore]!;
    await this.settle();
    return { callId: this.callIdOfCard(card.id), cardId: card.id };
  }

  /** The Graph call id a posted card is about (its buttons carry it). */
  callIdOfCard(cardId: string): string {
    const card: CardJson = this.connector.latestCard(cardId);
    const refresh = (card.actions as { verb?: string; data?: { callId?: string } }[]).find((a) => a.verb === 'refresh');
    return refresh!.data!.callId!;
  }

  /** The `data` a button on the card's latest version would send (callId and revision). */
  buttonData(cardId: string, verb: string): Record<string, unknown> {
    const card: CardJson = this.connector.latestCard(cardId);
    const action = (card.actions as { verb?: string; data?: Record<string, unknown> }[]).find((a) => a.verb === verb);
    if (!action) throw new Error(`the card has no ${verb} button`);
    return { ...action.data };
  }

  /** Kills Rally's process (or instance `instance`) at once (SIGKILL): no shutdown code runs, as when a machine or container dies. */
  async crash(instance = 0): Promise<void> {
    await this.processes[instance]?.kill('SIGKILL');
  }

  async close(): Promise<void> {
    await this.rally?.close();
    await Promise.all(this.processes.map((p) => p.kill('SIGKILL')));
    await this.proxy?.close();
    await this.sim.close();
    await this.connector.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The fields every activity from the person in this chat carries. */
  activityBase() {
    return {
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      conversation: { id: this.conversationId, conversationType: this.conversationType, tenantId: TENANT_ID, ...(this.conversationType === 'groupChat' ? { isGroup: true } : {}) },
      from: ME,
      recipient: { id: '28:rally-local', name: 'Rally' },
      channelData: { tenant: { id: TENANT_ID } },
    };
  }

  /** The fields of an activity from the person in this chat, or in the chat `options` name. */
  private activityFrom(options: ChatOptions) {
    const base = this.activityBase();
    return {
      ...base,
      ...(options.conversationId === undefined ? {} : { conversation: { ...base.conversation, id: options.conversationId } }),
      ...(options.channelData === undefined ? {} : { channelData: { ...base.channelData, ...options.channelData } }),
    };
  }

  /** POSTs an activity as it is, with `authorize`'s header unless `authorization` is given (null: none). */
  async postActivity(activity: Record<string, unknown>, authorization?: string | null, instance?: number): Promise<Response> {
    const header = authorization === undefined ? await this.extras.authorize?.(activity) : authorization ?? undefined;
    return fetch(`${instance === undefined ? this.url : this.instanceUrl(instance)}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === undefined ? {} : { authorization: header }) },
      body: JSON.stringify(activity),
    });
  }
}

