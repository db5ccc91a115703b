import { randomBytes, randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import lockfile from 'proper-lockfile';
import type { DocumentStore, OnQuarantined, StoredDocument } from './documentStore.js';
import { checkKey, toJson } from './documentValues.js';
import { decodeName, directoryPath, documentPath, isTempName, parseEntryName, tempName } from './fileKeyNames.js';
import { StorageCorruptError, StoreLockedError, StoreUnavailableError } from './storageErrors.js';

export interface FileDocumentStoreOptions {
  /**
   * Called when the single-writer lock could not be kept (its heartbeat failed for longer than the staleness window,
   * or someone removed it). The store refuses writes from then on; the caller decides whether to log or exit.
   */
  onLockLost?: (error: Error) => void;
  /** How long a lock whose heartbeat stopped (its process was killed) blocks a new `open`. */
  lockStaleMs?: number;
  /**
   * How long `open` keeps trying while another process holds the lock, before it refuses. Rally restarted right after
   * a crash waits out its predecessor's stale lock this way; a live second instance is still refused. Default 0.
   */
  waitForLockMs?: number;
  onQuarantined?: OnQuarantined;
}

/** Where unreadable files are moved; a name no key maps to (document names never start with a dot). */
const QUARANTINE_FOLDER = '.quarantine';

/** What one file holds. The key is kept in the file so a file moved or renamed by hand is caught, not misread. */
interface DocumentFile {
  key: string;
  eTag: string;
  value: unknown;
}

const LOCK_NAME = 'rally.lock';
const DEFAULT_STALE_MS = 10_000;
/** At most this much text of written documents is kept for reading them back (see #written). */
const WRITTEN_TEXT_CHARACTERS = 32 * 1024 * 1024;

/**
 * Rally's embedded DocumentStore: one JSON file per key under a data directory (see fileKeyNames.ts for the layout).
 *
 * - Writes are atomic and durable (temp file, fsync, rename, fsync of the directory): a crash leaves the old or the new
 *   document, and a restart sees everything that was acknowledged. A write killed halfway leaves a temp file that
 *   `sweepTempFiles` removes.
 * - Conditional writes check and write under a per-key promise chain, so they are atomic within this process; the
 *   directory lock makes this process the only writer.
 * - A file that cannot be read back is moved into `.quarantine/` and the key reads as absent; I/O failures throw
 *   `StoreUnavailableError`.
 */
export class FileDocumentStore implements DocumentStore {
  readonly directory: string;
  readonly #release: () => Promise<void>;
  readonly #lock: { lost?: Error };
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onQuarantined: OnQuarantined | undefined;
  /**
   * The text of documents this process wrote. While it holds the directory lock it is the only writer, so what it wrote
   * last is what the file holds, and reading it back needs no file system call: a call record is read back for every
   * burst of notifications about it. (A file changed by hand while Rally runs is therefore not seen until Rally
   * restarts, and its next write replaces it; the README says to stop Rally before touching the data directory.) The
   * least recently used text goes first.
   */
  readonly #written = new LRUCache<string, { text: string; eTag: string }>({
    maxSize: WRITTEN_TEXT_CHARACTERS,
    sizeCalculation: (entry) => Math.max(1, entry.text.length),
  });
  #closed = false;

  private constructor(directory: string, release: () => Promise<void>, lock: { lost?: Error }, onQuarantined: OnQuarantined | undefined) {
    this.directory = directory;
    this.#release = release;
    this.#lock = lock;
    this.#onQuarantined = onQuarantined;
  }

  /** Creates the directory when missing and takes its lock; rejects with `StoreLockedError` if another process has it. */
  static async open(directory: string, options: FileDocumentStoreOptions = {}): Promise<FileDocumentStore> {
    let root: string;
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      root = await realpath(directory);
    } catch (error) {
      throw new StoreUnavailableError('open', directory, { cause: error });
    }
    const lock: { lost?: Error } = {};
    const stale = options.lockStaleMs ?? DEFAULT_STALE_MS;
    const giveUpAt = Date.now() + (options.waitForLockMs ?? 0);
    for (;;) {
      try {
        const release = await lockfile.lock(root, {
          lockfilePath: path.join(root, LOCK_NAME),
          realpath: false,
          retries: 0,
          stale,
          // A heartbeat well inside the window, so a busy event loop does not make our own lock look abandoned.
          update: stale / 4,
          onCompromised: (error) => {
            lock.lost = error;
            options.onLockLost?.(error);
          },
        });
        return new FileDocumentStore(root, release, lock, options.onQuarantined);
      } catch (error) {
        const locked = (error as NodeJS.ErrnoException).code === 'ELOCKED';
        if (locked && Date.now() < giveUpAt) {
          await delay(250);
          continue;
        }
        if (locked) throw new StoreLockedError(root, { cause: error });
        throw new StoreUnavailableError('lock', root, { cause: error });
      }
    }
  }

  async get(key: string): Promise<StoredDocument | undefined> {
    checkKey(key);
    this.#checkOpen('read', key);
    let stored: DocumentFile | undefined;
    try {
      stored = await this.#read(key);
    } catch (error) {
      if (!(error instanceof StorageCorruptError)) throw error;
      return this.#quarantine(key);
    }
    return stored && { value: stored.value, eTag: stored.eTag };
  }

  async getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined> {
    checkKey(key);
    this.#checkOpen('read', key);
    if (this.#ownWrite(key)?.eTag === eTag) return 'unchanged';
    const document = await this.get(key);
    return document?.eTag === eTag ? 'unchanged' : document;
  }

  /** Moves an unreadable file aside (unless a write replaced it meanwhile) and reads the key again. */
  async #quarantine(key: string): Promise<StoredDocument | undefined> {
    this.#checkWritable('quarantine', key);
    return this.#exclusive(key, async () => {
      try {
        return await this.#read(key);
      } catch (error) {
        if (!(error instanceof StorageCorruptError)) throw error;
        const file = this.#fileFor(key);
        this.#written.delete(key);
        const folder = path.join(this.directory, QUARANTINE_FOLDER);
        try {
          await mkdir(folder, { recursive: true, mode: 0o700 });
          await rename(file, path.join(folder, `${Date.now()}-${randomBytes(4).toString('hex')}-${path.basename(file)}`));
          await syncDirectories([path.dirname(file), folder]);
        } catch (cause) {
          throw new StoreUnavailableError('quarantine', key, { cause });
        }
        this.#onQuarantined?.(key, error.message);
        return undefined;
      }
    });
  }

  async createIfAbsent(key: string, value: unknown): Promise<string | undefined> {
    checkKey(key);
    const json = toJson(key, value);
    this.#checkWritable('create', key);
    return this.#exclusive(key, async () => {
      // Existence alone decides: a damaged file is still a document that must not be overwritten unseen.
      if (await this.#exists(key)) return undefined;
      return this.#write(key, json);
    });
  }

  async putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined> {
    checkKey(key);
    const json = toJson(key, value);
    this.#checkWritable('write', key);
    return this.#exclusive(key, async () => {
      if ((await this.#currentETag(key)) !== eTag) return undefined;
      return this.#write(key, json);
    });
  }

  async deleteIfMatch(key: string, eTag: string): Promise<boolean> {
    checkKey(key);
    this.#checkWritable('delete', key);
    return this.#exclusive(key, async () => {
      if ((await this.#currentETag(key)) !== eTag) return false;
      const file = this.#fileFor(key);
      this.#written.delete(key);
      try {
        await unlink(file);
        await syncDirectories([path.dirname(file)]);
      } catch (error) {
        throw new StoreUnavailableError('delete', key, { cause: error });
      }
      return true;
    });
  }

  async *listByPrefix(prefix: string): AsyncIterable<string> {
    this.#checkOpen('list', prefix);
    const complete = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const start = complete === '' ? [] : directoryPath(complete.slice(0, -1).split('/'));
    yield* this.#walk(start, complete, prefix);
  }

  /** Writes and removes a probe file through the same path as a document, so a full or read-only disk shows here. */
  async checkReady(): Promise<void> {
    this.#checkWritable('check', this.directory);
    // Named like a temp file: never listed, and swept if a crash leaves it behind.
    const probe = path.join(this.directory, tempName('ready-probe', randomBytes(8).toString('hex')));
    try {
      await writeDurably(probe, '{}');
      await unlink(probe);
    } catch (error) {
      throw new StoreUnavailableError('readiness check', this.directory, { cause: error });
    }
  }

  /** Waits for writes under way, then releases the lock so another process may open the directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#tails.values());
    try {
      await this.#release();
    } catch (error) {
      // A lost lock is already released; there is nothing left to give back.
      if ((error as NodeJS.ErrnoException).code !== 'ERELEASED') {
        throw new StoreUnavailableError('unlock', this.directory, { cause: error });
      }
    }
  }

  /** Temp files a minute old: any write still under way is far younger. */
  async sweepLeftovers(): Promise<void> {
    await this.sweepTempFiles(60_000);
  }

  /** Removes temp files older than `olderThanMs` (left by writes killed halfway); resolves to how many it removed. */
  async sweepTempFiles(olderThanMs: number): Promise<number> {
    this.#checkWritable('sweep', this.directory);
    const cutoff = Date.now() - olderThanMs;
    try {
      return await sweep(this.directory, cutoff);
    } catch (error) {
      throw new StoreUnavailableError('sweep', this.directory, { cause: error });
    }
  }

  #fileFor(key: string): string {
    return path.join(this.directory, ...documentPath(key));
  }

  #checkOpen(operation: string, key: string): void {
    if (this.#closed) throw new StoreUnavailableError(operation, key, { cause: new Error('the store is closed') });
  }

  #checkWritable(operation: string, key: string): void {
    this.#checkOpen(operation, key);
    if (this.#lock.lost) throw new StoreUnavailableError(operation, key, { cause: this.#lock.lost });
  }

  /** Runs `task` after every earlier task for `key` has settled; tasks for other keys are not held up. */
  async #exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(() => undefined, () => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  async #exists(key: string): Promise<boolean> {
    try {
      await lstat(this.#fileFor(key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new StoreUnavailableError('read', key, { cause: error });
    }
  }

  async #read(key: string): Promise<DocumentFile | undefined> {
    let text: string;
    try {
      text = await this.#readText(key);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file stands where a parent directory of this key would be, so the key cannot exist.
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new StoreUnavailableError('read', key, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StorageCorruptError(key, 'the file is not valid JSON', { cause: error });
    }
    if (!isDocumentFile(parsed)) throw new StorageCorruptError(key, 'the file does not hold a stored document');
    if (parsed.key !== key) throw new StorageCorruptError(key, `the file holds the document "${parsed.key}"`);
    return parsed;
  }

  /** The file's text: what this process wrote last, or else from disk. */
  async #readText(key: string): Promise<string> {
    return this.#ownWrite(key)?.text ?? readFile(this.#fileFor(key), 'utf8');
  }

  async #currentETag(key: string): Promise<string | undefined> {
    return this.#ownWrite(key)?.eTag ?? (await this.#read(key))?.eTag;
  }

  /** What this process wrote last under `key`, while it is still the only writer. */
  #ownWrite(key: string): { text: string; eTag: string } | undefined {
    return this.#lock.lost ? undefined : this.#written.get(key);
  }

  async #write(key: string, json: string): Promise<string> {
    const eTag = randomUUID();
    const text = `{"key":${JSON.stringify(key)},"eTag":${JSON.stringify(eTag)},"value":${json}}`;
    this.#written.delete(key);
    try {
      await writeDurably(this.#fileFor(key), text);
      this.#written.set(key, { text, eTag });
    } catch (error) {
      throw new StoreUnavailableError('write', key, { cause: error });
    }
    return eTag;
  }

  /**
   * Yields the keys under `components` that start with `prefix`. `decoded` is the key text those components stand
   * for; directories that cannot lead to a match are not read.
   */
  async *#walk(components: string[], decoded: string, prefix: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(path.join(this.directory, ...components), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw new StoreUnavailableError('list', prefix, { cause: error });
    }
    for (const entry of entries) {
      const name = parseEntryName(entry.name);
      if (!name || isTempName(entry.name)) continue;
      const text = decoded + decodeName(name.text);
      const inside = [...components, entry.name];
      if (name.kind === 'document') {
        // Only the one spelling Rally writes: a hand-made alias such as `%61.json` for `a` is not listed.
        if (entry.isFile() && text.startsWith(prefix) && sameNames(documentPath(text), inside)) yield text;
      } else if (entry.isDirectory()) {
        const next = name.kind === 'segment' ? `${text}/` : text;
        if (next.startsWith(prefix) || prefix.startsWith(next)) yield* this.#walk(inside, next, prefix);
      }
    }
  }
}

