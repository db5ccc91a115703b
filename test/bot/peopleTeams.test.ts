// The keeper of a chat's teams of people at its own seam: an in-memory record store, a clock the test moves.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { NamedPerson } from '../../src/bot/commands.js';
import { PeopleTeams, peopleTeamsExpired } from '../../src/bot/peopleTeams.js';
import type { PeopleTeamsRecord } from '../../src/bot/peopleTeams.js';
import { InvalidRequestError } from '../../src/calling/index.js';
import { MemoryRecordStore } from '../support/memoryRecordStore.js';

const T0 = Date.parse('2026-12-07T09:00:00.000Z');
const RETENTION = 7 * 86_400_000;
const HOUR = 3_600_000;
const SCOPE = 'team/19:team-general@thread.tacv2';

const upn = (value: string): NamedPerson => ({ kind: 'userPrincipalName', value });
const alice = upn('alice@contoso.com');
const bob: NamedPerson = { kind: 'mention', teamsId: '29:bob', name: 'Bob' };
const line: NamedPerson = { kind: 'phone', raw: '+1 425 555 0100' };

function build() {
  const store = new MemoryRecordStore<PeopleTeamsRecord>();
  let now = T0;
  const teams = new PeopleTeams({ store, retentionMs: RETENTION, now: () => new Date(now) });
  return { store, teams, advance: (ms: number) => void (now += ms) };
}

function refusal(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError, String(error));
    assert.equal(error.code, code);
    assert.match(error.userMessage, pattern);
    return true;
  };
}

