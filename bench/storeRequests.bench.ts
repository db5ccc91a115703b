// How many requests Rally makes of its store on each path of a one-to-one call, and once idle. On Blob Storage every
// DocumentStore call is one HTTP request of 5-15 ms (a listing, one per page), so these counts are latency and cost
// that no faster disk takes away. Counted by test/support/countingDocumentStore.ts around the embedded file store.
//
// Rally runs in-process as the end-to-end tests run it (test/endToEnd/rallyHarness.ts), with its default job polling.
// Counts are made deterministic as follows:
// - A boundary ("the create-call request arrives", "the card is posted", "the 2xx") is counted at the moment the
//   simulator, the Bot Connector stand-in or Rally's HTTP server records it, synchronously, never after an await that
//   would let Rally go on meanwhile.
// - Graph's notifications reach Rally through a gate of the bench's (Rally's BOT_PUBLIC_URL points there) that holds
//   each until the bench posts it: one at a time, once Rally is done with what came before, as real calls space them
//   (seconds of ringing, not the simulator's 2 ms). Otherwise how Graph's timing interleaves with a turn, and what
//   Rally's coalescing writer then merges, would change the counts from run to run.
// - Each step starts as a burst of Rally's background work (a job poll) has ended, so the next poll (at least 1 s
//   later) falls after the step; a line says so if a step took long enough for one to fall inside it. The idle
//   minute starts halfway between two polls once they come at a steady pace, and with no clock-aligned recurring
//   work (the reconcile round) due near either edge, so the same number of each falls inside on every run.
// The call measured is Rally's second in the chat (the first warms the process and the chat), so the counts are those
// of a chat Rally already knows.
//
// Goals (the issue's), each a number of store requests:
//   "call adelev@contoso.com" POSTed -> Graph's create-call request arrives                      <= 2
//   the same command -> the chat's first card is posted                                          <= 5
//   Graph's "established" notification -> Rally's 2xx to it                                      <= 2
//   Graph's "terminated" notification (the other side hangs up) -> the card updated to Ended     <= 4
//   the whole call: the command, each notification and the end, each until Rally has settled    <= 20
//   an idle instance, over 60 s of real time                                                     <= 12
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { loadOperationsSettings } from '../src/config/operationsSettings.js';
import type { RecordedRequest } from '../src/simulator/index.js';
import { FileDocumentStore } from '../src/storage/fileDocumentStore.js';
import { adaptiveCardOf, cardText } from '../test/endToEnd/connectorStandIn.js';
import type { SentActivity } from '../test/endToEnd/connectorStandIn.js';
import { RallyHarness } from '../test/endToEnd/rallyHarness.js';
import { CountingDocumentStore } from '../test/support/countingDocumentStore.js';
import type { StoreMethod, StoreRequestCounts } from '../test/support/countingDocumentStore.js';
import { LoopbackServer } from '../test/support/loopbackServer.js';
import type { ReceivedRequest } from '../test/support/loopbackServer.js';
import { makeTempDirectory } from '../test/support/tempDirectory.js';

export const GOALS = {
  toCreateCall: 2,
  toFirstCard: 5,
  establishedToAnswer: 2,
  endToEndedCard: 4,
  wholeCall: 20,
  idlePerMinute: 12,
} as const;

const COMMAND = 'call adelev@contoso.com';
const IDLE_WINDOW_MS = 60_000;
/** A wait that runs past this is a hang, not a count. */
const STEP_TIMEOUT_MS = 10_000;
/** With no store request for this long after the last one finished, Rally is at rest. */
const QUIET_MS = 50;
/** How long to wait for Rally's background work (a job poll) before taking it that none is about. */
const BACKGROUND_WAIT_MS = 15_000;
/** The idle window keeps clock-aligned recurring work (reconcile, sweep) at least this far from either edge. */
const EDGE_MARGIN_MS = 2_000;
/** The measured call is over within this, so it starts this long before any recurring work is due. */
const CALL_SPAN_MS = 30_000;
/** The header the gate marks the notifications it posts with, so Rally's answer to each can be told apart. */
const MARK_HEADER = 'x-rally-bench-notification';

