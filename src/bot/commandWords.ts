// The words Rally's commands are made of, in every language it speaks: each command's verb (the title Teams shows in
// the bot's command menu, and sends back as the message when a person picks it) and the grammar words between a
// command's parts. They live in the catalogs (`command.word.*` and `command.grammar.*` in commands.json), so the
// parser and the app package's localized command titles read the very same words.
//
// A message is read with the words of every language at once, so parsing needs no locale: a chat mixes languages,
// Teams sends each person's menu title in that person's own, and the English words work in every chat.
import { CATALOGS } from '../i18n/catalogs.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { LANGUAGES } from '../i18n/languages.js';
import type { Language } from '../i18n/languages.js';
import { sentence } from '../i18n/sentence.js';
import type { Sentence } from '../i18n/sentence.js';
import type { CommandKind } from './commands.js';

/** Each command's verb. Typed by kind, so a new command does not compile until every catalog has its word. */
const VERB_KEYS = {
  call: 'command.word.call',
  bridge: 'command.word.bridge',
  join: 'command.word.join',
  invite: 'command.word.invite',
  escalate: 'command.word.escalate',
  move: 'command.word.move',
  calls: 'command.word.calls',
  status: 'command.word.status',
  hangup: 'command.word.hangup',
  mute: 'command.word.mute',
  remove: 'command.word.remove',
  page: 'command.word.page',
  team: 'command.word.team',
  teams: 'command.word.teams',
  help: 'command.word.help',
  doctor: 'command.word.doctor',
} as const satisfies Record<CommandKind, MessageKey>;

/**
 * The grammar words that join a command's parts (`invite … to #2`, `move … from #1 to #2`, `page … then … into #1
 * after 30s`, `join … passcode …`, `join … as …`, `team sre delete`). A person who picked a verb from the menu in their
 * language goes on typing in it, so these are localized too, each language saying them as a word of its own before
 * what they introduce. Japanese writes to, from, into, in and as as particles joined to the noun they follow (`#1に`),
 * which no word-by-word grammar can read, so its catalog keeps those five English; its then, after, passcode and
 * delete are words of their own. Not localized at all: `=` and `#1` (signs, the same in every language), a wait's
 * `30s` (read as Rally's settings read durations), and English's own extra spellings below.
 */
const KEYWORD_KEYS = {
  to: 'command.grammar.to',
  from: 'command.grammar.from',
  into: 'command.grammar.into',
  in: 'command.grammar.in',
  then: 'command.grammar.then',
  after: 'command.grammar.after',
  passcode: 'command.grammar.passcode',
  delete: 'command.grammar.delete',
  as: 'command.grammar.as',
} as const satisfies Record<string, MessageKey>;

export type Keyword = keyof typeof KEYWORD_KEYS;

/**
 * English spellings that are no command's menu word: `?` for help, `hang` (as in `hang up`) for hangup, and `guest`,
 * which may follow `as` (`as guest Rally Helpdesk`). Other languages say `as` alone: their word for a guest is the
 * word for an invitation or close to it (French `invité` reads as `invite` once accents are set aside).
 */
const ENGLISH_VERBS: Readonly<Record<string, CommandKind>> = { '?': 'help', hang: 'hangup' };
export const GUEST = 'guest';

/**
 * A word as it is compared: in lower case, without accents (`Rejoindre`, `DÉPLACER` and `deplacer` are one word), and
 * in its usual width (a full-width `ｃａｌｌ` from a Japanese keyboard is `call`). Only Latin accents are set aside:
 * the voicing marks of Japanese kana change the word.
 */
export function fold(word: string): string {
  return word.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFKC').toLowerCase();
}

const VERB_OF = new Map<string, CommandKind>(Object.entries(ENGLISH_VERBS));
const KEYWORD_WORDS = new Map<Keyword, Set<string>>();
for (const language of LANGUAGES) {
  for (const [kind, key] of Object.entries(VERB_KEYS) as [CommandKind, MessageKey][]) VERB_OF.set(fold(CATALOGS[language][key]), kind);
  for (const [keyword, key] of Object.entries(KEYWORD_KEYS) as [Keyword, MessageKey][]) {
    KEYWORD_WORDS.set(keyword, (KEYWORD_WORDS.get(keyword) ?? new Set()).add(fold(CATALOGS[language][key])));
  }
}

/** The command `word` names in any language, if it names one. */
export function verbOf(word: string): CommandKind | undefined {
  return VERB_OF.get(fold(word));
}

/** Whether `word` is `keyword` in any language. */
export function isKeyword(word: string, keyword: Keyword): boolean {
  return KEYWORD_WORDS.get(keyword)!.has(fold(word));
}

/** Whether `word` is one of the words commands are made of, in any language: a team of that name could not be told from it. */
export function isCommandWord(word: string): boolean {
  const folded = fold(word);
  return VERB_OF.has(folded) || folded === GUEST || [...KEYWORD_WORDS.values()].some((words) => words.has(folded));
}

/** The command's verb in `language`: what a person types, and the title of the command in Teams' menu. */
export function verbIn(language: Language, kind: CommandKind): string {
  return CATALOGS[language][VERB_KEYS[kind]];
}

/** The grammar word in `language`. */
export function keywordIn(language: Language, keyword: Keyword): string {
  return CATALOGS[language][KEYWORD_KEYS[keyword]];
}

/** The command's verb, said in the reader's language (`"teams" takes nothing after it`). */
export function verbWord(kind: CommandKind): Sentence {
  return sentence(VERB_KEYS[kind]);
}

/** The grammar word, said in the reader's language (`put its number after "to"`). */
export function keywordWord(keyword: Keyword): Sentence {
  return sentence(KEYWORD_KEYS[keyword]);
}

export const COMMAND_KINDS = Object.keys(VERB_KEYS) as CommandKind[];
export const KEYWORDS = Object.keys(KEYWORD_KEYS) as Keyword[];
