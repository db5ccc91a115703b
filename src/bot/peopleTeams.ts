// The one keeper of the teams of people a chat names once (`team sre = …`) and then names people by. A scope (a
// channel's Teams team, or any other chat) keeps all of its teams in one record, written by compare-and-swap, so two
// people defining teams at once both keep theirs.
import { InvalidRequestError, atMost } from '../calling/index.js';
import type { RecordStore } from '../calling/index.js';
import { sentence } from '../i18n/sentence.js';
import type { NamedPerson, PersonRef } from './commands.js';

export interface PeopleTeam {
  /** As it was written when the team was defined; names match in any case. */
  name: string;
  /** In order, as parsed (a mention keeps its Teams id and name): looked up afresh at each use. */
  people: NamedPerson[];
}

export interface PeopleTeamsRecord {
  /** In the order they were first defined. */
  teams: PeopleTeam[];
  /** When one of them was last defined or used, to within `useSlackMs`: retention counts from it. */
  touchedAt: string;
}

/** Bounds a scope's record: a scope with this many teams deletes one before it defines another. */
const MAX_TEAMS = 50;
const ONE_HOUR = 3_600_000;

/**
 * How old a scope's stamp may be before a use writes it again: within it, a command that names a team costs no write.
 * Retention waits as much longer, so teams that are in use are never removed early.
 */
function useSlackMs(retentionMs: number): number {
  return atMost(retentionMs / 10, ONE_HOUR);
}

/** Whether a scope's teams have gone unused for the retention (the rule chatRetention.ts applies). */
export function peopleTeamsExpired(record: PeopleTeamsRecord, now: number, retentionMs: number): boolean {
  return Date.parse(record.touchedAt) + retentionMs + useSlackMs(retentionMs) <= now;
}

export interface PeopleTeamsOptions {
  /** By scope: that scope's teams. */
  store: RecordStore<PeopleTeamsRecord>;
  /** RALLY_RETENTION: how long a scope's teams are kept once none was defined or used. */
  retentionMs: number;
  now?: () => Date;
}

export class PeopleTeams {
  private readonly now: () => Date;

  constructor(private readonly options: PeopleTeamsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Defines the team, or replaces the one of that name (in any case) where it stands. */
  async define(scope: string, name: string, people: readonly NamedPerson[]): Promise<PeopleTeam> {
    const team: PeopleTeam = { name, people: [...people] };
    let full = false;
    await this.options.store.update(scope, (current) => {
      const teams = current?.teams ?? [];
      const at = teams.findIndex((t) => sameName(t, name));
      full = at < 0 && teams.length >= MAX_TEAMS;
      if (full) return current;
      return { teams: at < 0 ? [...teams, team] : teams.map((t, i) => (i === at ? team : t)), touchedAt: this.now().toISOString() };
    });
    if (full) throw new InvalidRequestError('tooManyTeams', sentence('chat.error.tooManyTeams', { max: MAX_TEAMS, name }));
    return team;
  }

  async show(scope: string, name: string): Promise<PeopleTeam> {
    const team = (await this.list(scope)).find((t) => sameName(t, name));
    if (!team) throw notHere(name);
    return team;
  }

  async list(scope: string): Promise<PeopleTeam[]> {
    return (await this.options.store.get(scope))?.teams ?? [];
  }

  /** Removes the team, and the scope's record with its last team; answers the team as it was. */
  async delete(scope: string, name: string): Promise<PeopleTeam> {
    let deleted: PeopleTeam | undefined;
    await this.options.store.update(scope, (current) => {
      deleted = current?.teams.find((t) => sameName(t, name));
      if (!current || !deleted) return current;
      const teams = current.teams.filter((t) => t !== deleted);
      return teams.length === 0 ? undefined : { ...current, teams };
    });
    if (!deleted) throw notHere(name);
    return deleted;
  }

  /**
   * The people named, each team replaced by its people in order, exact repeats dropped (a person in two of the teams
   * named, or named beside a team of theirs), the first kept. The scope's record is read only when a team is named,
   * and once; the use is written when the stamp is due.
   */
  async expand(scope: string, people: readonly PersonRef[]): Promise<NamedPerson[]> {
    const named = people.filter((p): p is NamedPerson => p.kind !== 'team');
    if (named.length === people.length) return named;
    const teamNames = people.flatMap((p) => (p.kind === 'team' ? [p.name] : []));
    const now = this.now();
    const record = await this.options.store.update(scope, (current) => {
      const used = current !== undefined && teamNames.every((name) => current.teams.some((t) => sameName(t, name)));
      const due = used && Date.parse(current.touchedAt) + useSlackMs(this.options.retentionMs) <= now.getTime();
      return due ? { ...current, touchedAt: now.toISOString() } : current;
    });
    const expanded = people.flatMap((person) => {
      if (person.kind !== 'team') return [person];
      const team = record?.teams.find((t) => sameName(t, person.name));
      if (!team) throw unknownWhereNamed(person.name);
      return team.people;
    });
    const seen = new Set<string>();
    return expanded.filter((person) => {
      const key = JSON.stringify(person);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Rally left the scope: its teams go now, not at the retention's end. */
  async forget(scope: string): Promise<void> {
    await this.options.store.delete(scope);
  }
}

function sameName(team: PeopleTeam, name: string): boolean {
  return team.name.toLowerCase() === name.toLowerCase();
}

function notHere(name: string): InvalidRequestError {
  return new InvalidRequestError('unknownTeam', sentence('chat.error.noSuchTeam', { name }));
}

/** A word in a list of people that names no team: it may have been meant as a person, so both ways are shown. */
function unknownWhereNamed(name: string): InvalidRequestError {
  return new InvalidRequestError('unknownTeam', sentence('chat.error.noSuchTeamOrPerson', { name }));
}
