// The language a person's Teams client names, read once at the edge: the activity's `locale`, else the `clientInfo`
// entity's, and the entity's `timezone`. Anything that is not a well-formed BCP 47 tag is no language at all (Rally
// then uses its default), a zone Intl does not know is no zone, and a tag is only ever canonicalized by Intl, never
// used to build a path.
import type { Activity } from 'botbuilder';
import { MAX_TAG_LENGTH } from '../i18n/languages.js';
import { knownTimeZone } from '../i18n/translator.js';
import type { RequestLanguage } from '../i18n/translator.js';

/**
 * `{ locale, timeZone }` with the canonical tag (`EN-us` → `en-US`) and the zone as Intl names it, each left out when
 * the activity names none Rally can read.
 */
export function localeOf(activity: Pick<Partial<Activity>, 'locale' | 'entities'>): RequestLanguage {
  const entities: unknown[] = Array.isArray(activity.entities) ? activity.entities : [];
  const clientInfo = entities.find((e): e is { type: 'clientInfo'; locale?: unknown; timezone?: unknown } => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'clientInfo');
  const tag = canonicalTag(activity.locale) ?? canonicalTag(clientInfo?.locale);
  const timeZone = knownTimeZone(clientInfo?.timezone);
  return { ...(tag === undefined ? {} : { locale: tag }), ...(timeZone === undefined ? {} : { timeZone }) };
}

/** The canonical form of a well-formed BCP 47 tag (`EN-us` → `en-US`); undefined for anything else. */
export function canonicalTag(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > MAX_TAG_LENGTH) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}
