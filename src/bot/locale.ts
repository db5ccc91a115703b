// The language a person's Teams client names, read once at the edge: the activity's `locale`, else the `clientInfo`
// entity's. Anything that is not a well-formed BCP 47 tag is no language at all (Rally then uses its default), and a
// tag is only ever canonicalized by Intl, never used to build a path.
import type { Activity } from 'botbuilder';

// Longer than any real tag (`zh-Hans-CN` is 10); a 300-character "locale" is not parsed.
const MAX_TAG_LENGTH = 35;

/** `{ locale }` with the canonical tag (`EN-us` → `en-US`), or nothing when the activity names none Rally can read. */
export function localeOf(activity: Pick<Partial<Activity>, 'locale' | 'entities'>): { locale?: string } {
  const entities: unknown[] = Array.isArray(activity.entities) ? activity.entities : [];
  const clientInfo = entities.find((e): e is { type: 'clientInfo'; locale?: unknown } => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'clientInfo');
  const tag = canonicalTag(activity.locale) ?? canonicalTag(clientInfo?.locale);
  return tag === undefined ? {} : { locale: tag };
}

function canonicalTag(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > MAX_TAG_LENGTH) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}
