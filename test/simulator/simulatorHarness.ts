import assert from 'node:assert/strict';
// Starts the simulator with a scripted directory and a loopback receiver standing in for the bot's callback.
import { startGraphSimulator } from '../../src/simulator/index.js';
import type { DirectoryContents, GraphSimulator, GraphSimulatorOptions } from '../../src/simulator/index.js';
import { LoopbackServer } from '../support/loopbackServer.js';
import type { LoopbackHandler } from '../support/loopbackServer.js';

export const people = {
  alice: { id: 'a1111111-0000-4000-8000-000000000001', displayName: 'Alice Answers', userPrincipalName: 'alice@contoso.test', outcome: 'answer' },
  bob: { id: 'b2222222-0000-4000-8000-000000000002', displayName: 'Bob Declines', userPrincipalName: 'bob@contoso.test', outcome: 'decline' },
  carol: { id: 'c3333333-0000-4000-8000-000000000003', displayName: 'Carol Away', userPrincipalName: 'carol@contoso.test', outcome: 'noAnswer' },
  dave: { id: 'd4444444-0000-4000-8000-000000000004', displayName: 'Dave Busy', userPrincipalName: 'dave@contoso.test', outcome: 'busy' },
  erin: { id: 'e5555555-0000-4000-8000-000000000005', displayName: 'Erin Answers', userPrincipalName: 'erin@contoso.test', outcome: 'answer' },
} as const;

export const KNOWN_THREAD = '19:meeting_known@thread.v2';
export const TENANT = 'aa67bd4c-8475-432d-bd41-39f255720e0a';

export const testDirectory: DirectoryContents = {
  people: Object.values(people),
  phones: [
    { number: '+12345678901', outcome: 'answer' },
    { number: '+12345678902', outcome: 'busy' },
  ],
  meetings: [
    { threadId: KNOWN_THREAD, attendees: [{ id: people.erin.id, displayName: people.erin.displayName }] },
    { joinMeetingId: '1234567', passcode: 'psw123', attendees: [{ id: people.alice.id, displayName: people.alice.displayName }] },
  ],
  unknownTargets: 'notFound',
};

export interface GraphReply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read Graph JSON freely
}

