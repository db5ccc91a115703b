import assert from 'node:assert/strict';
import { cachedUserLookup } from '../../src/bot/userLookupCache.js';
import type { GraphUser } from '../../src/calling/requests/graphTypes.js';

/** A directory that counts its look-ups; `missing` names are not found. */
function directory(missing: string[] = []) {
  const asked: string[] = [];
  return {
    asked,
    async getUser(tenantId: string, name: string): Promise<GraphUser> {
      asked.push(`${tenantId}/${name}`);
      if (missing.includes(name)) throw new Error(`${name} not found`);
      return { id: `id-of-${name.toLowerCase()}`, displayName: name };
    },
  };
}

describe('cachedUserLookup', () => {
  it('answers the same name in the same tenant from memory until it expires, whatever its case', async () => {
    let now = 0;
    const api = directory();
    const lookup = cachedUserLookup(api, { ttlMs: 1000, now: () => now });
    assert.equal((await lookup.getUser('t1', 'adelev@contoso.com')).id, 'id-of-adelev@contoso.com');
    now = 999;
    assert.equal((await lookup.getUser('t1', 'AdeleV@Contoso.com')).id, 'id-of-adelev@contoso.com');
    assert.deepEqual(api.asked, ['t1/adelev@contoso.com']);
    now = 1000;
    await lookup.getUser('t1', 'adelev@contoso.com');
    assert.equal(api.asked.length, 2);
  });

  it('keeps tenants apart', async () => {
    const api = directory();
    const lookup = cachedUserLookup(api);
    await lookup.getUser('t1', 'adelev@contoso.com');
    await lookup.getUser('t2', 'adelev@contoso.com');
    assert.deepEqual(api.asked, ['t1/adelev@contoso.com', 't2/adelev@contoso.com']);
  });

  it('asks again for someone who was not found', async () => {
    const api = directory(['nobody@contoso.com']);
    const lookup = cachedUserLookup(api);
    await assert.rejects(lookup.getUser('t1', 'nobody@contoso.com'));
    await assert.rejects(lookup.getUser('t1', 'nobody@contoso.com'));
    assert.equal(api.asked.length, 2);
  });

  it('forgets the oldest users beyond maxEntries', async () => {
    const api = directory();
    const lookup = cachedUserLookup(api, { maxEntries: 2 });
    for (const name of ['a@x', 'b@x', 'c@x', 'c@x', 'b@x', 'a@x']) await lookup.getUser('t1', name);
    assert.deepEqual(api.asked, ['t1/a@x', 't1/b@x', 't1/c@x', 't1/a@x']);
  });

  it('hands out copies, so a caller changing one changes nothing kept', async () => {
    const lookup = cachedUserLookup(directory());
    const first = await lookup.getUser('t1', 'a@x');
    first.id = 'changed';
    assert.equal((await lookup.getUser('t1', 'a@x')).id, 'id-of-a@x');
  });
});
