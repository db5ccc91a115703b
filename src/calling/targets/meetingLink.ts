import type { MessageKey } from '../../i18n/catalogs.js';
import { sentence } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';

/**
 * A meeting Rally can join, as the person identified it.
 * - `organizer`: the long join link names the meeting chat, its message and the organizer; Graph joins with
 *   `chatInfo` + `organizerMeetingInfo`.
 * - `meetingId`: the short link (`/meet/<id>?p=<passcode>`) and the invite's "Meeting ID" carry only the numeric
 *   meeting id and passcode, which is exactly Graph's `joinMeetingIdMeetingInfo`: no lookup needed to join with it.
 */
export type MeetingToJoin = OrganizerMeeting | MeetingById;

export interface OrganizerMeeting {
  kind: 'organizer';
  /** `19:meeting_...@thread.v2` for scheduled meetings, the channel's `19:...@thread.skype` for channel meetings. */
  threadId: string;
  /** `0` for scheduled meetings, the meeting post's id for channel meetings. */
  messageId: string;
  /** The channel post the meeting hangs under, when the link names it (`MessageId` in its context). */
  replyChainMessageId?: string;
  organizer: { id: string; tenantId: string };
}

export interface MeetingById {
  kind: 'meetingId';
  meetingId: string;
  passcode?: string;
}

// Work and school Teams, including the US government clouds Graph calling serves. teams.live.com (Teams free) is
// refused by name: those meetings live outside any tenant, so a tenant's calling bot cannot join them.
const TEAMS_HOSTS = new Set(['teams.microsoft.com', 'teams.cloud.microsoft', 'gov.teams.microsoft.us', 'dod.teams.microsoft.us']);
const CONSUMER_TEAMS_HOST = 'teams.live.com';
// Outlook rewrites links in mail as https://<region>.safelinks.protection.outlook.com/?url=<the link>&...
const SAFE_LINKS_HOST = /(^|\.)safelinks\.protection\.outlook\.com$/i;

const THREAD_ID = /^19:[^\s@/]+@thread\.[a-z0-9]+$/i;
const MESSAGE_ID = /^\d+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a Teams meeting join link, long (`/l/meetup-join/<thread>/<message>?context={"Tid":...,"Oid":...}`) or short
 * (`/meet/<meeting id>?p=<passcode>`). Throws `InvalidRequestError` saying what is wrong with the link, and nothing
 * else, whatever the text.
 */
export function parseMeetingLink(text: string): MeetingToJoin {
  return parseUrl(text.trim(), true);
}

/** The `join <meeting id> [passcode <code>]` form. The id may be spaced as invites print it (`123 456 789 012`). */
export function meetingById(meetingId: string, passcode?: string): MeetingById {
  const digits = meetingId.replace(/\s+/g, '');
  if (!/^\d{1,32}$/.test(digits)) {
    throw refuse('invalidMeetingId', 'calling.meetingLink.invalidMeetingId');
  }
  const code = passcode?.trim();
  return { kind: 'meetingId', meetingId: digits, ...(code ? { passcode: code } : {}) };
}

/**
 * The meeting whose own chat a message came from: the chat is the meeting's thread, with message id `0` (as a
 * scheduled meeting's join link has it), and Teams' meeting details name its organizer. Throws `InvalidRequestError`
 * when what Teams said cannot be joined with.
 */
export function meetingOfItsChat(threadId: string, organizer: { id: string; tenantId: string }): OrganizerMeeting {
  if (!THREAD_ID.test(threadId) || !GUID.test(organizer.id) || !GUID.test(organizer.tenantId)) {
    throw refuse('meetingChatUnreadable', 'calling.meetingLink.meetingChatUnreadable');
  }
  return { kind: 'organizer', threadId, messageId: '0', organizer: { id: organizer.id, tenantId: organizer.tenantId } };
}

function parseUrl(text: string, mayUnwrap: boolean): MeetingToJoin {
  if (!URL.canParse(text)) {
    throw refuse('notAMeetingLink', 'calling.meetingLink.notALink');
  }
  const url = new URL(text);
  const host = url.hostname.toLowerCase();
  const wrapped = url.searchParams.get('url');
  if (mayUnwrap && SAFE_LINKS_HOST.test(host) && wrapped) return parseUrl(wrapped.trim(), false);
  if (host === CONSUMER_TEAMS_HOST) {
    throw refuse('consumerMeetingLink', 'calling.meetingLink.consumer');
  }
  if (url.protocol !== 'https:' || !TEAMS_HOSTS.has(host)) {
    throw refuse('notAMeetingLink', 'calling.meetingLink.notTeams');
  }
  const path = url.pathname.split('/').filter((s) => s !== '');
  const [first, second, third, fourth] = path.map((s) => s.toLowerCase());
  if (first === 'l' && second === 'meetup-join' && third !== undefined && fourth !== undefined) {
    return organizerMeeting(path[2]!, path[3]!, url.searchParams.get('context'));
  }
  if (first === 'meet' && second !== undefined && path.length === 2) {
    const passcode = url.searchParams.get('p') ?? undefined;
    if (!/^\d+$/.test(path[1]!)) throw refuse('meetingLinkDamaged', 'calling.meetingLink.idNotANumber');
    return meetingById(path[1]!, passcode);
  }
  throw refuse('notAMeetingLink', 'calling.meetingLink.notAJoinLink');
}

function organizerMeeting(threadSegment: string, messageSegment: string, contextText: string | null): OrganizerMeeting {
  const threadId = decode(threadSegment);
  const messageId = decode(messageSegment);
  if (threadId === undefined || !THREAD_ID.test(threadId) || messageId === undefined || !MESSAGE_ID.test(messageId)) {
    throw refuse('meetingLinkDamaged', 'calling.meetingLink.chatIdUnreadable');
  }
  if (contextText === null) {
    throw refuse('meetingLinkDamaged', 'calling.meetingLink.cutShort');
  }
  const context = parseContext(contextText);
  const tenantId = context?.['Tid'];
  const organizerId = context?.['Oid'];
  const replyChainMessageId = context?.['MessageId'];
  if (typeof tenantId !== 'string' || !GUID.test(tenantId)) {
    throw refuse('meetingLinkDamaged', 'calling.meetingLink.noTenant');
  }
  if (typeof organizerId !== 'string' || !GUID.test(organizerId)) {
    throw refuse('meetingLinkDamaged', 'calling.meetingLink.noOrganizer');
  }
  if (replyChainMessageId !== undefined && (typeof replyChainMessageId !== 'string' || !MESSAGE_ID.test(replyChainMessageId))) {
    throw refuse('meetingLinkDamaged', 'calling.meetingLink.postUnreadable');
  }
  return {
    kind: 'organizer',
    threadId,
    messageId,
    ...(replyChainMessageId === undefined ? {} : { replyChainMessageId }),
    organizer: { id: organizerId, tenantId },
  };
}

function parseContext(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    throw refuse('meetingLinkDamaged', 'calling.meetingLink.contextUnreadable');
  }
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function refuse(code: string, key: MessageKey): InvalidRequestError {
  return new InvalidRequestError(code, sentence(key));
}
