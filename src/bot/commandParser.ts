import { RallyError } from '../errors/rallyError.js';
import { durationMs, isDuration } from '../config/duration.js';
import { MAX_PAGE_STEPS } from '../calling/index.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { sentence } from '../i18n/sentence.js';
import type { Sentence, SentenceParam, SentenceParams } from '../i18n/sentence.js';
import type { CallRef, Command, CommandKind, MeetingRef, NamedPerson, PersonRef } from './commands.js';
import { GUEST, isCommandWord, isKeyword, keywordWord, verbOf, verbWord } from './commandWords.js';
import type { Keyword } from './commandWords.js';

/** A mention Teams attached to the message (the bot's own mention is already removed). */
export interface MentionedPerson {
  /** The mention's text as it stands in the message, e.g. `<at>Alice Smith</at>`. */
  text: string;
  /** The Teams user id (`29:...`). */
  id: string;
  name: string;
}

/** The message could not be read as a command, and a sentence saying why, said in the reader's language. */
export class CommandError extends RallyError {
  constructor(
    readonly code: 'unknownCommand' | 'badCommand',
    said: Sentence,
  ) {
    super(said);
  }
}

/** A command that cannot be read, and the sentence that says why. */
function refusal(key: MessageKey, params?: SentenceParams): CommandError {
  return new CommandError('badCommand', sentence(key, params));
}

