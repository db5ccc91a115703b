import { expandCard } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

// Rally's chat commands (see commands.ts), as the help card lists them.
const COMMANDS: { usage: string; what: string }[] = [
  { usage: 'call ‹person›', what: 'A one-to-one call, or a phone call to a number (call alice@contoso.com, call +14255550100)' },
  { usage: 'call ‹person› ‹person› …', what: 'A group call with 2 to 5 people' },
  { usage: 'bridge [title]', what: 'Opens an incident bridge: a Teams meeting for you that everyone in the chat can join, with Rally in it to invite and page people' },
  { usage: 'join ‹meeting link›', what: 'Joins a scheduled or channel meeting' },
  { usage: 'join ‹meeting id› passcode ‹code›', what: 'Joins by meeting id; add "as guest ‹name›" to join as a guest' },
  { usage: 'join', what: 'In a meeting\'s own chat: joins that meeting' },
  { usage: 'invite ‹person› … [to #1]', what: 'Invites people or phone numbers into this chat\'s call' },
  { usage: 'escalate ‹person› … [from #1]', what: 'Turns a one-to-one call into a group call with more people' },
  { usage: 'move ‹person› from #1 to #2', what: 'Moves someone between two meetings Rally is in' },
  { usage: 'calls', what: 'The calls going on from this chat' },
  { usage: 'status [#1]', what: 'State and people of a call' },
  { usage: 'hangup [#1]', what: 'Ends a call' },
  { usage: 'mute ‹person› [in #1]', what: 'Mutes someone in a group call or meeting; they can unmute themselves' },
  { usage: 'remove ‹person› [from #1]', what: 'Drops someone from a group call or meeting, or cancels their invite while it rings' },
  {
    usage: 'page ‹person› then ‹person› … [into #1] [after 30s]',
    what: 'Rings up to 5 people or numbers in turn until one presses 1, then brings them into this chat\'s call',
  },
  { usage: 'team ‹name› = ‹person› …', what: 'Names up to 10 people or numbers once, in order, for "call ‹name›", "invite ‹name›", "page ‹name›" and the rest' },
  { usage: 'team ‹name› [delete]', what: 'Shows a team\'s people, or deletes the team' },
  { usage: 'teams', what: 'This chat\'s teams (a channel shares its teams with every channel of its Teams team)' },
  { usage: 'doctor', what: 'Checks Rally\'s setup: Graph token and permissions, public address, PSTN (admins only)' },
];

/** `inMeetingChat`: the card is for a meeting's own chat, and offers to join that meeting. */
export function renderHelpCard(botName: string, { hint = '', inMeetingChat = false }: { hint?: string; inMeetingChat?: boolean } = {}): AdaptiveCardJson {
  return expandCard('helpCard', { botName, hint, commands: COMMANDS, inMeetingChat });
}
