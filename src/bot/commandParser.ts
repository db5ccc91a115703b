import { RallyError } from '../errors/rallyError.js';
import { durationMs, isDuration } from '../config/duration.js';
import { MAX_PAGE_STEPS } from '../calling/index.js';
import type { CallRef, Command, MeetingRef, NamedPerson, PersonRef } from './commands.js';

/** A mention Teams attached to the message (the bot's own mention is already removed). */
export interface MentionedPerson {
  /** The mention's text as it stands in the message, e.g. `<at>Alice Smith</at>`. */
  text: string;
  /** The Teams user id (`29:...`). */
  id: string;
  name: string;
}

/** The message could not be read as a command. */
export class CommandError extends RallyError {
  constructor(
    readonly code: 'unknownCommand' | 'badCommand',
    userMessage: string,
  ) {
    super(userMessage);
  }
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
/** The grammar's own words: a team of that name could never be told from the keyword. */
const GRAMMAR_WORDS = new Set(['then', 'into', 'after', 'to', 'from', 'as', 'passcode', 'delete', 'guest']);

/**
 * Reads one chat message as a command. Throws `CommandError` with a sentence for the person when it can't.
 * Hand-written rather than a CLI argument library: the grammar is natural-language-ish (`invite … to #2`), people
 * names contain spaces inside mentions, and phone numbers arrive spelt with spaces.
 */
export function parseCommand(text: string, mentions: readonly MentionedPerson[] = []): Command {
  if (text.length > MAX_COMMAND_LENGTH) {
    throw new CommandError('badCommand', `That message is too long for a command (at most ${MAX_COMMAND_LENGTH} characters).`);
  }
  const { words, mentioned } = tokenize(text, mentions);
  const [verb, ...args] = words;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'call':
      return { kind: 'call', people: people(args, mentioned, 'call', 'call alice@contoso.com') };
    case 'join':
      return parseJoin(args);
    case 'bridge':
      return parseBridge(text);
    case 'invite': {
      const [who, target] = splitAt(args, 'to');
      return withCall({ kind: 'invite', people: people(who, mentioned, 'invite', 'invite +14255550100 to #1') }, target, 'to');
    }
    case 'escalate': {
      const [who, source] = splitAt(args, 'from');
      return withCall({ kind: 'escalate', people: people(who, mentioned, 'escalate', 'escalate bob@contoso.com') }, source, 'from');
    }
    case 'move':
      return parseMove(args, mentioned);
    case 'page':
      return parsePage(args, mentioned);
    case 'team':
      return parseTeam(args, mentioned);
    case 'teams':
      return noArguments({ kind: 'teams' }, args);
    case 'calls':
      return noArguments({ kind: 'calls' }, args);
    case 'doctor':
      return noArguments({ kind: 'doctor' }, args);
    case 'status':
      return withCall({ kind: 'status' }, args, 'status');
    case 'hangup':
    case 'hang':
      return withCall({ kind: 'hangup' }, verb.toLowerCase() === 'hang' && args[0]?.toLowerCase() === 'up' ? args.slice(1) : args, 'hangup');
    case 'mute':
      return parseOnePerson('mute', args, mentioned, 'in');
    case 'remove':
      return parseOnePerson('remove', args, mentioned, 'from');
    default:
      throw new CommandError('unknownCommand', `I don't know "${clip(verb ?? "")}". Try "help" to see what I can do.`);
  }
}

/**
 * The people typed into a card's text field, read as a command's list of people is: the field is a list, not a
 * command, so it is never glued to a verb and parsed again.
 */