function withTimeout<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Calls `seen` synchronously for each item pushed onto `array`: the simulator records a request as it arrives and the
 * stand-in an activity once read, both by pushing it, so a count taken in `seen` is the count at that moment.
 */
function onPush<T>(array: readonly T[], seen: (item: T) => void): void {
  const target = array as T[];
  const push = target.push.bind(target);
  Object.defineProperty(target, 'push', {
    configurable: true,
    value: (...items: T[]) => {
      const length = push(...items);
      for (const item of items) seen(item);
      return length;
    },
  });
}

/** Resolves with `take()` as it stood when the first matching item was pushed after this call. */
class Pushes<T> {
  private waiters: { match: (item: T) => boolean; resolve: () => void }[] = [];

  constructor(array: readonly T[]) {
    onPush(array, (item) => {
      const matched = this.waiters.filter((w) => w.match(item));
      this.waiters = this.waiters.filter((w) => !matched.includes(w));
      for (const waiter of matched) waiter.resolve();
    });
  }

  next<R>(match: (item: T) => boolean, take: () => R): Promise<R> {
    return new Promise((resolve) => this.waiters.push({ match, resolve: () => resolve(take()) }));
  }
}

/**
 * Rally's HTTP answer to a request the gate marked, at the moment Rally writes its status: work Rally starts after
 * answering (it defers the chat reports with setImmediate) may already be under way by the time the client reads it.
 */
class Answers {
  private readonly waiting = new Map<string, (status: number) => void>();
  private readonly subscriber = (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    const mark = request.headers[MARK_HEADER];
    const answered = typeof mark === 'string' ? this.waiting.get(mark) : undefined;
    if (!answered) return;
    this.waiting.delete(mark as string);
    const writeHead = response.writeHead;
    response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      response.writeHead = writeHead;
      answered(typeof args[0] === 'number' ? args[0] : this.statusCode);
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
  };

  constructor() {
    diagnostics.subscribe('http.server.request.start', this.subscriber);
  }

  /** Resolves with the status and `take()` as it stood when Rally wrote the status of the request marked `mark`. */
  expect<R>(mark: string, take: () => R): Promise<{ status: number; taken: R }> {
    return new Promise((resolve) => this.waiting.set(mark, (status) => resolve({ status, taken: take() })));
  }

  close(): void {
    diagnostics.unsubscribe('http.server.request.start', this.subscriber);
  }
}

interface Held {
  body: Notifications;
  /** Posts it to Rally as Graph sent it; resolves with Rally's status and `take()` as it stood when Rally wrote it. */
  post<R>(take: () => R): Promise<{ status: number; taken: R }>;
}

interface Notifications {
  value?: { resourceUrl?: string; resourceData?: { state?: string } | unknown[] }[];
}

/** Stands where Graph posts notifications (Rally's callbackUri) and holds each until the bench posts it on. */
class NotificationGate {
  target = '';
  private readonly held: Held[] = [];
  private readonly waiting: ((held: Held) => void)[] = [];
  private marks = 0;
  private server!: LoopbackServer;

  private constructor(private readonly answers: Answers) {}

  static async start(answers: Answers): Promise<NotificationGate> {
    const gate = new NotificationGate(answers);
    gate.server = await LoopbackServer.start((request, response) => gate.receive(request, response));
    return gate;
  }

  get url(): string {
    return this.server.url;
  }