describe('PeopleTeams', () => {
  describe('define, show, list and delete', () => {
    it('keeps a team as parsed, in order, and finds it by its name in any case', async () => {
      const { teams } = build();
      await teams.define(SCOPE, 'SRE', [alice, bob, line]);
      assert.deepEqual(await teams.show(SCOPE, 'sre'), { name: 'SRE', people: [alice, bob, line] });
      assert.deepEqual(await teams.list('chat/another-chat'), [], "another scope's teams are its own");
    });

    it('replaces a team of the same name where it stands in the list', async () => {
      const { teams } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      await teams.define(SCOPE, 'dba', [bob]);
      await teams.define(SCOPE, 'Sre', [line]);
      assert.deepEqual(await teams.list(SCOPE), [
        { name: 'Sre', people: [line] },
        { name: 'dba', people: [bob] },
      ]);
    });

    it('keeps both teams when two are defined at once in one scope (compare-and-swap)', async () => {
      const { store, teams } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      store.conflictOnce(SCOPE, (current) => current && { ...current, teams: [...current.teams, { name: 'dba', people: [bob] }] });
      await teams.define(SCOPE, 'net', [line]);
      assert.deepEqual((await teams.list(SCOPE)).map((t) => t.name), ['sre', 'dba', 'net']);
    });

    it('refuses a 51st team, and still replaces one it has', async () => {
      const { teams } = build();
      for (let i = 0; i < 50; i++) await teams.define(SCOPE, `t${i}`, [alice]);
      await assert.rejects(teams.define(SCOPE, 'one-more', [bob]), refusal('tooManyTeams', /^This chat has 50 teams already, the most it keeps: delete one first/));
      await teams.define(SCOPE, 'T7', [bob]);
      assert.deepEqual(await teams.show(SCOPE, 't7'), { name: 'T7', people: [bob] });
    });

    it('deletes a team, and the record with the last one', async () => {
      const { store, teams } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      await teams.define(SCOPE, 'dba', [bob]);
      assert.deepEqual(await teams.delete(SCOPE, 'SRE'), { name: 'sre', people: [alice] });
      assert.deepEqual((await teams.list(SCOPE)).map((t) => t.name), ['dba']);
      await teams.delete(SCOPE, 'dba');
      assert.equal(await store.get(SCOPE), undefined);
    });

    it('says so when asked to show or delete a team it does not have, and writes nothing', async () => {
      const { store, teams } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      const writes = store.writes;
      const notHere = /^No team in this chat is called "dba"; say "teams" to see this chat's teams\.$/;
      await assert.rejects(teams.show(SCOPE, 'dba'), refusal('unknownTeam', notHere));
      await assert.rejects(teams.delete(SCOPE, 'dba'), refusal('unknownTeam', notHere));
      assert.equal(store.writes, writes);
    });

    it('forgets every team of a scope at once', async () => {
      const { store, teams } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      await teams.forget(SCOPE);
      assert.equal(await store.get(SCOPE), undefined);
    });
  });

  describe('expand', () => {
    it('asks the store nothing when no team is named', async () => {
      const { store, teams } = build();
      const get = sinon.spy(store, 'get');
      const update = sinon.spy(store, 'update');
      assert.deepEqual(await teams.expand(SCOPE, [alice, line]), [alice, line]);
      assert.equal(get.callCount + update.callCount, 0);
    });

    it('puts each team\'s people where its name stands, in order, mixed with people named, repeats dropped, in one read', async () => {
      const { store, teams } = build();
      await teams.define(SCOPE, 'sre', [alice, bob]);
      await teams.define(SCOPE, 'net', [bob, line]);
      const update = sinon.spy(store, 'update');
      const get = sinon.spy(store, 'get');
      const carol = upn('carol@contoso.com');
      assert.deepEqual(await teams.expand(SCOPE, [carol, { kind: 'team', name: 'SRE' }, { kind: 'team', name: 'net' }, alice]), [carol, alice, bob, line]);
      assert.equal(update.callCount + get.callCount, 1);
    });

    it('refuses a name no team has, saying how else to name people, and writes nothing', async () => {
      const { store, teams } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      const writes = store.writes;
      await assert.rejects(
        teams.expand(SCOPE, [{ kind: 'team', name: 'nosuchteam' }]),
        refusal('unknownTeam', /^No team in this chat is called "nosuchteam": name people with an @mention, their email or UPN, their Entra object id or a phone number like \+14255550100, or define the team first with "team nosuchteam = …"\.$/),
      );
      await assert.rejects(teams.expand('chat/empty', [{ kind: 'team', name: 'sre' }]), refusal('unknownTeam', /"sre"/));
      assert.equal(store.writes, writes);
    });

    it('writes a use only once the stamp is an hour old (a tenth of the retention, at most an hour)', async () => {
      const { store, teams, advance } = build();
      await teams.define(SCOPE, 'sre', [alice]);
      const writes = store.writes;
      advance(HOUR - 1);
      await teams.expand(SCOPE, [{ kind: 'team', name: 'sre' }]);
      assert.equal(store.writes, writes, 'a use within the hour costs no write');
      advance(1);
      await teams.expand(SCOPE, [{ kind: 'team', name: 'sre' }]);
      assert.equal(store.writes, writes + 1);
      assert.equal((await store.get(SCOPE))?.touchedAt, new Date(T0 + HOUR).toISOString());
    });
  });

  describe('peopleTeamsExpired', () => {
    const touched = (at: number): PeopleTeamsRecord => ({ teams: [{ name: 'sre', people: [alice] }], touchedAt: new Date(at).toISOString() });

    it('holds once the retention and the stamp\'s slack have passed since the last definition or recorded use', () => {
      assert.equal(peopleTeamsExpired(touched(T0), T0 + RETENTION + HOUR - 1, RETENTION), false);
      assert.equal(peopleTeamsExpired(touched(T0), T0 + RETENTION + HOUR, RETENTION), true);
      // A short retention has a short slack: a tenth of it.
      assert.equal(peopleTeamsExpired(touched(T0), T0 + 65_999, 60_000), false);
      assert.equal(peopleTeamsExpired(touched(T0), T0 + 66_000, 60_000), true);
    });
  });
});