export function parsePeopleList(text: string, verb: string, example: string): PersonRef[] {
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

function people(words: string[], mentioned: MentionedPerson[], verb: string, example: string): PersonRef[] {
  const found = readPeople(words, mentioned);
  if (found.length === 0) {
    throw new CommandError('badCommand', `Who should I ${verb}? For example: "${example}".`);
  }
  checkPeopleCount(found);
  return found;
}

/** Refuses more people than one request may name: as typed, and again once the teams named in it are expanded. */
export function checkPeopleCount(people: readonly PersonRef[]): void {
  if (people.length > MAX_PEOPLE) {
    throw new CommandError('badCommand', `That is too many people for one request (at most ${MAX_PEOPLE}).`);
  }
}

/** Refuses a page of more steps than a page rings: as typed, and again once the teams named in it are expanded. */
export function checkPageSteps(steps: readonly PersonRef[]): void {
  if (steps.length > MAX_PAGE_STEPS) {
    throw new CommandError('badCommand', `A page rings at most ${MAX_PAGE_STEPS} people or numbers in turn; you named ${steps.length}.`);
  }
}

/** Refuses more than one person to move: as typed, and again once a team named is expanded. */
export function checkOneToMove(people: readonly PersonRef[]): void {
  if (people.length > 1) throw new CommandError('badCommand', 'I can move one person at a time.');
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
  if (TEAM_NAME.test(word) && !isReserved(word)) return { kind: 'team', name: word };
  throw new CommandError(
    'badCommand',
    `I can't tell who "${clip(word)}" is. Name people with an @mention, their email or UPN, their Entra object id, or a phone number in international format (+14255550100).`,
  );
}

function isReserved(word: string): boolean {
  return GRAMMAR_WORDS.has(word.toLowerCase()) || isVerb(word);
}

/** Whether `word` alone reads as a command: the verbs are the cases of parseCommand, listed nowhere else. */
function isVerb(word: string): boolean {
  try {
    parseCommand(word);
    return true;
  } catch (error) {
    return !(error instanceof CommandError && error.code === 'unknownCommand');
  }
}

function splitAt(words: string[], keyword: string): [string[], string[] | undefined] {
  const at = words.findIndex((w) => w.toLowerCase() === keyword);
  return at < 0 ? [words, undefined] : [words.slice(0, at), words.slice(at + 1)];
}

function withCall<T extends Command & { call?: CallRef }>(command: T, words: string[] | undefined, keyword: string): T {
  if (words === undefined || (words.length === 0 && keyword !== 'to' && keyword !== 'from')) return command;
  return { ...command, call: callRef(words, keyword) };
}

function callRef(words: string[], after: string): CallRef {
  const [word, ...extra] = words;
  if (word === undefined) throw new CommandError('badCommand', `Which call? Put its number after "${after}", like #1.`);
  if (extra.length > 0) throw new CommandError('badCommand', `I didn't understand "${clip(extra.join(' '))}" after the call "${clip(word)}".`);
  const handle = /^#(\d{1,6})$/.exec(word);
  if (handle) return { kind: 'handle', number: Number(handle[1]) };
  if (CALL_ID.test(word)) return { kind: 'callId', id: word };
  throw new CommandError('badCommand', `"${clip(word)}" is not a call: use the number on a call card (like #1) or a Graph call id.`);
}

function parseJoin(args: string[]): Command {
  const [beforeGuest, guestWords] = splitAt(args, 'as');
  const [meetingWords, passcodeWords] = splitAt(beforeGuest, 'passcode');
  const guestName = guestWords?.filter((w, i) => !(i === 0 && w.toLowerCase() === 'guest')).join(' ');
  if (guestWords !== undefined && !guestName) {
    throw new CommandError('badCommand', 'Give the guest a name, like: join 123 456 789 as guest Rally Helpdesk.');
  }
  const meeting = meetingRef(meetingWords, passcodeWords);
  return guestName ? { kind: 'join', meeting, guestName: guestName.slice(0, 256) } : { kind: 'join', meeting };
}

function meetingRef(words: string[], passcodeWords: string[] | undefined): MeetingRef {
  if (words.length === 0 && passcodeWords === undefined) return { kind: 'thisChat' };
  const [first] = words;
  if (first === undefined) {
    throw new CommandError('badCommand', 'Which meeting? Paste its Teams join link, or its meeting id (join 123 456 789 012 passcode AbC123).');
  }
  if (/^https?:\/\//i.test(first)) {
    if (words.length > 1 || passcodeWords) throw new CommandError('badCommand', 'Paste only the meeting link after "join".');
    return { kind: 'link', url: first };
  }
  const id = words.join('');
  if (!/^\d{6,20}$/.test(id)) {
    throw new CommandError('badCommand', `"${clip(words.join(' '))}" is not a meeting id: it should be the digits shown under "Meeting ID" in the invitation.`);
  }
  if (passcodeWords === undefined) return { kind: 'meetingId', id };
  if (passcodeWords.length !== 1) throw new CommandError('badCommand', 'Put the passcode after "passcode", as one word.');
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
  if (!source || !destination) {
    throw new CommandError('badCommand', 'Say who to move and between which calls, like: move @Alice from #1 to #2.');
  }
  const found = people(who, mentioned, 'move', 'move @Alice from #1 to #2');
  checkOneToMove(found);
  return { kind: 'move', person: found[0]!, from: callRef(source, 'from'), to: callRef(destination, 'to') };
}

/** `mute <person> [in <call>]`, `remove <person> [from <call>]`: one person at a time. */
function parseOnePerson(kind: 'mute' | 'remove', args: string[], mentioned: MentionedPerson[], keyword: string): Command {
  const [who, callWords] = splitAt(args, keyword);
  const [person, ...others] = people(who, mentioned, kind, `${kind} alexw@contoso.com ${keyword} #1`);
  if (others.length > 0) throw new CommandError('badCommand', `I can ${kind} one person at a time.`);
  return callWords === undefined ? { kind, person: person! } : { kind, person: person!, call: callRef(callWords, keyword) };
}

const PAGE_EXAMPLE = 'page alice@contoso.com then bob@contoso.com then +14255550100 after 30s';

/** `page <person> [then <person> ...] [into <call>] [after <duration>]`: one person or number per step. */
function parsePage(args: string[], mentioned: MentionedPerson[]): Command {
  const [beforeAfter, afterWords] = splitAt(args, 'after');
  const [ladder, intoWords] = splitAt(beforeAfter, 'into');
  if (ladder.length === 0) throw new CommandError('badCommand', `Who should I page? For example: "${PAGE_EXAMPLE}".`);
  const steps: PersonRef[] = [];
  for (const words of splitAll(ladder, 'then')) {
    if (words.length === 0) throw new CommandError('badCommand', `Name one person or number between each "then", like: "${PAGE_EXAMPLE}".`);
    const found = people(words, mentioned, 'page', PAGE_EXAMPLE);
    if (found.length > 1) throw new CommandError('badCommand', `Page one person or number at each step, with "then" between them, like: "${PAGE_EXAMPLE}".`);
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
  if (!isDuration(text, ['s', 'm', 'h'])) {
    throw new CommandError('badCommand', `"${clip(words.join(' '))}" is not a wait: write seconds or minutes after "after", like "after 30s" or "after 2m".`);
  }
  return durationMs(text);
}

export const TEAM_EXAMPLE = 'team sre = alice@contoso.com @Bob +14255550100';

/** `team <name> = <person> ...`, `team <name>` or `team <name> delete`. */
function parseTeam(args: string[], mentioned: MentionedPerson[]): Command {
  const [word, ...rest] = apartAtEquals(args);
  if (word === undefined || word === '=') {
    throw new CommandError('badCommand', `Which team? Define one like "${TEAM_EXAMPLE}", or say "teams" to list this chat's teams.`);
  }
  const name = teamName(word, mentioned);
  if (rest.length === 0) return { kind: 'team', name, action: 'show' };
  if (rest.length === 1 && rest[0]!.toLowerCase() === 'delete') return { kind: 'team', name, action: 'delete' };
  if (rest[0] !== '=') {
    throw new CommandError('badCommand', `To define team ${name}, put "=" and its people after its name, like: "team ${name} = alice@contoso.com @Bob".`);
  }
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
  throw new CommandError(
    'badCommand',
    `"${clip(shown)}" can't be a team's name, as ${reason}: use 1 to 32 letters, digits, - and _, starting with a letter (like sre or db-oncall).`,
  );
}

function teamNameProblem(word: string): string | undefined {
  if (word.startsWith('@')) return 'it reads as an @mention';
  if (EMAIL_LIKE.test(word) || word.includes('@')) return 'it reads as an email address';
  if (GUID.test(word)) return 'it reads as an Entra object id';
  if (/^#\d/.test(word)) return "it reads as a call's number";
  if (PHONE_START.test(word)) return 'it reads as a phone number';
  if (isReserved(word)) return "it is a word Rally's commands use";
  if (!TEAM_NAME.test(word)) return 'it has characters or a length a name cannot have';
  return undefined;
}

function teamMembers(name: string, words: string[], mentioned: MentionedPerson[]): NamedPerson[] {
  const found = readPeople(words, mentioned);
  if (found.length === 0) {
    throw new CommandError('badCommand', `Who is in team ${name}? Name up to ${MAX_TEAM_SIZE} people or numbers after "=", like: "${TEAM_EXAMPLE}".`);
  }
  if (found.length > MAX_TEAM_SIZE) {
    throw new CommandError('badCommand', `A team holds at most ${MAX_TEAM_SIZE} people or numbers; you named ${found.length}.`);
  }
  return found.map((person) => {
    if (person.kind !== 'team') return person;
    throw new CommandError(
      'badCommand',
      `I can't tell who "${clip(person.name)}" is: a team holds people and numbers, named with an @mention, their email or UPN, their Entra object id, or a phone number in international format (+14255550100).`,
    );
  });
}

/** The words between each `keyword`. */
function splitAll(words: string[], keyword: string): string[][] {
  const parts: string[][] = [[]];
  for (const word of words) {
    if (word.toLowerCase() === keyword) parts.push([]);
    else parts.at(-1)!.push(word);
  }
  return parts;
}

function noArguments<T extends Command>(command: T, args: string[]): T {
  if (args.length > 0) throw new CommandError('badCommand', `"${command.kind}" takes nothing after it.`);
  return command;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
