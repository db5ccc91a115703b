// What the chat is told about its teams of people, in the asker's language. Names and numbers are shown in full: the
// chat named them itself. These lines go to the chat only, never to the log.
import { displayPhoneNumber } from '../calling/index.js';
import type { CallTarget } from '../calling/index.js';
import { sentence } from '../i18n/sentence.js';
import type { Translator } from '../i18n/translator.js';
import { EXAMPLES } from './commandParser.js';
import type { NamedPerson } from './commands.js';
import type { PeopleTeam } from './peopleTeams.js';

/** `Team sre: Alice Smith, Bob, +1 425 555 0100 (3 people).`, the people as Rally found them (`targets`, in order). */
export function teamLine(team: PeopleTeam, targets: readonly CallTarget[], t: Translator): string {
  return t.say(sentence('chat.team.line', teamParams(team, targets)));
}

/** The team's line, and how to use it. */
export function teamSavedLine(team: PeopleTeam, targets: readonly CallTarget[], t: Translator): string {
  return t.say(sentence('chat.team.saved', teamParams(team, targets)));
}

export function teamDeletedLine(team: PeopleTeam, t: Translator): string {
  return t.t('chat.team.deleted', { name: team.name });
}

export function teamsLine(teams: readonly PeopleTeam[], t: Translator): string {
  if (teams.length === 0) return t.say(sentence('chat.teams.none', { example: EXAMPLES.team }));
  const items = teams.map((team) => t.t('chat.teams.item', { name: team.name, count: team.people.length }));
  return t.say(sentence('chat.teams.list', { teams: { list: items } }));
}

function teamParams(team: PeopleTeam, targets: readonly CallTarget[]) {
  return { name: team.name, people: { list: team.people.map((person, i) => nameOf(person, targets[i])) }, count: team.people.length };
}

function nameOf(person: NamedPerson, target: CallTarget | undefined): string {
  if (target?.kind === 'phone') return displayPhoneNumber(target.number);
  if (target?.displayName) return target.displayName;
  switch (person.kind) {
    case 'mention':
      return person.name;
    case 'userPrincipalName':
      return person.value;
    case 'objectId':
      return person.id;
    case 'phone':
      return person.raw;
  }
}
