import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDirectory {
  readonly path: string;
  /** Removes the directory and all it holds; safe to call twice. */
  remove(): Promise<void>;
}

/** A fresh directory under the system's temp directory, for one-off use: remove it in a `finally` or a close(). */
export async function makeTempDirectory(prefix = 'rally-test-'): Promise<TempDirectory> {
  const directory = await mkdtemp(path.join(tmpdir(), prefix));
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** A fresh directory for each test of the calling suite, removed afterwards. Returns a getter for the current one. */
export function useTempDirectory(prefix = 'rally-test-'): () => string {
  let directory: TempDirectory | undefined;
  beforeEach(async () => {
    directory = await makeTempDirectory(prefix);
  });
  afterEach(async () => {
    await directory?.remove();
    directory = undefined;
  });
  return () => {
    if (!directory) throw new Error('useTempDirectory: only available inside a test.');
    return directory.path;
  };
}
