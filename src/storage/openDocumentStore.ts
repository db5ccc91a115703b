// Opens the store the settings name: the embedded file store, or a Blob Storage container shared by every instance.
import { ManagedIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { ContainerClient } from '@azure/storage-blob';
import type { StoreSettings } from '../config/storeSettings.js';
import type { Logger } from '../log/logger.js';
import { BlobDocumentStore, blobPipelineOptions } from './blobDocumentStore.js';
import type { DocumentStore } from './documentStore.js';
import { FileDocumentStore } from './fileDocumentStore.js';

/** Builds the managed-identity credential; tests never call it (it would ask the Azure metadata endpoint). */
export type ManagedIdentity = (clientId: string | undefined) => TokenCredential;

const azureManagedIdentity: ManagedIdentity = (clientId) => (clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential());

export async function openDocumentStore(settings: StoreSettings, log: Logger, managedIdentity = azureManagedIdentity): Promise<DocumentStore> {
  const onQuarantined = (key: string, reason: string) => log.warn({ key, reason }, 'an unreadable record was moved aside');
  if (settings.kind === 'file') return openFileStore(settings.dataDir, log, onQuarantined);
  const container =
    'connectionString' in settings
      ? new ContainerClient(settings.connectionString, settings.container, blobPipelineOptions())
      : new ContainerClient(`${settings.accountUrl}/${settings.container}`, managedIdentity(settings.managedIdentityClientId), blobPipelineOptions());
  return BlobDocumentStore.create(container, { onQuarantined });
}

/** The embedded store, with what a previous process left half-written swept away (the lock makes them all leftovers). */
async function openFileStore(directory: string, log: Logger, onQuarantined: (key: string, reason: string) => void): Promise<FileDocumentStore> {
  const store = await FileDocumentStore.open(directory, {
    // Long enough for the lock of a Rally that was killed to go stale, so a restarted one comes up by itself.
    waitForLockMs: 15_000,
    onLockLost: (error) => log.error({ err: error }, 'lost the lock on the data directory; Rally stops writing'),
    onQuarantined,
  });
  const swept = await store.sweepTempFiles(0);
  if (swept > 0) log.info({ swept }, 'removed temp files left by writes that were cut short');
  return store;
}
