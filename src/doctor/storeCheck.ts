import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StoreSettings } from '../config/storeSettings.js';
import { createLogger } from '../log/logger.js';
import { tempName } from '../storage/fileKeyNames.js';
import { openDocumentStore } from '../storage/openDocumentStore.js';
import { sentence } from '../i18n/sentence.js';
import type { Sentence } from '../i18n/sentence.js';
import { fail, pass } from './checkResult.js';
import type { CheckResult } from './checkResult.js';

/** Writes something to the store and removes it again; rejects when it cannot. Inside Rally: its store's `checkReady`. */
export type StoreProbe = () => Promise<void>;

export interface StoreCheckOptions {
  /** How long the probe may take before the check fails; the Blob store's own deadlines are shorter. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * (f) Rally can read and write its store. With `probe` (Rally's own store, inside Rally: what `/readyz` asks), that
 * store is asked. Without one (`npm run doctor`, a process of its own) the doctor looks on its own:
 * - Blob: opens the container as Rally does (same settings, same credential), writes and deletes a probe blob, closes.
 * - file: the embedded store allows one process, and a running Rally holds its lock, so the doctor does not open it:
 *   it writes and removes a temp file in the data directory without the lock (or, when the directory does not exist
 *   yet, checks that Rally may create it), which shows the permissions and disk problems a store would hit.
 */
export async function checkStore(store: StoreSettings, probe?: StoreProbe, options: StoreCheckOptions = {}): Promise<CheckResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = describe(store);
  try {
    if (probe !== undefined) {
      await withTimeout(probe(), timeoutMs);
      return pass(sentence('doctor.store.rallyCan', { where }));
    }
    if (store.kind === 'blob') {
      await withTimeout(probeBlobContainer(store), timeoutMs);
      return pass(sentence('doctor.store.readWrite', { where }));
    }
    const parent = await withTimeout(probeDirectory(store.dataDir), timeoutMs);
    return parent === undefined ? pass(sentence('doctor.store.writable', { where })) : pass(sentence('doctor.store.toCreate', { where, parent }));
  } catch (error) {
    return fail(sentence('doctor.store.failed', { where, reason: reasonOf(error) }), fixFor(store));
  }
}

function describe(store: StoreSettings): Sentence {
  if (store.kind === 'file') return sentence('doctor.store.where.directory', { directory: store.dataDir });
  if ('accountUrl' in store) return sentence('doctor.store.where.blobAt', { container: store.container, account: store.accountUrl });
  // Only the account's name: the rest of a connection string is its key.
  const account = /(?:^|;)\s*AccountName=([^;]+)/i.exec(store.connectionString)?.[1]?.trim();
  return account
    ? sentence('doctor.store.where.blobConnectionAccount', { container: store.container, account })
    : sentence('doctor.store.where.blobConnection', { container: store.container });
}

function fixFor(store: StoreSettings): Sentence {
  if (store.kind === 'file') return sentence('doctor.store.directory.fix', { directory: store.dataDir });
  if ('accountUrl' in store) {
    const identity = store.managedIdentityClientId === undefined
      ? sentence('doctor.store.identity.system')
      : sentence('doctor.store.identity.client', { clientId: store.managedIdentityClientId });
    return sentence('doctor.store.identity.fix', { identity, container: store.container });
  }
  return sentence('doctor.store.connectionString.fix', { container: store.container });
}

/** What Rally does at startup and on `/readyz`, in a store of its own that is closed again. */
async function probeBlobContainer(store: Extract<StoreSettings, { kind: 'blob' }>): Promise<void> {
  const documents = await openDocumentStore(store, createLogger('silent'));
  try {
    await documents.checkReady();
  } finally {
    await documents.close();
  }
}

/**
 * Writes and removes a probe file in `directory`, named like the store's own temp files (never read as a record, swept
 * if left behind). Resolves to undefined, or, when the directory does not exist yet, to the existing parent Rally
 * would create it in, after checking that parent may be written.
 */
export async function probeDirectory(directory: string): Promise<string | undefined> {
  const target = path.resolve(directory);
  const existing = await nearestExisting(target);
  if (existing !== target) {
    await access(existing, constants.W_OK | constants.X_OK);
    return existing;
  }
  const probe = path.join(target, tempName('doctor-probe', randomBytes(8).toString('hex')));
  await writeFile(probe, '{}', { flag: 'wx', mode: 0o600 });
  await unlink(probe);
  return undefined;
}

async function nearestExisting(target: string): Promise<string> {
  for (let at = target; ; at = path.dirname(at)) {
    try {
      await stat(at);
      return at;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) throw error;
    }
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the probe failed, in a few words: the innermost cause (Rally's store errors wrap Azure's or the file system's),
 * with the HTTP status and Azure error code when there are any (AuthorizationPermissionMismatch: the role is missing;
 * AuthorizationFailure: the firewall), and only the first line of its message.
 */
export function reasonOf(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  const { statusCode, code } = (inner ?? {}) as { statusCode?: unknown; code?: unknown };
  const message = (inner instanceof Error ? inner.message : String(inner)).split('\n')[0]!.trim();
  const parts = [
    typeof statusCode === 'number' ? String(statusCode) : undefined,
    typeof code === 'string' && !message.includes(code) ? code : undefined,
  ].filter((part) => part !== undefined);
  const text = parts.length > 0 ? `${parts.join(' ')}: ${message}` : message;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
