// What the calling layer needs from the chat surface to tell a chat what happened. The bot edge implements it; the
// calling layer decides when and what, and keeps what is not yet told in the call's record until this resolves.
import type { CallNews, StoredCall } from './records/callDocument.js';
import type { PageRecord } from './paging/pageRecord.js';
import type { Words } from '../i18n/sentence.js';
import type { RequestLanguage } from '../i18n/translator.js';

export interface ChatReports {
  /**
   * Shows `call` on its card (posting one when it has none, or when its poster died before recording it) and tells the
   * chat `news`, in order. Resolves once the chat has it; a rejection leaves the news unreported, to be told again.
   */
  reportCall(call: StoredCall, news: readonly CallNews[]): Promise<void>;
  /**
   * Shows the page on its card, and with `outcome`, tells the chat how it ended (who accepted, or that nobody did).
   * Resolves once the chat has it; a rejection leaves it to be told again.
   */
  reportPage(page: PageRecord, options: { outcome: boolean }): Promise<void>;
  /** One line into a chat, for what no call card can show, in the language of the request it is about. */
  tell(chatKey: string, line: Words, language: RequestLanguage): Promise<void>;
}