  /**
   * The next notification Graph posted, once it has (already held, or the next to come); undefined if `noMore`
   * resolves first (the simulator at rest: nothing queued or in flight, so nothing is coming).
   */
  next(noMore?: Promise<void>): Promise<Held | undefined> {
    const first = this.held.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => {
      const waiter = (held: Held) => resolve(held);
      this.waiting.push(waiter);
      void noMore?.then(() => {
        const at = this.waiting.indexOf(waiter);
        if (at === -1) return;
        this.waiting.splice(at, 1);
        resolve(undefined);
      });
    });
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async receive(request: ReceivedRequest, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || !request.url.startsWith('/api/calling')) {
      // Anything else Graph fetches from Rally's public URL (a page prompt) passes through at once.
      const answer = await fetch(`${this.target}${request.url}`, { method: request.method, headers: forwardable(request) });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
      response.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    let answered!: () => void;
    const done = new Promise<void>((resolve) => (answered = resolve));
    const held: Held = {
      body: JSON.parse(request.body) as Notifications,
      post: async <R>(take: () => R) => {
        const mark = String(++this.marks);
        const answer = this.answers.expect(mark, take);
        try {
          const reply = await fetch(`${this.target}${request.url}`, { method: 'POST', headers: { ...forwardable(request), [MARK_HEADER]: mark }, body: request.body });
          const text = await reply.text();
          response.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' });
          response.end(text);
        } finally {
          answered();
        }
        return answer;
      },
    };
    const waiter = this.waiting.shift();
    if (waiter) waiter(held);
    else this.held.push(held);
    await done;
  }
}

function forwardable(request: ReceivedRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** What a notification POST is about, for the lines printed: the call states it carries, else its resources. */
function describe(body: Notifications): string {
  return (body.value ?? []).map((n) => (n.resourceData && !Array.isArray(n.resourceData) && n.resourceData.state) || n.resourceUrl?.split('/').at(-1) || '?').join('+');
}

const carriesState = (body: Notifications, state: string) => (body.value ?? []).some((n) => !Array.isArray(n.resourceData) && n.resourceData?.state === state);
const isCreateCall = (r: RecordedRequest) => r.method === 'POST' && /^\/(v1\.0|beta)\/communications\/calls$/.test(r.url);

/** The counts of two spans together. */
function add(a: StoreRequestCounts, b: StoreRequestCounts): StoreRequestCounts {
  const sum: StoreRequestCounts = { total: 0, byMethod: {}, byPrefix: {}, byPrefixAndMethod: {} };
  for (const counts of [a, b]) {
    for (const [prefix, methods] of Object.entries(counts.byPrefixAndMethod)) {
      for (const [method, n] of Object.entries(methods) as [StoreMethod, number][]) {
        sum.total += n;
        sum.byMethod[method] = (sum.byMethod[method] ?? 0) + n;
        sum.byPrefix[prefix] = (sum.byPrefix[prefix] ?? 0) + n;
        const into = (sum.byPrefixAndMethod[prefix] ??= {});
        into[method] = (into[method] ?? 0) + n;
      }
    }
  }
  return sum;
}

const NOTHING: StoreRequestCounts = { total: 0, byMethod: {}, byPrefix: {}, byPrefixAndMethod: {} };

const byCount = <K extends string>(entries: [K, number | undefined][]) => entries.filter((e): e is [K, number] => (e[1] ?? 0) > 0).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));

/** `by method: get 6, putIfMatch 3; by prefix: intents 4 (get 2, createIfAbsent 1, putIfMatch 1), ...` */
function split(counts: StoreRequestCounts): string {
  if (counts.total === 0) return 'none';
  const methods = byCount(Object.entries(counts.byMethod) as [StoreMethod, number][]).map(([m, n]) => `${m} ${n}`);
  const prefixes = byCount(Object.entries(counts.byPrefix)).map(([prefix, n]) => {
    const within = byCount(Object.entries(counts.byPrefixAndMethod[prefix] ?? {}) as [StoreMethod, number][]).map(([m, k]) => `${m} ${k}`);
    return `${prefix} ${n} (${within.join(', ')})`;
  });
  return `by method: ${methods.join(', ')}; by prefix: ${prefixes.join(', ')}`;
}

let missed = false;
function report(path: string, counts: StoreRequestCounts, goal: number | undefined, note = ''): void {
  const ok = goal === undefined || counts.total <= goal;
  if (!ok) missed = true;
  const head = goal === undefined ? 'info  ' : ok ? 'ok    ' : 'MISSED';
  const against = goal === undefined ? '' : ` (goal <= ${goal})`;
  console.log(`${head} ${path}: ${counts.total} store request${counts.total === 1 ? '' : 's'}${against}; ${split(counts)}${note}`);
}

