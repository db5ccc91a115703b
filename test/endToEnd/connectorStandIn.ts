// A Bot Connector stand-in on 127.0.0.1: the service Rally posts replies, proactive messages and card updates to
// (the activity's serviceUrl). It records every activity and answers member and meeting look-ups from small tables.
import { randomUUID } from 'node:crypto';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import type { ReceivedRequest } from '../support/loopbackServer.js';

/** A chat member as `GET /v3/conversations/{id}/members/{memberId}` answers it (a TeamsChannelAccount). */
export interface StandInMember {
  id: string;
  name: string;
  aadObjectId?: string;
  userPrincipalName?: string;
  email?: string;
}

/** A meeting's details as `GET /v1/meetings/{meetingId}` answers them (a TeamsMeetingInfo). */
export interface StandInMeetingInfo {
  details: { id: string; joinUrl?: string; title?: string; type?: string };
  conversation: { id: string; isGroup?: boolean; conversationType?: string };
  /** Left out to answer details that name no organizer. */
  organizer?: { id: string; aadObjectId?: string; tenantId?: string };
}

/** An activity Rally sent: a new one (POST, `id` assigned here) or an update of an earlier one (PUT). */
export interface SentActivity {
  kind: 'post' | 'update';
  conversationId: string;
  /** The id the stand-in gave a post, or the id of the activity an update replaces. */
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read Bot Framework JSON freely
  activity: any;
  /** The Authorization header Rally sent it with. */
  authorization?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- adaptive card JSON
export type CardJson = any;

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;
const MEMBER = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/;
const MEETING = /^\/v1\/meetings\/([^/]+)$/;
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

export class ConnectorStandIn {
  readonly sent: SentActivity[] = [];
  private readonly waiters: { ready: () => boolean; resolve: () => void }[] = [];

  private server!: LoopbackServer;
  private holding: { arrived: () => void } | undefined;

  /**
   * From now on, card updates (PUT) get no answer and are not recorded: a Rally killed while one is under way never
   * learns it was delivered. `arrived` resolves when the first one comes; `stop` ends the holding.
   */
  holdUpdates(): { arrived: Promise<void>; stop: () => void } {
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    this.holding = { arrived };
    return { arrived: first, stop: () => (this.holding = undefined) };
  }

  /**
   * From now on, a posted card reaches the chat (it is recorded, with the id Teams gives it) but its poster never hears
   * back: a Rally killed while it waits never learns the card's id. `arrived` resolves with that id when the first one
   * comes; `stop` ends the holding.
   */
  holdCardPosts(): { arrived: Promise<string>; stop: () => void } {
    let arrived!: (id: string) => void;
    const first = new Promise<string>((resolve) => (arrived = resolve));
    this.holdingCards = { arrived };
    return { arrived: first, stop: () => (this.holdingCards = undefined) };
  }

  private holdingCards: { arrived: (id: string) => void } | undefined;

  private readonly meetings = new Map<string, StandInMeetingInfo>();
  /** Every meeting id Rally asked the details of, in order. */
  readonly meetingLookups: string[] = [];

  /** From now on, the meeting details of `meetingId` are answered with `info`; any other meeting's are 404. */
  answerMeeting(meetingId: string, info: StandInMeetingInfo): void {
    this.meetings.set(meetingId, info);
  }

  private constructor(private readonly members: Map<string, StandInMember>) {}

  static async start(members: readonly StandInMember[] = []): Promise<ConnectorStandIn> {
    const standIn = new ConnectorStandIn(new Map(members.map((m) => [m.id, m])));
    standIn.server = await LoopbackServer.start((request, response) => {
      if (standIn.holding && request.method === 'PUT') {
        standIn.holding.arrived();
        return;
      }
      const answer = standIn.receive(request);
      const held = standIn.holdingCards && request.method === 'POST' && adaptiveCardOf(JSON.parse(request.body)) !== undefined;
      if (held) {
        standIn.holdingCards!.arrived((answer.body as { id: string }).id);
        return;
      }
      sendJson(response, answer.status, answer.body);
    });
    return standIn;
  }

  /** Give it to activities as their serviceUrl. */
  get url(): string {
    return this.server.url;
  }

  posts(): SentActivity[] {
    return this.sent.filter((s) => s.kind === 'post');
  }

  updates(): SentActivity[] {
    return this.sent.filter((s) => s.kind === 'update');
  }

