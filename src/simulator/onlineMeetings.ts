// Graph's onlineMeetings as the simulator serves them: `POST /users/{id}/onlineMeetings/createOrGet` makes a standalone
// meeting for that organizer (one per externalId, as Graph keeps them), joinable at once through the directory by its
// chat thread or its meeting id and passcode; `GET /users/{id}/onlineMeetings?$filter=JoinWebUrl eq '…'` finds one.
// Both need the tenant's application access policy for the organizer, refused without it as Graph does.
import { randomInt, randomUUID } from 'node:crypto';
import type { Directory } from './directory.js';
import { GraphError, badRequest } from './graphError.js';
import type { JsonObject } from './graphShapes.js';

/** Whom the tenant's application access policy lets Rally create meetings for: everyone, nobody, or these object ids. */
export type MeetingAccessPolicy = 'global' | 'none' | readonly string[];

export interface CreatedMeeting {
  organizerId: string;
  externalId: string;
  /** The Accept-Language the request carried, as Graph would write the join information in it. */
  language?: string;
  body: JsonObject;
}

export class OnlineMeetings {
  private readonly made: CreatedMeeting[] = [];

  constructor(
    private readonly directory: Directory,
    private readonly tenantId: string,
    private policy: MeetingAccessPolicy,
  ) {}

  /** Every meeting made, in order (a createOrGet that found one makes none). */
  get created(): readonly CreatedMeeting[] {
    return this.made;
  }

  setPolicy(policy: MeetingAccessPolicy): void {
    this.policy = policy;
  }

  /** 201 with a new meeting, or 200 with the organizer's meeting of that externalId. */
  createOrGet(organizerId: string, body: unknown, language: string | undefined): { status: number; body: JsonObject } {
    this.requirePolicy(organizerId);
    const request = readRequest(body);
    const existing = this.made.find((m) => m.organizerId === organizerId && m.externalId === request.externalId);
    if (existing) return { status: 200, body: existing.body };
    const meeting = this.newMeeting(organizerId, request);
    this.made.push({ organizerId, externalId: request.externalId, ...(language === undefined ? {} : { language }), body: meeting });
    return { status: 201, body: meeting };
  }

  /** The organizer's meetings whose join link is `joinWebUrl` (Graph's only documented app-only filter). */
  findByJoinUrl(organizerId: string, filter: string | null): JsonObject {
    this.requirePolicy(organizerId);
    const url = /^JoinWebUrl eq '(.*)'$/i.exec(filter ?? '')?.[1];
    if (url === undefined) throw badRequest("Filter the organizer's meetings with $filter=JoinWebUrl eq '<join link>'.");
    return { value: this.made.filter((m) => m.organizerId === organizerId && m.body.joinWebUrl === url).map((m) => m.body) };
  }

  private requirePolicy(organizerId: string): void {
    const granted = this.policy === 'global' || (Array.isArray(this.policy) && this.policy.some((id) => id.toLowerCase() === organizerId.toLowerCase()));
    if (!granted) throw new GraphError(403, 'Forbidden', 'No application access policy found for this app.');
  }

  private newMeeting(organizerId: string, request: { externalId: string; subject?: string }): JsonObject {
    const threadId = `19:meeting_${randomUUID().replaceAll('-', '')}@thread.v2`;
    const joinMeetingId = String(randomInt(100_000_000_000, 999_999_999_999));
    const passcode = randomUUID().replaceAll('-', '').slice(0, 6);
    this.directory.addMeeting({ threadId, joinMeetingId, passcode, attendees: [] });
    const start = new Date();
    const context = encodeURIComponent(JSON.stringify({ Tid: this.tenantId, Oid: organizerId }));
    return {
      '@odata.type': '#microsoft.graph.onlineMeeting',
      id: randomUUID(),
      externalId: request.externalId,
      subject: request.subject ?? null,
      creationDateTime: start.toISOString(),
      startDateTime: start.toISOString(),
      endDateTime: new Date(start.getTime() + 3_600_000).toISOString(),
      joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(threadId)}/0?context=${context}`,
      chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId, messageId: '0', replyChainMessageId: null },
      joinMeetingIdSettings: { isPasscodeRequired: true, joinMeetingId, passcode },
      participants: {
        organizer: { identity: { user: { id: organizerId, tenantId: this.tenantId, displayName: null } }, upn: null, role: 'presenter' },
        attendees: [],
      },
    };
  }
}

function readRequest(body: unknown): { externalId: string; subject?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be an onlineMeeting object.');
  const { externalId, subject } = body as Record<string, unknown>;
  if (typeof externalId !== 'string' || externalId === '') throw badRequest('externalId is required.');
  if (subject !== undefined && typeof subject !== 'string') throw badRequest('subject must be a string.');
  return { externalId, ...(subject === undefined ? {} : { subject }) };
}
