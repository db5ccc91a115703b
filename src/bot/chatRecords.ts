import type { ConversationReference } from 'botbuilder';
import type { RecordStore } from '../calling/index.js';
import type { PeopleTeamsRecord } from './peopleTeams.js';
import type { CardRecord } from './postedCards.js';

export type ConversationRecord = Partial<ConversationReference> & {
  lastSeenAt?: string;
  /** The chat's people Rally has heard from (Bot Framework ids), most recent first: whom its cards refresh for. */
  people?: string[];
  /** The language and time zone last seen in the chat: a card first posted by a report (no activity) speaks it. */
  locale?: string;
  timeZone?: string;
  /**
   * By Entra object id, the locale last seen from each of the chat's people, most recent first and as many as
   * `people`: a page rung from the chat speaks its prompt to them in it (see Chats.remember).
   */
  locales?: Record<string, string>;
};

export interface HandledRequest {
  at: string;
  done?: boolean;
  /** The run handling it now, until `until` (ISO 8601): a run that died is taken over once its claim is over. */
  claim?: { by: string; until: string };
}

/** Where the chat surface remembers how to reach chats and which message shows which call. */
export interface ChatRecords {
  /** By chat key: how to post into that chat later (proactive messages), and when the chat last spoke to Rally. */
  conversations: RecordStore<ConversationRecord>;
  /** By call id: the message that holds the call's card, for updates in place. */
  callCards: RecordStore<CardRecord>;
  /** By page id: the message that holds the page's card. */
  pageCards: RecordStore<CardRecord>;
  /** By button press: presses already handled, or being handled, so a double click or a redelivered press acts once. */
  handledRequests: RecordStore<HandledRequest>;
  /** By scope (a channel's Teams team, or any other chat): the teams of people named there (peopleTeams.ts). */
  peopleTeams: RecordStore<PeopleTeamsRecord>;
}