/** The counts since a mark and when they were taken. */
interface Moment {
  counts: StoreRequestCounts;
  at: number;
}

interface Step {
  what: string;
  counts: StoreRequestCounts;
  /** Said when the step ran long enough that a job poll may have fallen inside it. */
  note: string;
}

type PathName = 'toCreateCall' | 'toFirstCard' | 'establishedToAnswer' | 'endToEndedCard';

const directory = await makeTempDirectory('rally-bench-requests-');
const counting = new CountingDocumentStore(await FileDocumentStore.open(directory.path));
const answers = new Answers();
let gate: NotificationGate | undefined;
let harness: RallyHarness | undefined;
try {
  gate = await NotificationGate.start(answers);
  harness = await RallyHarness.start({ parts: { store: counting }, env: { BOT_PUBLIC_URL: gate.url } });
  const h = harness;
  const g = gate;
  g.target = h.url;
  const graph = new Pushes(h.sim.requests);
  const connector = new Pushes(h.connector.sent as readonly SentActivity[]);

  // Rally at rest is judged by the store: requests made, those not finished yet, and when the last one finished.
  let made = 0;
  let inFlight = 0;
  let settledAt = performance.now();
  const nextRequest: ((at: number) => void)[] = [];
  counting.onRequest((_request, settled) => {
    made++;
    inFlight++;
    const at = performance.now();
    nextRequest.splice(0).forEach((seen) => seen(at));
    void settled.then(() => {
      if (--inFlight === 0) settledAt = performance.now();
    });
  });

  /** Until Rally is idle and every store request has finished, with none started in the turn after. */
  const storeAtRest = async () => {
    for (;;) {
      await h.rally.idle();
      while (inFlight > 0) await nextTurn();
      const madeThen = made;
      await nextTurn();
      if (made === madeThen && inFlight === 0) return;
    }
  };

  /**
   * The next burst of store requests Rally makes of itself while nobody asks it anything (a job poll, and what that
   * poll found due): from its first request until every one has finished and none followed for QUIET_MS. Undefined
   * when none comes within BACKGROUND_WAIT_MS: then nothing runs in the background that could fall into a step.
   */
  const nextBurst = async (): Promise<{ start: number; end: number; counts: StoreRequestCounts } | undefined> => {
    const since = counting.mark();
    let timer: NodeJS.Timeout | undefined;
    const start = await new Promise<number | undefined>((resolve) => {
      nextRequest.push(resolve);
      timer = setTimeout(() => {
        nextRequest.splice(nextRequest.indexOf(resolve), 1);
        resolve(undefined);
      }, BACKGROUND_WAIT_MS);
    }).finally(() => clearTimeout(timer));
    if (start === undefined) return undefined;
    for (;;) {
      await storeAtRest();
      const madeThen = made;
      await sleep(QUIET_MS);
      if (made === madeThen && inFlight === 0) return { start, end: settledAt, counts: since() };
    }
  };

  /**
   * The shortest quiet seen between two background bursts: a step that starts as one ends and is over sooner has none
   * of Rally's background work in it. Measured on the instance at rest before anything is counted.
   */
  let backgroundGapMs = BACKGROUND_WAIT_MS;
  const calibrate = async () => {
    let previous = await nextBurst();
    for (let i = 0; i < 3 && previous; i++) {
      const burst = await nextBurst();
      if (burst) backgroundGapMs = Math.min(backgroundGapMs, burst.start - previous.end);
      previous = burst;
    }
  };

  /**
   * Waits until Rally's background bursts come at a steady pace (job polls may back off while nothing is due) and one
   * has just ended; answers when it ended and the gap before it. Undefined when there is no background work.
   */
  const steadyBackground = async (): Promise<{ end: number; gapMs: number } | undefined> => {
    let previous = await nextBurst();
    let previousGap: number | undefined;
    while (previous) {
      const burst = await nextBurst();
      if (!burst) return undefined;
      const gapMs = burst.start - previous.end;
      if (previousGap !== undefined && Math.abs(gapMs - previousGap) <= previousGap / 10) return { end: burst.end, gapMs };
      previousGap = gapMs;
      previous = burst;
    }
    return undefined;
  };

  /**
   * Waits for a background burst to end; resolves with when it did (now, if none came) and, unless it was only a job
   * poll that found nothing due (listings of jobs/ alone), what it asked: work a step left for later.
   */
  const restAfterBackground = async (): Promise<{ at: number; work?: StoreRequestCounts }> => {
    const burst = await nextBurst();
    if (!burst) return { at: performance.now() };
    const { total, byPrefixAndMethod } = burst.counts;
    return total === byPrefixAndMethod.jobs?.listByPrefix ? { at: burst.end } : { at: burst.end, work: burst.counts };
  };

  const pollNote = (started: number, at = performance.now()) =>
    at - started >= backgroundGapMs ? ` [${(at - started).toFixed(0)} ms after a job poll, past when the next can come: the count may include it]` : '';

  /** Posts a notification the gate holds; answers the counts and time at the moment Rally wrote its 2xx. */
  const postHeld = async (held: Held, since: () => StoreRequestCounts): Promise<Moment> => {
    const { status, taken } = await withTimeout(held.post((): Moment => ({ counts: since(), at: performance.now() })), `answer to a ${describe(held.body)} notification`);
    if (status < 200 || status > 299) throw new Error(`Rally answered ${status} to a ${describe(held.body)} notification`);
    return taken;
  };

  /** One call, step by step; answers each step's counts and the paths of the goals. */
  const oneCall = async () => {
    const steps: Step[] = [];
    const paths: Partial<Record<PathName, Moment & { started: number }>> = {};
    const simAtRest = () => h.sim.idle();
    const momentOf = (since: () => StoreRequestCounts) => (): Moment => ({ counts: since(), at: performance.now() });
    /** Before each later step: Rally's background work in between, counted with the call unless only a job poll. */
    const between = async (): Promise<number> => {
      const { at, work } = await restAfterBackground();
      if (work) steps.push({ what: 'background work between the steps (jobs due later)', counts: work, note: '' });
      return at;
    };

    // The command, until Rally has answered the turn and is at rest; Graph's first notification waits at the gate.
    let { at: started } = await restAfterBackground();
    let since = counting.mark();
    const moment = momentOf(since);
    const cardsBefore = h.connector.cardPosts().length;
    const created = graph.next(isCreateCall, moment);
    const carded = connector.next((s) => s.kind === 'post' && adaptiveCardOf(s.activity) !== undefined, moment);
    const status = await withTimeout(h.say(COMMAND), 'answer to the command');
    if (status !== 200) throw new Error(`Rally answered ${status} to "${COMMAND}"`);
    paths.toCreateCall = { ...(await withTimeout(created, 'create-call request')), started };
    paths.toFirstCard = { ...(await withTimeout(carded, 'card post')), started };
    await storeAtRest();
    steps.push({ what: `the command "${COMMAND}"`, counts: since(), note: pollNote(started) });
    const card = h.connector.cardPosts()[cardsBefore];
    if (!card) throw new Error(`"${COMMAND}" posted no card; chat got: ${h.connector.summary().join('\n')}`);
    const callId = h.callIdOfCard(card.id);

    // Graph's notifications, one at a time, each until Rally is at rest, until the simulator has no more to send.
    for (;;) {
      const held = await withTimeout(g.next(simAtRest()), 'notification, or the simulator at rest');
      if (!held) break;
      started = await between();
      since = counting.mark();
      const answered = await postHeld(held, since);
      await storeAtRest();
      steps.push({ what: `the ${describe(held.body)} notification`, counts: since(), note: pollNote(started) });
      if (carriesState(held.body, 'established')) paths.establishedToAnswer = { ...answered, started };
    }

    // The other side hangs up; Graph's notifications about it pass the gate as they come, within this step.
    started = await between();
    since = counting.mark();
    const ended = connector.next((s) => s.kind === 'update' && s.id === card.id && /Ended/.test(cardText(adaptiveCardOf(s.activity))), momentOf(since));
    h.sim.endCall(callId);
    for (;;) {
      const held = await withTimeout(g.next(simAtRest()), 'notification, or the simulator at rest');
      if (!held) break;
      await postHeld(held, since);
    }
    paths.endToEndedCard = { ...(await withTimeout(ended, 'card update showing Ended')), started };
    await storeAtRest();
    steps.push({ what: 'the end of the call (the other side hangs up)', counts: since(), note: pollNote(started) });
    return { steps, paths };
  };

  // Clock-aligned recurring work (the reconcile round every RALLY_RECONCILE_INTERVAL, the sweep, as app.ts schedules
  // it) runs when its period starts, whatever else is going on.
  const { reconcileEveryMs, retentionMs } = loadOperationsSettings({});
  const periods = [reconcileEveryMs, Math.min(retentionMs, 3_600_000)];
  /** Whether a period of recurring work starts within `ms` after `at`, or started less than EDGE_MARGIN_MS before it. */
  const periodStartsNear = (at: number, ms = EDGE_MARGIN_MS) => periods.some((every) => at % every < EDGE_MARGIN_MS || every - (at % every) < ms);

  await oneCall();
  await calibrate();
  // A reconcile round between the call's steps would count as the call's work; the call starts with none coming.
  while (periodStartsNear(Date.now(), CALL_SPAN_MS)) await sleep(1_000);
  const callStarted = performance.now();
  const { steps, paths } = await oneCall();
  if (performance.now() - callStarted > CALL_SPAN_MS) throw new Error(`the call took past ${CALL_SPAN_MS} ms: a reconcile round may have fallen inside it`);
  const reportPath = (name: PathName, what: string) => {
    const measured = paths[name];
    if (!measured) throw new Error(`the call had no step for ${what}`);
    report(what, measured.counts, GOALS[name], pollNote(measured.started, measured.at));
  };

  console.log(`A one-to-one call from a personal chat Rally knows, Graph's notifications posted one at a time, each once Rally is at rest:`);
  reportPath('toCreateCall', `"${COMMAND}" -> Graph's create-call request`);
  reportPath('toFirstCard', `"${COMMAND}" -> the chat's first card`);
  reportPath('establishedToAnswer', '"established" notification -> its 2xx');
  reportPath('endToEndedCard', 'the call ends (the other side hangs up) -> its card updated to Ended');
  const whole = steps.reduce((sum, step) => add(sum, step.counts), NOTHING);
  report(`the whole call (${steps.length} steps, each until Rally was at rest)`, whole, GOALS.wholeCall, steps.some((s) => s.note) ? ' [a step ran past a job poll]' : '');
  for (const step of steps) report(`  the whole call's step: ${step.what}`, step.counts, undefined, step.note);

  // How many reconcile rounds and job polls fall inside the idle window is fixed: no period starts near either edge,
  // and the window starts halfway between two polls.
  let windowStart: number;
  for (;;) {
    const steady = await steadyBackground();
    if (steady) await sleep(Math.max(0, steady.gapMs / 2 - (performance.now() - steady.end)));
    windowStart = Date.now();
    if (!periodStartsNear(windowStart) && !periodStartsNear(windowStart + IDLE_WINDOW_MS)) break;
  }
  const reconciles = Math.floor((windowStart + IDLE_WINDOW_MS) / reconcileEveryMs) - Math.floor(windowStart / reconcileEveryMs);
  const idle = counting.mark();
  await sleep(IDLE_WINDOW_MS);
  report(`one idle instance over ${IDLE_WINDOW_MS / 1000} s (${reconciles} reconcile round${reconciles === 1 ? '' : 's'} due in it)`, idle(), GOALS.idlePerMinute);
  process.exitCode = missed ? 1 : 0;
} finally {
  await harness?.close();
  await gate?.close();
  answers.close();
  await counting.close();
  await directory.remove();
}
