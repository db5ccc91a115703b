// What the chat surface remembers per chat: how to reach it later (proactive posts), and which requests it has
// handled, so that a button pressed twice (or its press delivered again) acts once.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { TurnContext } from 'botbuilder';
import type { TeamsChannelData } from 'botbuilder';
import { languageFields } from '../i18n/translator.js';
import type { RequestLanguage } from '../i18n/translator.js';
import type { Logger } from '../log/logger.js';
import type { ChatRecords, ConversationRecord } from './chatRecords.js';
import { localeOf } from './locale.js';

/** The chat key of a turn: one conversation (personal chat, group chat, or channel thread root). */
export function chatKeyOf(context: TurnContext): string {
  return context.activity.conversation.id.split(';messageid=')[0]!;
}

/**
 * Where a turn's teams of people are kept: a channel's belong to its Teams team, so that every channel of that team
 * shares them; any other chat (personal, group chat, a meeting's chat) keeps its own.
 */
export function peopleTeamsScopeOf(context: TurnContext): string {
  const { team, meeting } = (context.activity.channelData ?? {}) as TeamsChannelData;
  return typeof team?.id === 'string' && team.id !== '' && !meeting ? `team/${team.id}` : `chat/${chatKeyOf(context)}`;
}

/** Where a turn keeps the people its cards refresh for (see refreshAudience). */
const REFRESH_AUDIENCE = Symbol('rally.refreshAudience');
/** Teams refreshes a card for at most 60 named people; Rally keeps no more than that per chat. */
const PEOPLE_KEPT = 60;

/**
 * Whom a card posted in this turn asks Teams to refresh for by itself: the chat's people Rally has heard from, or at
 * least the one in this turn. In a chat of fewer than 60 people Teams refreshes a card for everyone anyway.
 */
export function refreshAudience(context: TurnContext): string[] {
  const known = context.turnState.get(REFRESH_AUDIENCE) as string[] | undefined;
  if (known) return known;
  const speaker = context.activity.from?.id;
  return speaker ? [speaker] : [];
}

/** Where a proactive turn keeps the language last seen in its chat (see turnLanguage). */
const CHAT_LANGUAGE = Symbol('rally.chatLanguage');

/**
 * The language of what a turn posts: its activity's, or in a report (a proactive turn, whose activity names none) the
 * one last seen in the chat; English when neither says.
 */
export function turnLanguage(context: TurnContext): RequestLanguage {
  const own = localeOf(context.activity);
  if (own.locale !== undefined) return own;
  return (context.turnState.get(CHAT_LANGUAGE) as RequestLanguage | undefined) ?? own;
}

/**
 * The language of a report about a request: the one it was made in, as its record keeps it; for a record written
 * before Rally kept one, the chat's (see turnLanguage), else English.
 */
export function reportLanguage(context: TurnContext, record: RequestLanguage): RequestLanguage {
  return record.locale === undefined ? turnLanguage(context) : languageFields(record);
}

/** How long a chat's record may say it was last seen before a message writes it again (retention counts from it). */
const SEEN_AGAIN_AFTER_MS = 3_600_000;

/** The turn's speaker: their Bot Framework id, and their Entra object id (lower case), which page targets name. */
interface Speaker {
  id?: string;
  entraId?: string;
}

/** Whether the stored record already holds this turn's reference, speaker and language, and was seen recently enough. */
function isCurrent(known: ConversationRecord, reference: Partial<ConversationReference>, speaker: Speaker, language: RequestLanguage, now: number): boolean {
  const { lastSeenAt, people = [], activityId: _knownActivity, locale: _locale, timeZone: _timeZone, locales: _locales, ...knownReference } = known;
  // The reference carries the activity's own locale tag; the record keeps the canonical one, compared on its own below.
  const { activityId: _thisActivity, locale: _turnLocale, ...turnReference } = reference;
  return (
    now - Date.parse(lastSeenAt ?? '') < SEEN_AGAIN_AFTER_MS &&
    (speaker.id === undefined || people.includes(speaker.id)) &&
    (language.locale === undefined || isDeepStrictEqual(languageFields(known), language)) &&
    (language.locale === undefined || speaker.entraId === undefined || localeIn(known, speaker.entraId) === language.locale) &&
    isDeepStrictEqual(knownReference, JSON.parse(JSON.stringify(turnReference)))
  );
}

function peopleSeen(before: readonly string[] | undefined, speaker: string | undefined): string[] {
  const kept = (before ?? []).filter((id) => typeof id === 'string' && id !== speaker);
  return (speaker ? [speaker, ...kept] : kept).slice(0, PEOPLE_KEPT);
}

/** The record's locales by Entra object id; none when it holds something else. */
function localesOf(record: ConversationRecord | undefined): Readonly<Record<string, unknown>> {
  const locales: unknown = record?.locales;
  return typeof locales === 'object' && locales !== null && !Array.isArray(locales) ? (locales as Record<string, unknown>) : {};
}

function localeIn(record: ConversationRecord | undefined, entraId: string): string | undefined {
  const locales = localesOf(record);
  const locale = Object.hasOwn(locales, entraId) ? locales[entraId] : undefined;
  return typeof locale === 'string' ? locale : undefined;
}

