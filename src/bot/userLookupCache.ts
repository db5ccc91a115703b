// A short-lived memory of who a UPN is. Every `call alice@contoso.com` looks Alice up in Graph before the call can be
// placed, and a chat tends to name the same few people again and again; a UPN → object id mapping changes only when
// an account is renamed or replaced, so answers a minute old are as good as new ones and save a Graph round trip on
// the way to placing a call. Only found users are kept: someone not found yet may be added any moment.
import type { CallingApi, GraphUser } from '../calling/index.js';

export interface UserLookupCacheOptions {
  /** How long a found user is reused. Default 60 seconds. */
  ttlMs?: number;
  /** The most users kept; the oldest go first. Default 1000. */
  maxEntries?: number;
  now?: () => number;
}

type UserLookup = Pick<CallingApi, 'getUser'>;

/** `api`'s `getUser`, answering a repeated look-up of the same tenant and name from memory for `ttlMs`. */
export function cachedUserLookup(api: UserLookup, options: UserLookupCacheOptions = {}): UserLookup {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  // Insertion order is age order: the first entry is the oldest.
  const users = new Map<string, { user: GraphUser; until: number }>();

  return {
    async getUser(tenantId, idOrUserPrincipalName) {
      // UPNs and object ids are both case-insensitive; tenants never share a directory.
      const key = `${tenantId.toLowerCase()}\n${idOrUserPrincipalName.toLowerCase()}`;
      const cached = users.get(key);
      if (cached && cached.until > now()) return structuredClone(cached.user);
      users.delete(key);
      const user = await api.getUser(tenantId, idOrUserPrincipalName);
      users.set(key, { user: structuredClone(user), until: now() + ttlMs });
      for (const oldest of users.keys()) {
        if (users.size <= maxEntries) break;
        users.delete(oldest);
      }
      return user;
    },
  };
}