  /** The text of every plain message posted, in order. */
  lines(): string[] {
    return this.posts().flatMap((s) => (typeof s.activity.text === 'string' && s.activity.text !== '' ? [s.activity.text as string] : []));
  }

  /** Posts that carry an adaptive card. */
  cardPosts(): SentActivity[] {
    return this.posts().filter((s) => adaptiveCardOf(s.activity) !== undefined);
  }

  /** The card an activity shows now: its latest update's, else the one it was posted with. */
  latestCard(activityId: string): CardJson {
    const versions = this.sent.filter((s) => s.id === activityId);
    const card = versions.map((s) => adaptiveCardOf(s.activity)).filter((c) => c !== undefined).at(-1);
    if (card === undefined) throw new Error(`no card was sent as activity ${activityId}`);
    return card;
  }

  /** Resolves once `ready()` holds for the recorded activities; checked after every request, so no polling. */
  until(ready: (stand: ConnectorStandIn) => boolean, what = 'the expected activities', deadlineMs = 5000): Promise<void> {
    if (ready(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { ready: () => ready(this), resolve };
      this.waiters.push(waiter);
      // A bounded wait so a broken behaviour fails with a message instead of mocha's bare timeout.
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for ${what}; sent so far:\n${JSON.stringify(this.summary(), null, 1)}`));
      }, deadlineMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Waits for the nth (1-based) posted activity and returns it. */
  async nthPost(n: number): Promise<SentActivity> {
    await this.until((s) => s.posts().length >= n, `post #${n}`);
    return this.posts()[n - 1]!;
  }

  /** Waits for a posted line that contains `text` (for at most `deadlineMs`, as `until`). */
  async lineContaining(text: string, deadlineMs?: number): Promise<string> {
    await this.until((s) => s.lines().some((l) => l.includes(text)), `a line containing "${text}"`, deadlineMs);
    return this.lines().find((l) => l.includes(text))!;
  }

  /** A short account of what was sent, for failure messages. */
  summary(): string[] {
    return this.sent.map((s) => `${s.kind} ${s.id}: ${s.activity.text ?? cardText(adaptiveCardOf(s.activity))}`);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private receive(request: ReceivedRequest): { status: number; body: unknown } {
    const path = new URL(request.url, 'http://stand-in').pathname;
    const activities = ACTIVITIES.exec(path);
    const member = MEMBER.exec(path);
    const meeting = MEETING.exec(path);
    if (activities && request.method === 'POST') {
      const id = `act-${randomUUID()}`;
      this.record({ kind: 'post', conversationId: decodeURIComponent(activities[1]!), id, activity: JSON.parse(request.body), authorization: request.headers.authorization });
      return { status: 201, body: { id } };
    }
    if (activities?.[2] && request.method === 'PUT') {
      const id = decodeURIComponent(activities[2]);
      this.record({ kind: 'update', conversationId: decodeURIComponent(activities[1]!), id, activity: JSON.parse(request.body), authorization: request.headers.authorization });
      return { status: 200, body: { id } };
    }
    if (member && request.method === 'GET') {
      const found = this.members.get(decodeURIComponent(member[2]!));
      return found ? { status: 200, body: found } : { status: 404, body: { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found.' } } };
    }
    if (meeting && request.method === 'GET') {
      const meetingId = decodeURIComponent(meeting[1]!);
      this.meetingLookups.push(meetingId);
      const found = this.meetings.get(meetingId);
      return found ? { status: 200, body: found } : { status: 404, body: { error: { code: 'NotFound', message: 'The meeting was not found.' } } };
    }
    return { status: 404, body: { error: { code: 'NotFound', message: `The stand-in does not serve ${request.method} ${path}.` } } };
  }

  private record(activity: SentActivity): void {
    this.sent.push(activity);
    for (const waiter of [...this.waiters]) {
      if (waiter.ready()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bot Framework JSON
export function adaptiveCardOf(activity: any): CardJson | undefined {
  const attachments = (activity?.attachments ?? []) as { contentType?: string; content?: unknown }[];
  return attachments.find((a) => a.contentType === ADAPTIVE)?.content;
}

/** Every TextBlock text in a card, joined: what a person reads on it. */
export function cardText(card: CardJson): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (object.type === 'TextBlock' && typeof object.text === 'string') texts.push(object.text);
      Object.values(object).forEach(walk);
    }
  };
  walk(card);
  return texts.join(' | ');
}
