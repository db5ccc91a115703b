import { RallyError } from '../errors/rallyError.js';
import { sentence } from '../i18n/sentence.js';

/** A write carried an eTag that is no longer the stored one: someone else wrote (or deleted) the record first. */
export class StorageConflictError extends RallyError {
  readonly code = 'storageConflict';
  readonly key: string;

  constructor(key: string) {
    super(sentence('storage.conflict'), {
      detail: `Storage: error writing "${key}" due to eTag conflict.`,
    });
    this.key = key;
  }
}

/**
 * A stored record exists but cannot be read back (damaged JSON, wrong shape, or the file cannot be opened).
 * Thrown rather than treated as missing: a record that silently vanished would be overwritten by the next write.
 */
export class StorageCorruptError extends RallyError {
  readonly code = 'storageCorrupt';
  readonly key: string;

  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super(sentence('storage.corrupt'), {
      cause: options?.cause,
      detail: `Storage: record "${key}" is unreadable: ${reason}`,
    });
    this.key = key;
  }
}

/** An update kept losing eTag races to other writers and gave up rather than retry forever. */
export class RecordUpdateConflictError extends RallyError {
  readonly code = 'storageContention';
  readonly key: string;
  readonly attempts: number;

  constructor(key: string, attempts: number, options?: { cause?: unknown }) {
    super(sentence('storage.busy'), {
      cause: options?.cause,
      detail: `Storage: update of "${key}" still conflicted after ${attempts} attempts.`,
    });
    this.key = key;
    this.attempts = attempts;
  }
}

/**
 * The store could not be reached or refused the operation for a reason other than a condition (disk full, Azure
 * Storage down, no permission). Nothing was written by the failed call.
 */
export class StoreUnavailableError extends RallyError {
  readonly code = 'storeUnavailable';

  constructor(operation: string, key: string, options?: { cause?: unknown }) {
    super(sentence('storage.unavailable'), {
      cause: options?.cause,
      detail: `Storage: ${operation} of "${key}" failed`,
    });
  }
}

/**
 * The file store's directory is locked by another live Rally process. Two writers on one directory would each check
 * eTags against their own view and overwrite the other's changes, so the second one refuses to start instead.
 */
export class StoreLockedError extends RallyError {
  readonly code = 'storeLocked';
  readonly directory: string;

  constructor(directory: string, options?: { cause?: unknown }) {
    super(sentence('storage.locked'), {
      cause: options?.cause,
      detail: `Storage: another Rally process is using ${directory}. Stop it, or give this one another RALLY_DATA_DIR `
        + '(or use RALLY_STORE=blob to run several instances).',
    });
    this.directory = directory;
  }
}
