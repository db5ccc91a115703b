// A bridge: a Teams meeting Rally creates for the person who asked (Graph's onlineMeetings createOrGet), joins at once,
// and shows as the chat's call, with its join link for everyone in the chat. The meeting is asked for under the
// intent's own id as `externalId`, so asking again (a redelivery, a restart after a crash) finds the same meeting
// instead of making a second one.
import { sentence } from '../../i18n/sentence.js';
import type { Sentence, Words } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';
import type { OnlineMeeting } from '../requests/graphTypes.js';
import type { OrganizerMeeting } from '../targets/meetingLink.js';

/** What a `bridge` command asks for, recorded on its intent before Graph is asked. */
export interface BridgeAsk {
  /** The meeting's subject: the title given, or the chat's name and the time. */
  subject: string;
  /** The requester's Entra object id: the meeting's organizer. */
  organizerId: string;
  /** The requester's language (BCP 47), for the join information Graph writes. */
  language?: string;
}

/** The meeting Graph made, as Rally keeps it on the intent and on the bridge's call record. */
export interface BridgeMeeting {
  subject: string;
  joinWebUrl: string;
  threadId: string;
  messageId: string;
  organizerId: string;
  tenantId: string;
  /** For people dialing in or typing the id, when Graph gives them. */
  joinMeetingId?: string;
  passcode?: string;
}

// A title longer than this is refused: a meeting subject is a line, not a message.
const MAX_BRIDGE_TITLE = 200;

/**
 * The subject of a bridge: its title as typed, or the chat's name (when it has one) and when it was opened, to be said
 * in the requester's language and zone (the meeting is theirs, and its subject is read in calendars, far from the chat).
 */
export function bridgeSubject(title: string | undefined, chatName: string | undefined, now: Date): Words {
  const given = title?.trim() ?? '';
  if (given.length > MAX_BRIDGE_TITLE) {
    throw new InvalidRequestError('bridgeTitleTooLong', sentence('calling.bridge.titleTooLong', { max: MAX_BRIDGE_TITLE }));
  }
  if (given !== '') return given;
  const at = { dateTime: now.toISOString() };
  const name = chatName?.trim().slice(0, MAX_BRIDGE_TITLE - 50);
  return name ? sentence('calling.bridge.subject.ofChat', { chat: name, at }) : sentence('calling.bridge.subject.plain', { at });
}

/** Graph's answer, as Rally keeps it; an answer without what joining needs is refused, not stored half. */
export function bridgeMeetingOf(meeting: OnlineMeeting, ask: BridgeAsk, tenantId: string): BridgeMeeting {
  const threadId = meeting.chatInfo?.threadId;
  if (typeof meeting.joinWebUrl !== 'string' || !/^https:\/\//i.test(meeting.joinWebUrl) || typeof threadId !== 'string' || threadId === '') {
    throw new InvalidRequestError('bridgeMeetingUnreadable', sentence('calling.bridge.meetingUnreadable'));
  }
  const settings = meeting.joinMeetingIdSettings;
  return {
    subject: meeting.subject ?? ask.subject,
    joinWebUrl: meeting.joinWebUrl,
    threadId,
    messageId: meeting.chatInfo.messageId || '0',
    organizerId: meeting.participants?.organizer?.identity?.user?.id ?? ask.organizerId,
    tenantId,
    ...(settings?.joinMeetingId ? { joinMeetingId: settings.joinMeetingId } : {}),
    ...(settings?.passcode ? { passcode: settings.passcode } : {}),
  };
}

/** How Rally joins its own bridge: Graph's organizerMeetingInfo and the meeting's chat. */
export function meetingToJoin(bridge: BridgeMeeting): OrganizerMeeting {
  return { kind: 'organizer', threadId: bridge.threadId, messageId: bridge.messageId, organizer: { id: bridge.organizerId, tenantId: bridge.tenantId } };
}

/**
 * What a Teams admin must run once so that Graph lets Rally create meetings for people (Graph's create onlineMeeting
 * document: "Allow applications to access online meetings on behalf of a user").
 */
export function accessPolicyCommands(appId: string): string {
  return `New-CsApplicationAccessPolicy -Identity Rally-Bridges -AppIds "${appId}"; Grant-CsApplicationAccessPolicy -PolicyName Rally-Bridges -Global`;
}

/** The chat's one line when the tenant has not granted Rally an access policy for the organizer. */
export function accessPolicySentence(appId: string): Sentence {
  return sentence('calling.bridge.accessPolicyMissing', { commands: accessPolicyCommands(appId) });
}

/** The one line that lets anyone in the chat into the bridge: its link, and the id and passcode for dialing in. */
export function joinLine(meeting: BridgeMeeting): Sentence {
  const url = meeting.joinWebUrl;
  if (!meeting.joinMeetingId) return sentence('calling.bridge.joinLine', { url });
  const id = spacedMeetingId(meeting.joinMeetingId);
  return meeting.passcode ? sentence('calling.bridge.joinLineWithPasscode', { url, id, passcode: meeting.passcode }) : sentence('calling.bridge.joinLineWithId', { url, id });
}

/** A meeting id as Teams prints it in invitations: in groups of three digits. */
export function spacedMeetingId(id: string): string {
  return id.replace(/(\d{3})(?=\d)/g, '$1 ');
}
