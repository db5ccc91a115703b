// The languages Rally speaks, and which of them a person's language tag gets. A tag is only ever parsed by Intl and
// compared with this list: never used to build a path or to pick a file.

/** Every language with a catalog, English first: it is the default and the fallback. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'pt-BR', 'ja', 'zh-Hans'] as const;

export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';

/** Longer than any real tag (`zh-Hans-CN` is 10); a 300-character "locale" is not parsed. */
export const MAX_TAG_LENGTH = 35;

/**
 * Tags that mean one of Rally's languages without naming it: Chinese as written in China and Singapore (and Chinese
 * with no script named, whose readers read the simplified script far more often than not), and Portuguese with no
 * region, of which Rally has Brazil's.
 */
const MEANS: Readonly<Record<string, Language>> = { zh: 'zh-Hans', 'zh-CN': 'zh-Hans', 'zh-SG': 'zh-Hans', pt: 'pt-BR' };

const SUPPORTED: ReadonlySet<string> = new Set(LANGUAGES);

/**
 * The language Rally answers a tag in: its language with script or region when Rally has that (`pt-BR`, `zh-Hans`),
 * else its language alone (`fr-CA` → `fr`), else English; a tag that is missing or malformed gets English.
 */
export function supportedLanguage(tag: string | undefined): Language {
  return matchedLanguage(tag) ?? DEFAULT_LANGUAGE;
}

/**
 * The one of Rally's languages a tag means, as supportedLanguage matches it, or undefined when it means none (or is
 * missing or malformed): for a caller that has another tag to try before falling back to English.
 */
export function matchedLanguage(tag: string | undefined): Language | undefined {
  const locale = parsed(tag);
  if (locale === undefined) return undefined;
  const { language, script, region } = locale;
  // Chinese written in the traditional script (zh-TW, zh-HK, zh-Hant) has no catalog here, and a reader of it is not
  // handed the simplified script instead, as Microsoft's own products never do: they get English.
  if (language === 'zh' && locale.maximize().script === 'Hant') return undefined;
  const candidates = [script && `${language}-${script}`, region && `${language}-${region}`, language];
  for (const candidate of candidates) {
    if (!candidate) continue;
    if (SUPPORTED.has(candidate)) return candidate as Language;
    const meant = Object.hasOwn(MEANS, candidate) ? MEANS[candidate] : undefined;
    if (meant !== undefined) return meant;
  }
  return undefined;
}

/**
 * The tag as BCP 47 spells it (`EN-us` → `en-US`), or nothing for what is not a well-formed tag: the one reader of a
 * language tag, for what Rally keeps and for which language it answers in.
 */
export function canonicalTag(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag === '' || tag.length > MAX_TAG_LENGTH) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

function parsed(tag: unknown): Intl.Locale | undefined {
  const canonical = canonicalTag(tag);
  return canonical === undefined ? undefined : new Intl.Locale(canonical);
}
