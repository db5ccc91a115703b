// A meeting's own chat: Teams names the meeting in each activity's channelData.meeting.id, and the Bot Connector's
// meeting details (GET {serviceUrl}v1/meetings/{id}) give its join link and name its organizer, which Graph needs to
// join it.
import { TeamsInfo } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { InvalidRequestError, meetingOfItsChat, parseMeetingLink } from '../calling/index.js';
import { RallyError } from '../errors/rallyError.js';
import type { OrganizerMeeting } from '../calling/index.js';
import { sentence } from '../i18n/sentence.js';
import { chatKeyOf } from './chats.js';

// Teams' meeting ids are base64 text of a bounded size; anything else is not one, and is never sent on.
const MEETING_ID = /^[A-Za-z0-9+/_=-]{1,512}$/;

const NO_ORGANIZER = sentence('chat.error.noOrganizer');

/** The meeting id of a meeting chat's activity; undefined in any other chat, or when the value is not a meeting id. */
export function meetingIdOf(context: TurnContext): string | undefined {
  const meeting = field(context.activity.channelData, 'meeting');
  const id = field(meeting, 'id');
  return typeof id === 'string' && MEETING_ID.test(id) ? id : undefined;
}

/**
 * `join` alone: the meeting of the chat it was typed in. Throws a sentence for the person outside a meeting chat, or
 * when Teams does not say who organizes the meeting; nothing reaches Graph then.
 */
export async function meetingOfThisChat(context: TurnContext, chatTenantId: string): Promise<OrganizerMeeting> {
  const meetingId = meetingIdOf(context);
  if (meetingId === undefined) throw new InvalidRequestError('notAMeetingChat', sentence('chat.error.notAMeetingChat'));
  let info: unknown;
  try {
    info = await TeamsInfo.getMeetingInfo(context, meetingId);
  } catch (error) {
    // 403 when the app lacks the chat permission OnlineMeeting.ReadBasic.Chat, 404 for a meeting that is gone.
    const detail = `the Bot Connector answered ${String(field(error, 'statusCode') ?? 'nothing')} for the meeting's details`;
    throw new InvalidRequestError('meetingDetailsRefused', NO_ORGANIZER, { cause: error, detail });
  }
  // The meeting's own join link names its thread and, for a channel meeting, the channel post it hangs under, which
  // the chat's id alone does not; a link Rally cannot read leaves the chat's thread with the organizer Teams names.
  const linked = joinLinkOf(info);
  if (linked !== undefined) return linked;
  const organizer = field(info, 'organizer');
  const organizerId = field(organizer, 'aadObjectId');
  if (typeof organizerId !== 'string' || organizerId === '') throw new InvalidRequestError('meetingWithoutOrganizer', NO_ORGANIZER);
  // Graph wants the organizer's own tenant (another organization's, for a meeting Rally's people were invited to);
  // the chat's stands in when Teams leaves it out.
  const organizerTenant = field(organizer, 'tenantId');
  return meetingOfItsChat(chatKeyOf(context), { id: organizerId, tenantId: typeof organizerTenant === 'string' ? organizerTenant : chatTenantId });
}

function joinLinkOf(info: unknown): OrganizerMeeting | undefined {
  const joinUrl = field(field(info, 'details'), 'joinUrl');
  if (typeof joinUrl !== 'string') return undefined;
  try {
    const meeting = parseMeetingLink(joinUrl);
    return meeting.kind === 'organizer' ? meeting : undefined;
  } catch (error) {
    if (error instanceof RallyError) return undefined;
    throw error;
  }
}

/** One property of what may be an object: Teams' JSON is read without trusting its shape. */
function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
