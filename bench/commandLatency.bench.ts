// How long a chat command takes to reach Graph, as a ratio against a bare Bot Framework echo turn in the same run.
//
// Rally runs in-process as the end-to-end tests run it (test/endToEnd/rallyHarness.ts): local mode (no app id, so no
// inbound token check), the embedded file store in a temp dir, the Graph calling simulator and the Bot Connector
// stand-in, all on 127.0.0.1. A turn is a Teams-shaped message activity `call adelev@contoso.com` POSTed to
// /api/messages; it is timed until Graph's create-call request arrives at the simulator. The echo bot is botbuilder's
// CloudAdapter + ActivityHandler on restify with the same body parser, answering the same activity with one reply to
// the same stand-in, after one durable write of an intent's size to a file store of its own (the least a bot that
// records before it acts can do); its turn is timed until that reply arrives there. Turns alternate Rally / echo, one
// at a time, and Rally's call is left to settle (its notifications delivered and reported) before the next turn starts.
//
// Goal (the issue's): Rally's median <= 1.3 x the echo's.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { startBareServer } from './support/bareServer.js';
import type { RecordedRequest } from '../src/simulator/index.js';
import type { SentActivity } from '../test/endToEnd/connectorStandIn.js';
import { FileDocumentStore } from '../src/storage/fileDocumentStore.js';
import { RallyHarness } from '../test/endToEnd/rallyHarness.js';
import { makeTempDirectory } from '../test/support/tempDirectory.js';
import { median, ms, verdict } from './support/stats.js';

/** Rally's median time to Graph's create-call request over the echo bot's median time to its reply. */
export const COMMAND_RATIO_GOAL = 1.3;

/** What the echo writes before it answers: an intent as Rally records one, so both turns write as much. */
const INTENT_SIZED = {
  schema: 1,
  value: {
    id: 'q2n4VZx8Rk6mT0aLwYb1cA',
    activityKey: 'message/a:personal-00000000-0000-0000-0000-000000000000/msg-00000000-0000-0000-0000-000000000000',
    chatKey: 'a:personal-00000000-0000-0000-0000-000000000000',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    requestedBy: { id: '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60', name: 'Pat Organizer' },
    kind: 'peerToPeer',
    targets: [{ kind: 'user', id: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01', displayName: 'Adele Vance', userPrincipalName: 'adelev@contoso.com' }],
    step: 'sending',
    createdAt: '2026-12-06T12:00:00.000Z',
    sendingAt: '2026-12-06T12:00:00.000Z',
    sendingBy: '6f0c1f5e-2b8a-4a7e-9d3c-1e2f3a4b5c6d',
    deadline: '2026-12-06T12:02:00.000Z',
  },
};

const WARM_UP_TURNS = 10;
const TURNS = 50;
/** Each turn must be over by then, or the bench fails (a hang is not a latency). */
const TURN_TIMEOUT_MS = 10_000;
const COMMAND = 'call adelev@contoso.com';

interface Echo {
  url: string;
  close(): Promise<void>;
}

class EchoBot extends ActivityHandler {
  constructor(store: FileDocumentStore) {
    super();
    this.onMessage(async (context, next) => {
      await store.createIfAbsent(`intents/${randomUUID()}`, INTENT_SIZED);
      await context.sendActivity(`echo: ${context.activity.text}`);
      await next();
    });
  }
}

/** The baseline: a turn through the Bot Framework SDK with one reply, and nothing else. */
async function startEchoBot(): Promise<Echo> {
  // No app id, as Rally in local mode: no inbound token check, replies sent without a token.
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' } as ConfigurationBotFrameworkAuthenticationOptions),
  );
  const directory = await makeTempDirectory('rally-bench-echo-');
  const store = await FileDocumentStore.open(directory.path);
  const bot = new EchoBot(store);
  const server = await startBareServer('echo', '/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await store.close();
      await directory.remove();
    },
  };
}

/**
 * Calls `seen` with the time each item is pushed onto `array`. The simulator and the stand-in record every request
 * they receive by pushing it (the simulator as soon as the request arrives, the stand-in once its small body is
 * read), so this is when the request got there, without polling.
 */
function stampPushes<T>(array: T[], seen: (item: T, at: number) => void): void {
  const push = array.push.bind(array);
  Object.defineProperty(array, 'push', {
    configurable: true,
    value: (...items: T[]) => {
      const at = performance.now();
      for (const item of items) seen(item, at);
      return push(...items);
    },
  });
}

