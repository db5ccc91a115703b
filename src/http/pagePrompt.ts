// The page prompt Rally serves itself, one recording per language of `prompt.page` in its catalog ("This is Rally. You
// are being paged by your team. Press 1 to accept and join. Press 2 to decline."), as WAVs in the format Graph's
// service-hosted media plays (PCM, 16-bit, mono, 16 kHz): Graph plays files, it does not speak text. `npm run prompts`
// makes them from the catalogs with espeak-ng (scripts/pagePrompts.ts). Each language's file and path are fixed here,
// so a language tag never becomes part of a path.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PromptMedia } from '../calling/index.js';
import { LANGUAGES } from '../i18n/languages.js';
import type { Language } from '../i18n/languages.js';

interface PromptFile {
  /** The checked-in recording. */
  asset: URL;
  /** Where Rally serves it. */
  path: string;
}

const asset = (name: string): URL => new URL(`../../assets/prompts/${name}`, import.meta.url);

/**
 * English keeps the path it had when it was the only recording, so that an instance still on the previous release
 * during a rollout hands Graph a URL that every instance serves.
 */
const FILES: Readonly<Record<Language, PromptFile>> = {
  en: { asset: asset('page.en.wav'), path: '/media/page-prompt.wav' },
  fr: { asset: asset('page.fr.wav'), path: '/media/page-prompt.fr.wav' },
  de: { asset: asset('page.de.wav'), path: '/media/page-prompt.de.wav' },
  es: { asset: asset('page.es.wav'), path: '/media/page-prompt.es.wav' },
  'pt-BR': { asset: asset('page.pt-BR.wav'), path: '/media/page-prompt.pt-BR.wav' },
  ja: { asset: asset('page.ja.wav'), path: '/media/page-prompt.ja.wav' },
  'zh-Hans': { asset: asset('page.zh-Hans.wav'), path: '/media/page-prompt.zh-Hans.wav' },
};

/** The checked-in recording of a language's prompt (the script that makes them writes here). */
export function pagePromptAsset(language: Language): URL {
  return FILES[language].asset;
}

export interface PagePrompts {
  /** What Graph is handed for each language. */
  prompts: Readonly<Record<Language, PromptMedia>>;
  /** The recordings Rally serves, by path (the HTTP server's media routes); none when the prompt is someone else's. */
  media: Record<string, Buffer>;
}

/**
 * Rally's own recordings, served under `publicUrl`, each with a resourceId of its own: Graph caches a prompt by its
 * resourceId, so each language needs its own, and a recording that changes needs a new one. It is derived from the
 * language and the file's bytes, so every instance hands Graph the same one, across restarts, until the file changes.
 */
export function servedPagePrompts(publicUrl: string): PagePrompts {
  const media: Record<string, Buffer> = {};
  const prompts = {} as Record<Language, PromptMedia>;
  for (const language of LANGUAGES) {
    const { asset: file, path } = FILES[language];
    const wav = readFileSync(file);
    media[path] = wav;
    prompts[language] = { uri: `${publicUrl}${path}`, resourceId: promptResourceId(language, wav) };
  }
  return { prompts, media };
}

/**
 * RALLY_PAGE_PROMPT_URL: the operator's one recording, for every language. It goes without a resourceId, the key Graph
 * caches a prompt under: Rally cannot tell when a file it does not serve changes, so it gives Graph no key to keep an
 * old copy by.
 */
export function externalPagePrompt(uri: string): PagePrompts {
  const prompts = Object.fromEntries(LANGUAGES.map((language) => [language, { uri }])) as Record<Language, PromptMedia>;
  return { prompts, media: {} };
}

/** A GUID, as Graph's examples give: RFC 9562's version 8 (its bits from a hash), the version and variant bits set. */
export function promptResourceId(language: Language, wav: Buffer): string {
  const hash = createHash('sha256').update(`rally page prompt\n${language}\n`).update(wav).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