/** Temp file, fsync, rename, then fsync of each directory whose entries changed, so an acknowledged write survives. */
async function writeDurably(file: string, text: string): Promise<void> {
  const directory = path.dirname(file);
  const created = await mkdir(directory, { recursive: true, mode: 0o700 });
  const temp = tempName(file, randomBytes(8).toString('hex'));
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  const changed = [directory];
  // New directories are durable only once their parents' entries are: sync from the first one created upwards.
  if (created !== undefined) {
    for (let dir = directory; dir !== path.dirname(created); dir = path.dirname(dir)) changed.push(path.dirname(dir));
  }
  await syncDirectories(changed);
}

async function syncDirectories(directories: string[]): Promise<void> {
  // Windows cannot open a directory as a file; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  for (const directory of new Set(directories)) {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

async function sweep(directory: string, cutoff: number): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== LOCK_NAME) {
      removed += await sweep(full, cutoff);
    } else if (entry.isFile() && isTempName(entry.name)) {
      try {
        if ((await lstat(full)).mtimeMs < cutoff) {
          await unlink(full);
          removed++;
        }
      } catch (error) {
        // Finished (renamed) or removed between readdir and now: not ours to count.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  return removed;
}

function isDocumentFile(value: unknown): value is DocumentFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { key, eTag } = value as Partial<DocumentFile>;
  return typeof key === 'string' && typeof eTag === 'string' && 'value' in value;
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}
