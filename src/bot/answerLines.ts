// What the chat is told in answer to a command, in the asker's language: one message per line, filled in.
import type { CallDesk, CallRecord, ParticipantChange, UserTarget } from '../calling/index.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { nameParams, sentence } from '../i18n/sentence.js';
import type { Sentence } from '../i18n/sentence.js';
import type { Translator } from '../i18n/translator.js';
import { handleParam, inviteeName } from './callCardView.js';

/** `calls`: one line per live call, in the card's own words (`#1: call, connecting…, Adele Vance (ringing…)`). */
export function callsReply(live: readonly CallRecord[], t: Translator): string {
  if (live.length === 0) return t.t('chat.calls.none');
  return live.map((call) => t.say(sentence('chat.calls.line', { call: call.handle ?? call.callId, summary: summary(call, t) }))).join('\n\n');
}

/** `status` of a call whose card is above: where it stands, said once more. */
export function statusLine(call: CallRecord, t: Translator): string {
  return t.say(sentence('chat.status.line', { call: handleParam(call.handle), summary: summary(call, t) }));
}

export function movingLine(user: UserTarget, call: CallRecord, t: Translator): string {
  const into = handleParam(call.handle);
  return user.displayName === undefined ? t.t('chat.move.movingSomeone', { call: into }) : t.t('chat.move.moving', { who: user.displayName, call: into });
}

export function hangUpLine(outcome: Awaited<ReturnType<CallDesk['hangUp']>>, t: Translator): string {
  return outcome.kind === 'whenConfirmed' ? t.t('chat.hangup.whenConfirmed') : t.t('chat.hangup.hangingUp', { call: handleParam(outcome.call.handle) });
}

const CHANGE_LINES: Record<ParticipantChange['kind'], MessageKey> = {
  muting: 'chat.participant.muting',
  removing: 'chat.participant.removing',
  cancellingInvite: 'chat.participant.cancellingInvite',
};

/** The one line that answers `mute` and `remove`, and their buttons. */
export function changeLine(change: ParticipantChange, t: Translator): string {
  return t.t(CHANGE_LINES[change.kind], { ...nameParams(change.name), call: handleParam(change.call.handle) });
}

/** `meeting, connected, Adele Vance (joined), Lee Gu (ringing…)`: what the call is, where it stands, who is on it. */
function summary(call: CallRecord, t: Translator): Sentence {
  const kind = call.kind === 'meeting' || call.kind === 'guestMeeting' ? 'meeting' : 'call';
  const people = call.invitees.map((i) => t.say(sentence('chat.call.person', { name: inviteeName(i), outcome: i.outcome })));
  return people.length === 0
    ? sentence('chat.call.summary', { kind, state: call.state })
    : sentence('chat.call.summaryWithPeople', { kind, state: call.state, people: { list: people } });
}
