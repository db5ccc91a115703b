import { z } from 'zod';
import { readSettings } from './settingsError.js';

// Where Rally keeps its state: the embedded file store (one instance, the default) or an Azure Blob Storage container
// that any number of instances share.

export type StoreSettings =
  | { kind: 'file'; dataDir: string }
  | { kind: 'blob'; container: string; connectionString: string }
  | {
      kind: 'blob';
      container: string;
      /** `https://<account>.blob.core.windows.net`: Rally signs in with a managed identity. */
      accountUrl: string;
      /** The client id of a user-assigned managed identity; the system-assigned one when undefined. */
      managedIdentityClientId?: string;
    };

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const schema = z
  .object({
    RALLY_STORE: z.enum(['file', 'blob'], { message: 'must be file or blob' }).default('file'),
    RALLY_DATA_DIR: z.string().trim().min(1).default('.rally-data'),
    AZURE_STORAGE_CONNECTION_STRING: optionalText,
    AZURE_STORAGE_ACCOUNT_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/[^/]+\/?$/.test(v), {
      message: 'must be the account\'s blob endpoint, like https://<account>.blob.core.windows.net',
    }),
    // Azure's container-name rules: 3-63 characters, lower case letters, digits and single hyphens inside.
    RALLY_BLOB_CONTAINER: optionalText.refine((v) => v === undefined || /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(v), {
      message: 'must be 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    }),
    STORAGE_MANAGED_IDENTITY_CLIENT_ID: optionalText,
  })
  .superRefine((s, ctx) => {
    const blobSetting = ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT_URL', 'RALLY_BLOB_CONTAINER', 'STORAGE_MANAGED_IDENTITY_CLIENT_ID'].find(
      (name) => s[name as keyof typeof s] !== undefined,
    );
    if (s.RALLY_STORE === 'file' && blobSetting !== undefined) {
      ctx.addIssue({ code: 'custom', path: [blobSetting], message: 'is set, but RALLY_STORE is file (set RALLY_STORE=blob to use Blob Storage)' });
    }
    if (s.RALLY_STORE !== 'blob') return;
    if (s.AZURE_STORAGE_CONNECTION_STRING === undefined && s.AZURE_STORAGE_ACCOUNT_URL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['RALLY_STORE'], message: 'is blob, so set AZURE_STORAGE_ACCOUNT_URL (managed identity) or AZURE_STORAGE_CONNECTION_STRING' });
    }
    if (s.AZURE_STORAGE_CONNECTION_STRING !== undefined && s.AZURE_STORAGE_ACCOUNT_URL !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['AZURE_STORAGE_ACCOUNT_URL'], message: 'and AZURE_STORAGE_CONNECTION_STRING are both set: keep one' });
    }
    if (s.AZURE_STORAGE_CONNECTION_STRING !== undefined && s.STORAGE_MANAGED_IDENTITY_CLIENT_ID !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['STORAGE_MANAGED_IDENTITY_CLIENT_ID'], message: 'goes with AZURE_STORAGE_ACCOUNT_URL, not with a connection string' });
    }
  });

export function loadStoreSettings(env: Readonly<Record<string, string | undefined>>): StoreSettings {
  const s = readSettings(schema, env);
  if (s.RALLY_STORE === 'file') return { kind: 'file', dataDir: s.RALLY_DATA_DIR };
  const container = s.RALLY_BLOB_CONTAINER ?? 'rally';
  if (s.AZURE_STORAGE_CONNECTION_STRING !== undefined) return { kind: 'blob', container, connectionString: s.AZURE_STORAGE_CONNECTION_STRING };
  return {
    kind: 'blob',
    container,
    accountUrl: s.AZURE_STORAGE_ACCOUNT_URL!.replace(/\/$/, ''),
    ...(s.STORAGE_MANAGED_IDENTITY_CLIENT_ID === undefined ? {} : { managedIdentityClientId: s.STORAGE_MANAGED_IDENTITY_CLIENT_ID }),
  };
}
