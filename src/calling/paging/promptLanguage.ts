// The language a paged person hears the prompt in: their own where Rally knows it, else the requester's, else English.
import { DEFAULT_LANGUAGE, matchedLanguage } from '../../i18n/languages.js';
import type { Language } from '../../i18n/languages.js';
import type { CallTarget } from '../targets/people.js';
import type { PageRecord } from './pageRecord.js';

/**
 * The first of these that is one of Rally's languages: the locale Rally last saw from the callee, their Graph
 * `preferredLanguage`, the requester's locale; else English. A tag that means none of Rally's languages (or is
 * malformed) is passed over rather than taken as English: someone whose profile says Korean hears the requester's.
 */
export function promptLanguage(target: CallTarget, requester: { locale?: string }): Language {
  const callee = target.kind === 'user' ? target.languages : undefined;
  for (const tag of [callee?.lastSeen, callee?.preferred, requester.locale]) {
    const language = matchedLanguage(tag);
    if (language !== undefined) return language;
  }
  return DEFAULT_LANGUAGE;
}

/** The language recorded on a step; a step recorded before steps had one gets it chosen now, as its page would have. */
export function stepLanguage(page: PageRecord, index: number): Language {
  const step = page.steps[index];
  if (step === undefined) return DEFAULT_LANGUAGE;
  return matchedLanguage(step.language) ?? promptLanguage(step.target, page);
}
