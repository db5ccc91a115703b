// What the chat is told about its teams of people. Names and numbers are shown in full: the chat named them itself.
// These lines go to the chat only, never to the log.
import { displayPhoneNumber } from '../calling/index.js';
import type { CallTarget } from '../calling/index.js';
import { TEAM_EXAMPLE } from './commandParser.js';
import type { NamedPerson } from './commands.js';
import type { PeopleTeam } from './peopleTeams.js';

/** `Team sre: Alice Smith, Bob, +1 425 555 0100 (3 people).`, the people as Rally found them (`targets`, in order). */
export function teamLine(team: PeopleTeam, targets: readonly CallTarget[]): string {
  const names = team.people.map((person, i) => nameOf(person, targets[i]));
  return `Team ${team.name}: ${names.join(', ')} (${peopleCount(team.people.length)}).`;
}

export function teamSavedLine(team: PeopleTeam, targets: readonly CallTarget[]): string {
  return `${teamLine(team, targets)} Use it as "call ${team.name}" or "page ${team.name}".`;
}

export function teamDeletedLine(team: PeopleTeam): string {
  return `Team ${team.name} is deleted.`;
}

export function teamsLine(teams: readonly PeopleTeam[]): string {
  if (teams.length === 0) return `This chat has no teams yet: name one like "${TEAM_EXAMPLE}".`;
  return `Teams in this chat: ${teams.map((t) => `${t.name} (${peopleCount(t.people.length)})`).join(', ')}.`;
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

function peopleCount(count: number): string {
  return count === 1 ? '1 person' : `${count} people`;
}
