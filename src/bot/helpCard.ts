import { randomUUID } from 'node:crypto';
import { MAX_PAGE_STEPS } from '../calling/index.js';
import type { Translator } from '../i18n/translator.js';
import { EXAMPLES, MAX_TEAM_SIZE } from './commandParser.js';
import { expandCard } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

// Rally's chat commands (see commands.ts), as the help card lists them: each has `helpCard.<name>.usage` and `.what`.
// Each language writes its usage lines in its own command words (its commands.json), so what the card shows is what
// the parser reads; a test reads every line back, in every language, as the English line's command.
const COMMANDS = [
  'call',
  'groupCall',
  'bridge',
  'joinLink',
  'joinId',
  'joinHere',
  'invite',
  'escalate',
  'move',
  'calls',
  'status',
  'hangup',
  'mute',
  'remove',
  'page',
  'teamDefine',
  'teamShow',
  'teams',
  'doctor',
] as const;

/** The most people some commands take, as the parser holds them to it. */
const LIMIT_OF: Partial<Record<(typeof COMMANDS)[number], number>> = { page: MAX_PAGE_STEPS, teamDefine: MAX_TEAM_SIZE };

/**
 * `inMeetingChat`: the card is for a meeting's own chat, and offers to join that meeting. Each card drawn is a copy of
 * its own (`copy`, in its buttons' data), so that a press acts once per copy: a double click joins one meeting, and
 * the fresh copy a press is answered with acts again.
 */
export function renderHelpCard(t: Translator, botName: string, { inMeetingChat = false, copy = randomUUID() }: { inMeetingChat?: boolean; copy?: string } = {}): AdaptiveCardJson {
  const commands = COMMANDS.map((name) => ({
    usage: t.t(`helpCard.${name}.usage`),
    what: t.t(`helpCard.${name}.what`, { max: LIMIT_OF[name] ?? 0 }),
  }));
  const text = {
    title: t.t('helpCard.title', { botName }),
    naming: t.t('helpCard.naming'),
    tryCommand: t.t('helpCard.tryCommand'),
    run: t.t('helpCard.run'),
    myCalls: t.t('helpCard.myCalls'),
    status: t.t('helpCard.status'),
    joinThisMeeting: t.t('helpCard.joinThisMeeting'),
    // The field's example is typed in the reader's words; the buttons' presets are verbs, read alike in every language.
    example: t.say(EXAMPLES.call),
  };
  return expandCard('helpCard', { commands, inMeetingChat, text, copy });
}