/** The speaker's locale first (a turn that names none leaves theirs where it was), then the others', at most as many as `people`. */
function localesSeen(before: ConversationRecord | undefined, speaker: Speaker, locale: string | undefined): Record<string, string> {
  const kept = Object.entries(localesOf(before)).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && (locale === undefined || entry[0] !== speaker.entraId));
  const own: [string, string][] = speaker.entraId !== undefined && locale !== undefined ? [[speaker.entraId, locale]] : [];
  return Object.fromEntries([...own, ...kept].slice(0, PEOPLE_KEPT));
}

export interface ChatsOptions {
  adapter: CloudAdapter;
  /** The bot's app id, or '' in local mode (no credentials, as the Emulator does). */
  botAppId: string;
  records: Pick<ChatRecords, 'conversations' | 'handledRequests'>;
  /** How long a button press's run holds it (see actOnce): longer than the Graph requests one press sends. */
  pressClaimMs: number;
  log: Logger;
}

export class Chats {
  constructor(private readonly options: ChatsOptions) {}

  /**
   * Keeps the turn's conversation reference, so reports can be posted there later, who spoke, and in which language
   * (a turn that names none leaves the last one seen), the chat's and the speaker's own. A chat whose record
   * already says so, and was seen within the hour, is not written again: a message costs no store request for it.
   *
   * The speaker's locale is kept here, in the record every message reads already and writes when someone new speaks,
   * rather than in a record per person: that would cost each message a read, and each person's first message a write
   * of its own. A page names people in the chat it is typed in, and those it rings are mostly that chat's people.
   */
  async remember(context: TurnContext): Promise<void> {
    const key = chatKeyOf(context);
    const reference = TurnContext.getConversationReference(context.activity);
    const { id, aadObjectId } = context.activity.from ?? {};
    // Object ids are GUIDs, which Teams and Graph may spell in either case.
    const speaker: Speaker = { ...(id ? { id } : {}), ...(typeof aadObjectId === 'string' && aadObjectId !== '' ? { entraId: aadObjectId.toLowerCase() } : {}) };
    const language = localeOf(context.activity);
    const known = await this.options.records.conversations.peek(key);
    if (known && isCurrent(known, reference, speaker, language, Date.now())) {
      context.turnState.set(REFRESH_AUDIENCE, known.people ?? []);
      return;
    }
    await this.options.records.conversations.update(key, (current) => {
      const people = peopleSeen(current?.people, speaker.id);
      const locales = localesSeen(current, speaker, language.locale);
      context.turnState.set(REFRESH_AUDIENCE, people);
      return { ...reference, ...(language.locale === undefined ? languageFields(current) : language), lastSeenAt: new Date().toISOString(), people, ...(Object.keys(locales).length === 0 ? {} : { locales }) };
    });
  }

  /**
   * The locale Rally last saw from a person (by Entra object id) in the turn's chat: what a page rung from there speaks
   * to them in. Read from the chat's record as this process last read or wrote it, which `remember` does on every
   * message anyway.
   */
  async localeSeenFrom(context: TurnContext, entraId: string): Promise<string | undefined> {
    return localeIn(await this.options.records.conversations.peek(chatKeyOf(context)), entraId.toLowerCase());
  }

  /** Rally was removed from the chat: it can no longer post there, so it keeps nothing about it. */
  async forget(context: TurnContext): Promise<void> {
    await this.options.records.conversations.delete(chatKeyOf(context));
  }

  /** Runs `logic` in a proactive turn of the chat; a chat Rally never saw is logged and skipped. */
  async post(chatKey: string, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    // A chat's reference changes only when Teams moves it: what this process knows is as good as a read.
    const stored = await this.options.records.conversations.peek(chatKey);
    if (!stored) {
      this.options.log.warn({ chatKey }, 'no conversation reference for the chat; report dropped');
      return;
    }
    const { lastSeenAt: _seen, people = [], locale: _locale, timeZone: _timeZone, locales: _locales, ...reference } = stored;
    await this.options.adapter.continueConversationAsync(this.options.botAppId, reference, async (context) => {
      context.turnState.set(REFRESH_AUDIENCE, people);
      context.turnState.set(CHAT_LANGUAGE, languageFields(stored));
      await logic(context);
    });
  }

  /**
   * Runs `work` for a request (a button press) once: a double click, or a press Teams delivers again, does nothing
   * while another run has it and nothing once it was done. The claim is taken by create-if-absent, so it holds across
   * instances, and costs no more than the look it replaces. A run that dies leaves a claim that lapses after
   * `pressClaimMs` (longer than the Graph requests a press sends), and a press after that acts; a run whose work
   * fails lets go at once, so that pressing again tries again.
   */
  async actOnce(key: string, work: () => Promise<void>): Promise<void> {
    const handled = this.options.records.handledRequests;
    const run = randomUUID();
    const now = Date.now();
    const claimed = await handled.update(
      key,
      (current) => {
        if (current?.done === true || (current?.claim !== undefined && Date.parse(current.claim.until) > now)) return current;
        return { at: new Date(now).toISOString(), claim: { by: run, until: new Date(now + this.options.pressClaimMs).toISOString() } };
      },
      { likelyAbsent: true },
    );
    if (claimed?.claim?.by !== run) return;
    try {
      await work();
    } catch (error) {
      // Letting go is a courtesy: a claim that cannot be removed now lapses, and the work's own failure is the answer.
      await handled.update(key, (current) => (current?.claim?.by === run ? undefined : current)).catch(() => undefined);
      throw error;
    }
    await handled.update(key, () => ({ at: new Date().toISOString(), done: true }));
  }


}
