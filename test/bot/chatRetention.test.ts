// The chat surface's retention rules in a sweep, over the store Rally runs on (in memory): here, a scope's teams of
// people, kept while they are defined or used and removed once neither happened for RALLY_RETENTION.
import assert from 'node:assert/strict';
import type { ChatRecords } from '../../src/bot/chatRecords.js';
import { chatRetentionRules } from '../../src/bot/chatRetention.js';
import { PeopleTeams } from '../../src/bot/peopleTeams.js';
import type { CallDocument, PageRecord } from '../../src/calling/index.js';
import { Sweeper } from '../../src/calling/lifecycle/sweeper.js';
import { DocumentRecordStore } from '../../src/storage/documentRecordStore.js';
import { MemoryDocumentStore } from '../../src/storage/memoryDocumentStore.js';
import { LogCapture } from '../support/logCapture.js';

const T0 = Date.parse('2026-12-07T09:00:00.000Z');
const RETENTION = 60_000;
/** A tenth of the retention: how stale a use's stamp may be, which retention waits too. */
const SLACK = 6_000;

function build() {
  const documents = new MemoryDocumentStore();
  const store = <T>(prefix: string) => new DocumentRecordStore<T>(documents, prefix);
  const records: ChatRecords = {
    conversations: store('conversations/'),
    callCards: store('callCards/'),
    pageCards: store('pageCards/'),
    handledRequests: store('handled/'),
    peopleTeams: store('peopleTeams/'),
  };
  const owners = { calls: store<CallDocument>('calls/'), pages: store<PageRecord>('pages/') };
  let now = T0;
  const sweeper = new Sweeper({ rules: chatRetentionRules(records, owners, RETENTION), everyMs: RETENTION, log: new LogCapture().log, now: () => now });
  const teams = new PeopleTeams({ store: records.peopleTeams, retentionMs: RETENTION, now: () => new Date(now) });
  return { records, sweeper, teams, at: (ms: number) => (now = T0 + ms) };
}

describe('chat retention rules', () => {
  it("removes a scope's teams once RALLY_RETENTION has passed since they were defined", async () => {
    const { records, sweeper, teams, at } = build();
    await teams.define('chat/a', 'sre', [{ kind: 'userPrincipalName', value: 'alice@contoso.com' }]);
    at(RETENTION + SLACK - 1);
    assert.equal((await sweeper.sweep()).peopleTeams, 0);
    at(RETENTION + SLACK);
    assert.equal((await sweeper.sweep()).peopleTeams, 1);
    assert.equal(await records.peopleTeams.get('chat/a'), undefined);
  });

  it('keeps teams that are used, counting from the last use, and each scope by its own', async () => {
    const { records, sweeper, teams, at } = build();
    const alice = { kind: 'userPrincipalName' as const, value: 'alice@contoso.com' };
    await teams.define('team/used', 'sre', [alice]);
    await teams.define('team/idle', 'sre', [alice]);
    at(RETENTION - 1);
    await teams.expand('team/used', [{ kind: 'team', name: 'sre' }]);
    at(RETENTION + SLACK);
    await sweeper.sweep();
    assert.ok(await records.peopleTeams.get('team/used'));
    assert.equal(await records.peopleTeams.get('team/idle'), undefined);
    at(RETENTION - 1 + RETENTION + SLACK);
    await sweeper.sweep();
    assert.equal(await records.peopleTeams.get('team/used'), undefined);
  });
});
