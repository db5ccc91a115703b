// What one request's words are in: the person's language, fixed when the request arrives, and their time zone.
import { IntlMessageFormat } from 'intl-messageformat';
import { LRUCache } from 'lru-cache';
import { CATALOGS } from './catalogs.js';
import type { MessageKey } from './catalogs.js';
import type { SentenceParam, Words } from './sentence.js';
import { supportedLanguage } from './languages.js';
import type { Language } from './languages.js';

/** The language a request travels with: a canonical BCP 47 tag and an IANA time zone, each when one was named. */
export interface RequestLanguage {
  locale?: string;
  timeZone?: string;
}

/** Only the language fields of a record that holds them among others (a card's, a chat's). */
export function languageFields(record: RequestLanguage | undefined): RequestLanguage {
  return { ...(record?.locale === undefined ? {} : { locale: record.locale }), ...(record?.timeZone === undefined ? {} : { timeZone: record.timeZone }) };
}

export type MessageParams = Readonly<Record<string, string | number>>;

// Compiled messages never change, so one per language and key serves every request.
const compiled = new Map<string, IntlMessageFormat>();

function message(language: Language, key: MessageKey): IntlMessageFormat {
  const id = `${language}\u0000${key}`;
  let format = compiled.get(id);
  if (format === undefined) {
    format = new IntlMessageFormat(CATALOGS[language][key], language);
    compiled.set(id, format);
  }
  return format;
}

/** A request's words: built once per request, from what it named, and never switched to another language. */
export class Translator {
  readonly language: Language;
  /** Where times are read: the person's zone, or UTC when their client named none. */
  readonly timeZone: string;
  /** Times are written as the person's region writes them (`en-GB` says 14:05), when Rally speaks its language. */
  private readonly timeLocale: string;
  private lists?: Intl.ListFormat;
  private times?: Intl.DateTimeFormat;
  private sentenceLists?: Intl.ListFormat;
  private regions?: Intl.DisplayNames;

  constructor({ locale, timeZone }: RequestLanguage = {}) {
    this.language = supportedLanguage(locale);
    this.timeZone = knownTimeZone(timeZone) ?? 'UTC';
    this.timeLocale = locale !== undefined && supportedLanguage(locale) === this.language && isTag(locale) ? locale : this.language;
  }

  t(key: MessageKey, params?: MessageParams): string {
    return String(message(this.language, key).format(params));
  }

  /**
   * A sentence in this language (text is said as it is). Sentences come back from records, which a person or an
   * older release may have written: one whose key Rally no longer has, or whose placeholders do not fit, is said
   * as the sentence that something went wrong rather than thrown at the chat.
   */
  say(words: Words): string {
    if (typeof words === 'string') return words;
    try {
      if (!isSentence(words) || !Object.hasOwn(CATALOGS.en, words.key)) return this.t('sentence.unreadable');
      const params: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(words.params ?? {})) params[name] = this.param(value);
      return this.t(words.key, params);
    } catch {
      return this.t('sentence.unreadable');
    }
  }

  private param(value: SentenceParam): string | number {
    if (typeof value === 'string' || typeof value === 'number') return value;
    if ('list' in value && Array.isArray(value.list) && value.list.every((item) => typeof item === 'string')) return this.list(value.list);
    if ('durationMs' in value && Number.isFinite(value.durationMs)) return this.duration(value.durationMs);
    if ('region' in value && typeof value.region === 'string') return this.region(value.region);
    if ('dateTime' in value && typeof value.dateTime === 'string' && Number.isFinite(Date.parse(value.dateTime))) return this.dateTime(value.dateTime);
    if ('key' in value) return this.say(value);
    throw new TypeError('not a placeholder value');
  }

  /** `Adele Vance, Lee Gu` as the language lists names (`A、B`), with no "and" added to English. */
  list(items: readonly string[]): string {
    this.lists ??= new Intl.ListFormat(this.language, { type: 'conjunction', style: 'narrow' });
    return this.lists.format(items);
  }

  /** `A, B, and C`: a list inside a sentence, with the language's "and" (`A, B et C`, `A、B和C`). */
  listInSentence(items: readonly string[]): string {
    this.sentenceLists ??= new Intl.ListFormat(this.language, { type: 'conjunction', style: 'long' });
    return this.sentenceLists.format(items);
  }

  /** A country or region by its ISO 3166 code (`GB`), as the language names it (`Royaume-Uni`); an unknown code as it is. */
  region(code: string): string {
    this.regions ??= new Intl.DisplayNames(this.language, { type: 'region' });
    try {
      return this.regions.of(code) ?? code;
    } catch {
      return code;
    }
  }

  /** `45 s`, `4 min 12 s`, `1 h 5 min`: whole units, the smaller one dropped once it says little. */
  duration(ms: number): string {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) return this.t('duration.seconds', { seconds });
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return seconds % 60 === 0 || minutes >= 10 ? this.t('duration.minutes', { minutes }) : this.t('duration.minutesSeconds', { minutes, seconds: seconds % 60 });
    const hours = Math.floor(minutes / 60);
    return minutes % 60 === 0 ? this.t('duration.hours', { hours }) : this.t('duration.hoursMinutes', { hours, minutes: minutes % 60 });
  }

  /** The time of day of an ISO 8601 instant in the person's zone (`2:05 PM`, `14:05`). */
  time(iso: string): string {
    this.times ??= new Intl.DateTimeFormat(this.timeLocale, { timeStyle: 'short', timeZone: this.timeZone });
    return this.times.format(new Date(iso));
  }

  /**
   * The date and time of day of an instant in the person's zone, with the zone named (`Dec 7, 2026, 2:05 PM UTC`,
   * `7 déc. 2026, 14:05 UTC+1`): for text read outside this chat, by people in other zones (a meeting's subject).
   */
  dateTime(iso: string): string {
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: this.timeZone };
    return new Intl.DateTimeFormat(this.timeLocale, options).format(new Date(iso));
  }
}

// A translator is fixed once made, so the one made for a language and zone serves every request that names them; making
// one asks Intl to read the tag and the zone, which costs a tenth of a millisecond each time. A few hundred pairs cover
// any tenant; a pair not kept is made again.
const translators = new LRUCache<string, Translator>({ max: 256 });

/** The translator for a request's language and zone, the same one for every request that names the same pair. */
export function translatorFor(language: RequestLanguage = {}): Translator {
  const key = `${language.locale ?? ''}\u0000${language.timeZone ?? ''}`;
  let translator = translators.get(key);
  if (translator === undefined) {
    translator = new Translator(language);
    translators.set(key, translator);
  }
  return translator;
}

/** Longer than any IANA zone name (`America/Argentina/ComodRivadavia` is 32). */
const MAX_ZONE_LENGTH = 64;

/** The zone as Intl names it, or nothing for a zone Intl does not know (a record written by hand, say). */
export function knownTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone === '' || zone.length > MAX_ZONE_LENGTH) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function isSentence(value: unknown): value is { key: MessageKey; params?: Record<string, SentenceParam> } {
  if (typeof value !== 'object' || value === null) return false;
  const { key, params } = value as { key?: unknown; params?: unknown };
  return typeof key === 'string' && (params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params)));
}

function isTag(locale: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}