// Bounded input: a chat message is short; a huge one is refused before any work is done.
const MAX_COMMAND_LENGTH = 2000;
const MAX_PEOPLE = 10;
/** A team is named where one request's people are, so it holds no more than one request may name. */
export const MAX_TEAM_SIZE = MAX_PEOPLE;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_LIKE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const PHONE_START = /^(\+|00|\()?\d/;
const PHONE_PART = /^[\d().\-/]+$/;
const CALL_ID = /^[a-z0-9][a-z0-9-]{7,127}$/i;
const MENTION_MARK = '\u0001';
const TEAM_NAME = /^[a-z][a-z0-9_-]{0,31}$/i;

/**
 * The examples the parser's sentences give, each in the reader's language with that language's command words (a
 * test reads each one back, in every language, as the same command as the English one).
 */
export const EXAMPLES = {
  call: sentence('command.example.call'),
  invite: sentence('command.example.invite'),
  escalate: sentence('command.example.escalate'),
  move: sentence('command.example.move'),
  mute: sentence('command.example.mute'),
  remove: sentence('command.example.remove'),
  page: sentence('command.example.page'),
  joinAsGuest: sentence('command.example.joinAsGuest'),
  joinById: sentence('command.example.joinById'),
  team: sentence('command.example.team'),
  teamNamed: (name: string): Sentence => sentence('command.example.teamNamed', { name }),
} as const;

/**
 * Reads one chat message as a command. Throws `CommandError` with a sentence for the person when it can't.
 * Hand-written rather than a CLI argument library: the grammar is natural-language-ish (`invite … to #2`), people
 * names contain spaces inside mentions, and phone numbers arrive spelt with spaces. It takes no locale: the command
 * words of every language are read in every chat (commandWords.ts), and only the refusal is said in one.
 */
export function parseCommand(text: string, mentions: readonly MentionedPerson[] = []): Command {
  if (text.length > MAX_COMMAND_LENGTH) throw refusal('command.error.tooLong', { max: MAX_COMMAND_LENGTH });
  const { words, mentioned } = tokenize(text, mentions);
  const [verb, ...args] = words;
  const kind = verb === undefined ? 'help' : verbOf(verb);
  switch (kind) {
    case 'help':
      return { kind: 'help' };
    case 'call':
      return { kind: 'call', people: people(args, mentioned, 'call', EXAMPLES.call) };
    case 'join':
      return parseJoin(args);
    case 'bridge':
      return parseBridge(text);
    case 'invite': {
      const [who, target] = splitAt(args, 'to');
      return withCall({ kind: 'invite', people: people(who, mentioned, 'invite', EXAMPLES.invite) }, target, 'to');
    }
    case 'escalate': {
      const [who, source] = splitAt(args, 'from');
      return withCall({ kind: 'escalate', people: people(who, mentioned, 'escalate', EXAMPLES.escalate) }, source, 'from');
    }
    case 'move':
      return parseMove(args, mentioned);
    case 'page':
      return parsePage(args, mentioned);
    case 'team':
      return parseTeam(args, mentioned);
    case 'teams':
    case 'calls':
    case 'doctor':
      return noArguments({ kind }, args);
    case 'status':
      return withTypedCall({ kind: 'status' }, args);
    case 'hangup':
      // English also says it in two words: `hang up #1`.
      return withTypedCall({ kind: 'hangup' }, verb!.toLowerCase() === 'hang' && args[0]?.toLowerCase() === 'up' ? args.slice(1) : args);
    case 'mute':
      return parseOnePerson('mute', args, mentioned, 'in');
    case 'remove':
      return parseOnePerson('remove', args, mentioned, 'from');
    case undefined:
      throw new CommandError('unknownCommand', sentence('command.error.unknown', { word: clip(verb ?? ''), help: verbWord('help') }));
  }
}

/**
 * The people typed into a card's text field, read as a command's list of people is: the field is a list, not a
 * command, so it is never glued to a verb and parsed again.
 */
export function parsePeopleList(text: string, verb: PeopleVerb, example: string): PersonRef[] {
  const { words, mentioned } = tokenize(text.slice(0, MAX_COMMAND_LENGTH), []);
  return people(words, mentioned, verb, example);
}

function tokenize(text: string, mentions: readonly MentionedPerson[]): { words: string[]; mentioned: MentionedPerson[] } {
  const mentioned: MentionedPerson[] = [];
  let rest = text;
  for (const mention of mentions) {
    const at = rest.indexOf(mention.text);
    if (mention.text === '' || at < 0) continue;
    rest = `${rest.slice(0, at)} ${MENTION_MARK}${mentioned.length} ${rest.slice(at + mention.text.length)}`;
    mentioned.push(mention);
  }
  const plain = plainText(rest);
  const words = plain.split(/[\s,;]+/).filter((w) => w !== '');
  return { words, mentioned };
}

/** A message as text: links as their address, other markup dropped, entities decoded. */
function plainText(html: string): string {
  return decodeEntities(html.replace(/<a\s[^>]*href="([^"]*)"[^>]*>.*?<\/a>/gis, ' $1 ').replace(/<[^>]*>/g, ' '));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The commands that name people, as the sentence that asks who names them. */
type PeopleVerb = Extract<CommandKind, 'call' | 'invite' | 'escalate' | 'move' | 'mute' | 'remove' | 'page'>;

/** `example`: a command in the reader's language, or a list of people (a card's field takes only the people). */
function people(words: string[], mentioned: MentionedPerson[], verb: PeopleVerb, example: SentenceParam): PersonRef[] {
  const found = readPeople(words, mentioned);
  if (found.length === 0) throw refusal('command.error.who', { verb, example });
  checkPeopleCount(found);
  return found;
}

/** Refuses more people than one request may name: as typed, and again once the teams named in it are expanded. */
export function checkPeopleCount(people: readonly PersonRef[]): void {
  if (people.length > MAX_PEOPLE) throw refusal('command.error.tooManyPeople', { max: MAX_PEOPLE });
}

/** Refuses a page of more steps than a page rings: as typed, and again once the teams named in it are expanded. */
export function checkPageSteps(steps: readonly PersonRef[]): void {
  if (steps.length > MAX_PAGE_STEPS) throw refusal('command.error.tooManySteps', { max: MAX_PAGE_STEPS, count: steps.length });
}

/** Refuses more than one person to move: as typed, and again once a team named is expanded. */
export function checkOneToMove(people: readonly PersonRef[]): void {
  if (people.length > 1) throw refusal('command.error.oneAtATime', { verb: 'move' });
}

function readPeople(words: string[], mentioned: MentionedPerson[]): PersonRef[] {
  const found: PersonRef[] = [];
  for (const word of words) {
    const last = found[found.length - 1];
    if (last?.kind === 'phone' && PHONE_PART.test(word) && !word.startsWith('+')) {
      last.raw = `${last.raw} ${word}`;
      continue;
    }
    found.push(person(word, mentioned));
  }
  return found;
}

function person(word: string, mentioned: MentionedPerson[]): PersonRef {
  if (word.startsWith(MENTION_MARK)) {
    const mention = mentioned[Number(word.slice(1))];
    if (mention) return { kind: 'mention', teamsId: mention.id, name: mention.name };
  }
  if (GUID.test(word)) return { kind: 'objectId', id: word.toLowerCase() };
  if (EMAIL_LIKE.test(word)) return { kind: 'userPrincipalName', value: word.replace(/^mailto:/i, '') };
  if (PHONE_START.test(word) && PHONE_PART.test(word.replace(/^\+/, ''))) return { kind: 'phone', raw: word };
  // A command's words, in any language, are never a team's name: `call status` is a mistake, not a team.
  if (TEAM_NAME.test(word) && !isCommandWord(word)) return { kind: 'team', name: word };
  throw refusal('command.error.whoIs', { word: clip(word) });
}

/** The words before the first `keyword` (in any language), and those after it if it is there. */
function splitAt(words: string[], keyword: Keyword): [string[], string[] | undefined] {
  const at = words.findIndex((w) => isKeyword(w, keyword));
  return at < 0 ? [words, undefined] : [words.slice(0, at), words.slice(at + 1)];
}

/** The call named after `keyword` (`to #2`), when the keyword was typed; with nothing after it, the sentence asks which. */
function withCall<T extends Command & { call?: CallRef }>(command: T, words: string[] | undefined, keyword: Keyword): T {
  return words === undefined ? command : { ...command, call: callRef(words, keyword) };
}

/** `status #3`, `hangup #1`: the call is whatever follows the verb, if anything does. */
function withTypedCall<T extends Command & { call?: CallRef }>(command: T, args: string[]): T {
  const [word, ...extra] = args;
  return word === undefined ? command : { ...command, call: namedCall(word, extra) };
}

function callRef(words: string[], after: Keyword): CallRef {
  const [word, ...extra] = words;
  if (word === undefined) throw refusal('command.error.whichCall', { keyword: keywordWord(after) });
  return namedCall(word, extra);
}

function namedCall(word: string, extra: string[]): CallRef {
  if (extra.length > 0) throw refusal('command.error.afterCall', { extra: clip(extra.join(' ')), call: clip(word) });
  const handle = /^#(\d{1,6})$/.exec(word);
  if (handle) return { kind: 'handle', number: Number(handle[1]) };
  if (CALL_ID.test(word)) return { kind: 'callId', id: word };
  throw refusal('command.error.notACall', { word: clip(word) });
}

function parseJoin(args: string[]): Command {
  const [beforeGuest, guestWords] = splitAt(args, 'as');
  const [meetingWords, passcodeWords] = splitAt(beforeGuest, 'passcode');
  const guestName = guestWords?.filter((w, i) => !(i === 0 && w.toLowerCase() === GUEST)).join(' ');
  if (guestWords !== undefined && !guestName) throw refusal('command.error.guestName', { example: EXAMPLES.joinAsGuest });
  const meeting = meetingRef(meetingWords, passcodeWords);
  return guestName ? { kind: 'join', meeting, guestName: guestName.slice(0, 256) } : { kind: 'join', meeting };
}

function meetingRef(words: string[], passcodeWords: string[] | undefined): MeetingRef {
  if (words.length === 0 && passcodeWords === undefined) return { kind: 'thisChat' };
  const [first] = words;
  if (first === undefined) throw refusal('command.error.whichMeeting', { example: EXAMPLES.joinById });
  if (/^https?:\/\//i.test(first)) {
    if (words.length > 1 || passcodeWords) throw refusal('command.error.onlyTheLink', { join: verbWord('join') });
    return { kind: 'link', url: first };
  }
  const id = words.join('');
  if (!/^\d{6,20}$/.test(id)) throw refusal('command.error.notAMeetingId', { words: clip(words.join(' ')) });
  if (passcodeWords === undefined) return { kind: 'meetingId', id };
  if (passcodeWords.length !== 1) throw refusal('command.error.passcodeOneWord', { passcode: keywordWord('passcode') });
  return { kind: 'meetingId', id, passcode: passcodeWords[0]! };
}

/** `bridge [title]`: the title is the rest of the message as typed, commas and all (the desk bounds its length). */
function parseBridge(text: string): Command {
  // Inline formatting (<strong>Sev1</strong>:) is dropped without a space; line and paragraph breaks become one.
  const typed = decodeEntities(text.replace(/<br\s*\/?>|<\/(p|div)>/gi, ' ').replace(/<[^>]*>/g, ''));
  // The verb ends where the tokenizer ends it: at a space, a comma or a semicolon.
  const title = typed.trim().replace(/^[^\s,;]+[\s,;]*/, '').replace(/\s+/g, ' ').trim();
  return title === '' ? { kind: 'bridge' } : { kind: 'bridge', title };
}

function parseMove(args: string[], mentioned: MentionedPerson[]): Command {
  const [who, rest] = splitAt(args, 'from');
  const [source, destination] = rest ? splitAt(rest, 'to') : [undefined, undefined];
  if (!source || !destination) throw refusal('command.error.moveWhoWhere', { example: EXAMPLES.move });
  const found = people(who, mentioned, 'move', EXAMPLES.move);
  checkOneToMove(found);
  return { kind: 'move', person: found[0]!, from: callRef(source, 'from'), to: callRef(destination, 'to') };
}

/** `mute <person> [in <call>]`, `remove <person> [from <call>]`: one person at a time. */
function parseOnePerson(kind: 'mute' | 'remove', args: string[], mentioned: MentionedPerson[], keyword: Keyword): Command {
  const [who, callWords] = splitAt(args, keyword);
  const [person, ...others] = people(who, mentioned, kind, EXAMPLES[kind]);
  if (others.length > 0) throw refusal('command.error.oneAtATime', { verb: kind });
  return callWords === undefined ? { kind, person: person! } : { kind, person: person!, call: callRef(callWords, keyword) };
}

/** `page <person> [then <person> ...] [into <call>] [after <duration>]`: one person or number per step. */
function parsePage(args: string[], mentioned: MentionedPerson[]): Command {
  const [beforeAfter, afterWords] = splitAt(args, 'after');
  const [ladder, intoWords] = splitAt(beforeAfter, 'into');
  if (ladder.length === 0) throw refusal('command.error.who', { verb: 'page', example: EXAMPLES.page });
  const steps: PersonRef[] = [];
  for (const words of splitAll(ladder, 'then')) {
    if (words.length === 0) throw refusal('command.error.emptyStep', { then: keywordWord('then'), example: EXAMPLES.page });
    const found = people(words, mentioned, 'page', EXAMPLES.page);
    if (found.length > 1) throw refusal('command.error.onePerStep', { then: keywordWord('then'), example: EXAMPLES.page });
    steps.push(found[0]!);
  }
  checkPageSteps(steps);
  const command: Extract<Command, { kind: 'page' }> = { kind: 'page', steps };
  if (intoWords !== undefined) command.call = callRef(intoWords, 'into');
  if (afterWords !== undefined) command.waitMs = pageWait(afterWords);
  return command;
}

function pageWait(words: string[]): number {
  const text = words.join('').toLowerCase();
  // "after 0s" is read, and refused by the page with the bounds a wait must keep.
  if (/^0+[smh]$/.test(text)) return 0;
  if (!isDuration(text, ['s', 'm', 'h'])) throw refusal('command.error.notAWait', { words: clip(words.join(' ')), after: keywordWord('after') });
  return durationMs(text);
}

/** `team <name> = <person> ...`, `team <name>` or `team <name> delete`. */
function parseTeam(args: string[], mentioned: MentionedPerson[]): Command {
  const [word, ...rest] = apartAtEquals(args);
  if (word === undefined || word === '=') throw refusal('command.error.whichTeam', { example: EXAMPLES.team, teams: verbWord('teams') });
  const name = teamName(word, mentioned);
  if (rest.length === 0) return { kind: 'team', name, action: 'show' };
  if (rest.length === 1 && isKeyword(rest[0]!, 'delete')) return { kind: 'team', name, action: 'delete' };
  if (rest[0] !== '=') throw refusal('command.error.defineTeam', { name, example: EXAMPLES.teamNamed(name) });
  return { kind: 'team', name, action: 'define', people: teamMembers(name, rest.slice(1), mentioned) };
}

/** The words with the first "=" a word of its own, however it was spaced (`sre=alice@contoso.com`). */
function apartAtEquals(words: string[]): string[] {
  const at = words.findIndex((w) => w.includes('='));
  if (at < 0) return words;
  const word = words[at]!;
  const split = word.indexOf('=');
  return [...words.slice(0, at), word.slice(0, split), '=', word.slice(split + 1), ...words.slice(at + 1)].filter((w) => w !== '');
}

/** A team's name, refused with the reason when a command could read it as someone, a call or a keyword. */
function teamName(word: string, mentioned: MentionedPerson[]): string {
  const mention = word.startsWith(MENTION_MARK) ? mentioned[Number(word.slice(1))] : undefined;
  const shown = mention ? `@${mention.name}` : word;
  const reason = teamNameProblem(shown);
  if (reason === undefined) return word;
  throw refusal('command.error.teamName', { name: clip(shown), reason });
}

/** Why a word cannot name a team, as the sentence's choice of reason names it. */
type TeamNameProblem = 'mention' | 'email' | 'objectId' | 'callNumber' | 'phone' | 'commandWord' | 'shape';

function teamNameProblem(word: string): TeamNameProblem | undefined {
  if (word.startsWith('@')) return 'mention';
  if (EMAIL_LIKE.test(word) || word.includes('@')) return 'email';
  if (GUID.test(word)) return 'objectId';
  if (/^#\d/.test(word)) return 'callNumber';
  if (PHONE_START.test(word)) return 'phone';
  if (isCommandWord(word)) return 'commandWord';
  if (!TEAM_NAME.test(word)) return 'shape';
  return undefined;
}

function teamMembers(name: string, words: string[], mentioned: MentionedPerson[]): NamedPerson[] {
  const found = readPeople(words, mentioned);
  if (found.length === 0) throw refusal('command.error.whoIsInTeam', { name, max: MAX_TEAM_SIZE, example: EXAMPLES.team });
  if (found.length > MAX_TEAM_SIZE) throw refusal('command.error.teamTooBig', { max: MAX_TEAM_SIZE, count: found.length });
  return found.map((person) => {
    if (person.kind !== 'team') return person;
    throw refusal('command.error.teamOfTeams', { word: clip(person.name) });
  });
}

/** The words between each `keyword`. */
function splitAll(words: string[], keyword: Keyword): string[][] {
  const parts: string[][] = [[]];
  for (const word of words) {
    if (isKeyword(word, keyword)) parts.push([]);
    else parts.at(-1)!.push(word);
  }
  return parts;
}

function noArguments<T extends Command>(command: T, args: string[]): T {
  if (args.length > 0) throw refusal('command.error.takesNothing', { command: verbWord(command.kind) });
  return command;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
