// A document store whose disk fills up on demand: reads go on, and every write fails as the file store's does when the
// volume has no space left (StoreUnavailableError caused by ENOSPC). The real file store underneath keeps what was
// written before the disk filled.
import type { DocumentStore, StoredDocument } from '../../src/storage/documentStore.js';
import { StoreUnavailableError } from '../../src/storage/storageErrors.js';

export class FullDiskStore implements DocumentStore {
  full = false;

  constructor(private readonly inner: DocumentStore) {}

  get(key: string): Promise<StoredDocument | undefined> {
    return this.inner.get(key);
  }

  getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined> {
    return this.inner.getIfChanged(key, eTag);
  }

  createIfAbsent(key: string, value: unknown): Promise<string | undefined> {
    return this.writing('create', key, () => this.inner.createIfAbsent(key, value));
  }

  putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined> {
    return this.writing('put', key, () => this.inner.putIfMatch(key, value, eTag));
  }

  deleteIfMatch(key: string, eTag: string): Promise<boolean> {
    return this.writing('delete', key, () => this.inner.deleteIfMatch(key, eTag));
  }

  listByPrefix(prefix: string): AsyncIterable<string> {
    return this.inner.listByPrefix(prefix);
  }

  checkReady(): Promise<void> {
    return this.writing('readiness check', '.ready', () => this.inner.checkReady());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async writing<T>(operation: string, key: string, write: () => Promise<T>): Promise<T> {
    if (this.full) {
      const cause = Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), { code: 'ENOSPC' });
      throw new StoreUnavailableError(operation, key, { cause });
    }
    return write();
  }
}