/** Resolves with the time of the next stamped item that matches, or rejects after TURN_TIMEOUT_MS. */
class Arrivals<T> {
  private waiters: { match: (item: T) => boolean; resolve: (at: number) => void }[] = [];

  constructor(array: T[]) {
    // Every waiter the item matches: Rally's first Graph request may be its create-call request too (the people
    // look-up answered from its cache).
    stampPushes(array, (item, at) => {
      const matched = this.waiters.filter((w) => w.match(item));
      this.waiters = this.waiters.filter((w) => !matched.includes(w));
      for (const waiter of matched) waiter.resolve(at);
    });
  }

  next(match: (item: T) => boolean, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${TURN_TIMEOUT_MS} ms`));
      }, TURN_TIMEOUT_MS);
      const waiter = {
        match,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

interface Turn {
  /** Until Graph's create-call request (Rally) or the reply (echo) arrived. */
  reached: number;
  /** Until the HTTP answer to the activity POST. */
  answered: number;
  /** Rally only: until its first Graph request (the people look-up, unless Rally had the person cached) arrived. */
  firstGraph?: number;
}

const isCreateCall = (r: RecordedRequest) => r.method === 'POST' && /^\/(v1\.0|beta)\/communications\/calls$/.test(r.url);

let harness: RallyHarness | undefined;
let echo: Echo | undefined;
try {
  harness = await RallyHarness.start({ env: { CALL_RATE_LIMIT: 'off' } });
  echo = await startEchoBot();
  const graph = new Arrivals(harness.sim.requests as RecordedRequest[]);
  const connector = new Arrivals(harness.connector.sent as SentActivity[]);
  const h = harness;
  const activity = () => ({ ...h.activityBase(), type: 'message', id: `msg-${randomUUID()}`, text: COMMAND, entities: [] });

  const post = async (url: string, body: Record<string, unknown>): Promise<number> => {
    const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status} to a message activity`);
    return performance.now();
  };

  const rallyTurn = async (): Promise<Turn> => {
    const body = activity();
    const firstGraph = graph.next(() => true, 'Graph request');
    const created = graph.next(isCreateCall, 'create-call request');
    const started = performance.now();
    const answered = await post(h.url, body);
    const turn = { reached: (await created) - started, answered: answered - started, firstGraph: (await firstGraph) - started };
    const status = h.createCallRequests().at(-1)?.status;
    if (status !== 201) throw new Error(`the simulator answered ${status} to Rally's create-call request`);
    await h.settle();
    return turn;
  };

  const echoTurn = async (): Promise<Turn> => {
    const body = activity();
    const replied = connector.next((s) => s.kind === 'post' && s.activity?.text === `echo: ${COMMAND}`, 'echo reply');
    const started = performance.now();
    const answered = await post(echo!.url, body);
    return { reached: (await replied) - started, answered: answered - started };
  };

  const rally: Turn[] = [];
  const echoed: Turn[] = [];
  for (let i = 0; i < WARM_UP_TURNS + TURNS; i++) {
    const [r, e] = [await rallyTurn(), await echoTurn()];
    if (i >= WARM_UP_TURNS) {
      rally.push(r);
      echoed.push(e);
    }
  }

  const of = (turns: Turn[], field: keyof Turn) => median(turns.map((t) => t[field] ?? Number.NaN));
  const ratio = of(rally, 'reached') / of(echoed, 'reached');
  const ok = ratio <= COMMAND_RATIO_GOAL;
  console.log(`"${COMMAND}" in a personal chat, median of ${TURNS} sequential turns each after ${WARM_UP_TURNS} warm-up turns:`);
  console.log(`     Rally: create-call request at Graph after ${ms(of(rally, 'reached'))} (its first Graph request after ${ms(of(rally, 'firstGraph'))}); HTTP answer after ${ms(of(rally, 'answered'))}`);
  console.log(`     echo bot: reply at the Bot Connector after ${ms(of(echoed, 'reached'))}; HTTP answer after ${ms(of(echoed, 'answered'))}`);
  console.log(`${verdict(ok)} Rally / echo, to Graph's create call vs to the echo's reply: ${ratio.toFixed(2)} (goal <= ${COMMAND_RATIO_GOAL})`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await echo?.close();
  await harness?.close();
}
