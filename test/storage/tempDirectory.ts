import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh directory for each test of the calling suite, removed afterwards. Returns a getter for the current one. */
export function useTempDirectory(): () => string {
  let directory: string | undefined;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'rally-storage-'));
  });
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
    directory = undefined;
  });
  return () => {
    if (!directory) throw new Error('useTempDirectory: only available inside a test.');
    return directory;
  };
}
