import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import writeFileAtomic from 'write-file-atomic';
import { KeyedMutex } from './keyedMutex.js';
import { StorageConflictError, StorageCorruptError } from './storageErrors.js';

/** What one file holds: the key it belongs to (checked on read, and there for operators to grep) and the item. */
interface StoredFile {
  key: string;
  item: { eTag: string; [field: string]: unknown };
}

// One lock table for the whole process, keyed by absolute file path, so two FileStorage objects over the same
// directory still serialize their read-check-write on a key.
const fileLocks = new KeyedMutex();

/**
 * Rally's embedded durable store: botbuilder's `Storage` with one JSON file per key under a data directory.
 *
 * - Writes are atomic (temp file, fsync, rename, then fsync of the directory), so a crash leaves either the old or
 *   the new record, never half of one, and a restart sees everything that was acknowledged.
 * - eTags are random per write. A write whose `eTag` is missing, empty or `'*'` always succeeds; any other eTag must be
 *   the stored one, else the write rejects with `StorageConflictError`. Unlike `MemoryStorage`, an eTag for a record
 *   that no longer exists is a conflict too (as in Cosmos DB and Blob storage): it was read, then deleted.
 * - Keys are written independently; when one key of a multi-key write conflicts, the others are still written.
 * - A file that exists but cannot be read back throws `StorageCorruptError` naming the key, on read and on conditional
 *   writes; an unconditional write or a delete replaces it, which is how an operator repairs it.
 * - Items are copied through JSON on the way in and out, so callers never share objects with the store.
 */
export class FileStorage implements Storage {
  readonly directory: string;

  private constructor(directory: string) {
    this.directory = directory;
  }

  /** Creates the directory when it is missing, so an unusable data directory fails at startup, not at the first call. */
  static async open(directory: string): Promise<FileStorage> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new FileStorage(await realpath(directory));
  }

  async read(keys: string[]): Promise<StoreItems> {
    const found = await Promise.all(keys.map(async (key) => [key, await this.#load(key)] as const));
    const items: StoreItems = {};
    for (const [key, stored] of found) {
      if (stored) items[key] = stored.item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const outcomes = await Promise.allSettled(Object.entries(changes).map(([key, item]) => this.#save(key, item)));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => fileLocks.run(this.#fileFor(key), async () => {
      await rm(this.#fileFor(key), { force: true });
      await this.#syncDirectory();
    })));
  }

  /**
   * Keys carry `/`, `:`, `@` and any Unicode; file systems differ on case, normalization, reserved names and length.
   * A hash of the key avoids all of that and can never point outside the directory; the key itself is kept in the file.
   */
  #fileFor(key: string): string {
    return path.join(this.directory, `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`);
  }

  async #save(key: string, item: unknown): Promise<void> {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new TypeError(`Storage: the item for "${key}" must be a JSON object.`);
    }
    const expected = (item as { eTag?: unknown }).eTag;
    const file = this.#fileFor(key);
    await fileLocks.run(file, async () => {
      if (expected && expected !== '*') {
        const current = await this.#load(key);
        if (current?.item.eTag !== expected) throw new StorageConflictError(key);
      }
      const stored: StoredFile = { key, item: { ...item, eTag: randomUUID() } };
      await writeFileAtomic(file, JSON.stringify(stored), { mode: 0o600 });
      await this.#syncDirectory();
    });
  }

  async #load(key: string): Promise<StoredFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.#fileFor(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StorageCorruptError(key, `the file cannot be read (${(error as Error).message})`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StorageCorruptError(key, 'the file is not valid JSON', { cause: error });
    }
    if (!isStoredFile(parsed)) throw new StorageCorruptError(key, 'the file does not hold a stored item');
    if (parsed.key !== key) throw new StorageCorruptError(key, `the file holds the record "${parsed.key}"`);
    return parsed;
  }

  /** A rename is durable only once the directory entry is; write-file-atomic syncs the file but not the directory. */
  async #syncDirectory(): Promise<void> {
    // Windows cannot open a directory as a file; NTFS journals the rename itself.
    if (process.platform === 'win32') return;
    const handle = await open(this.directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

function isStoredFile(value: unknown): value is StoredFile {
  if (typeof value !== 'object' || value === null) return false;
  const { key, item } = value as Partial<StoredFile>;
  return typeof key === 'string' && typeof item === 'object' && item !== null && !Array.isArray(item)
    && typeof item.eTag === 'string';
}