export interface Notification {
  changeType: string;
  resourceUrl: string;
  resource?: string;
  callbackUri?: string;
  resourceData: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class Harness {
  private constructor(
    readonly sim: GraphSimulator,
    readonly receiver: LoopbackServer,
  ) {}

  static async start(options: GraphSimulatorOptions = {}, handler?: LoopbackHandler): Promise<Harness> {
    const receiver = await LoopbackServer.start(handler ?? ((_request, response) => void (response.writeHead(202), response.end())));
    const sim = await startGraphSimulator({ deliveryDelayMs: 1, directory: testDirectory, tenantId: TENANT, ...options });
    return new Harness(sim, receiver);
  }

  get callbackUri(): string {
    return `${this.receiver.url}/api/calling`;
  }

  async graph(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphReply> {
    const url = path.startsWith('/beta/') ? `${this.sim.origin}${path}` : `${this.sim.baseUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: { authorization: 'Bearer any-token', 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** Creates a call and waits until its notifications were delivered. */
  async createCall(body: Record<string, unknown>): Promise<GraphReply> {
    const reply = await this.graph('POST', '/communications/calls', { callbackUri: this.callbackUri, ...body });
    await this.sim.idle();
    return reply;
  }

  /** Every notification the receiver got, in order, with the POST (envelope) index it came in. */
  notifications(): (Notification & { post: number })[] {
    return this.receiver.requests.flatMap((r, post) => (JSON.parse(r.body) as { value: Notification[] }).value.map((n) => ({ ...n, post })));
  }

  notificationsFor(callId: string): (Notification & { post: number })[] {
    return this.notifications().filter((n) => n.resourceUrl.startsWith(`/communications/calls/${callId}`));
  }

  /** The call states notified for a call, in order. */
  statesOf(callId: string): string[] {
    return this.notificationsFor(callId)
      .filter((n) => n.resourceUrl === `/communications/calls/${callId}`)
      .map((n) => n.resourceData.state as string);
  }

  rostersOf(callId: string): Notification[] {
    return this.notificationsFor(callId).filter((n) => n.resourceUrl.endsWith('/participants'));
  }

  async close(): Promise<void> {
    await this.sim.close();
    await this.receiver.close();
  }
}

const user = (person: { id: string; displayName: string }) => ({
  '@odata.type': '#microsoft.graph.identitySet',
  user: { '@odata.type': '#microsoft.graph.identity', id: person.id, displayName: person.displayName },
});

export const invitation = (person: { id: string; displayName: string }, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: user(person),
  ...extra,
});

export const phoneInvitation = (number: string) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { '@odata.type': '#microsoft.graph.identitySet', phone: { '@odata.type': '#microsoft.graph.identity', id: number } },
});

const serviceHosted = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' };

export const peerToPeerCall = (person: { id: string; displayName: string }) => ({
  '@odata.type': '#microsoft.graph.call',
  targets: [invitation(person)],
  requestedModalities: ['audio'],
  mediaConfig: serviceHosted,
});

export const groupCall = (...targets: { id: string; displayName: string }[]) => ({
  '@odata.type': '#microsoft.graph.call',
  direction: 'outgoing',
  subject: 'Rally',
  source: { '@odata.type': '#microsoft.graph.participantInfo', identity: { '@odata.type': '#microsoft.graph.identitySet', application: { '@odata.type': '#microsoft.graph.identity', id: 'rally-local', displayName: 'Rally' } } },
  targets: targets.map((t) => invitation(t)),
  requestedModalities: ['audio'],
  mediaConfig: { ...serviceHosted, removeFromDefaultAudioGroup: false },
  tenantId: TENANT,
});

export const pstnCall = (number: string) => ({
  '@odata.type': '#microsoft.graph.call',
  source: { '@odata.type': '#microsoft.graph.participantInfo', identity: { '@odata.type': '#microsoft.graph.identitySet', applicationInstance: { '@odata.type': '#microsoft.graph.identity', id: '3d913abb-aec0-4964-8fa6-3c6850c4f278', displayName: 'Rally' } } },
  targets: [phoneInvitation(number)],
  requestedModalities: ['audio'],
  mediaConfig: serviceHosted,
  tenantId: TENANT,
});

export const meetingJoin = (threadId: string, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.call',
  requestedModalities: ['audio'],
  mediaConfig: serviceHosted,
  chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId, messageId: '0' },
  meetingInfo: {
    '@odata.type': '#microsoft.graph.organizerMeetingInfo',
    organizer: { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', id: people.alice.id, tenantId: TENANT, displayName: people.alice.displayName } },
    allowConversationWithoutHost: true,
  },
  tenantId: TENANT,
  ...extra,
});

export const guestSource = {
  '@odata.type': '#microsoft.graph.participantInfo',
  identity: { '@odata.type': '#microsoft.graph.identitySet', guest: { '@odata.type': '#microsoft.graph.identity', id: 'd7a3b999-17ac-4bca-9e77-e6a730d2ec2e', displayName: 'Rally guest' } },
};

export const joinMeetingById = (joinMeetingId: string, passcode?: string) => ({
  '@odata.type': '#microsoft.graph.call',
  requestedModalities: ['audio'],
  mediaConfig: serviceHosted,
  meetingInfo: { '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo', joinMeetingId, ...(passcode === undefined ? {} : { passcode }) },
  tenantId: TENANT,
});

/** Asserts that `actual` has every property of `expected` (deeply equal); other properties are allowed. */
export function assertIncludes(actual: unknown, expected: Record<string, unknown>): void {
  assert.ok(typeof actual === 'object' && actual !== null, `expected an object, got ${JSON.stringify(actual)}`);
  const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, (actual as Record<string, unknown>)[k]]));
  assert.deepEqual(picked, expected);
}
