import { randomUUID } from 'node:crypto';
import type { BlockBlobUploadOptions, ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import { blobName, blobNamePrefix, keyOfBlobName } from './blobKeyNames.js';
import type { DocumentStore, OnQuarantined, StoredDocument } from './documentStore.js';
import { checkKey, toJson } from './documentValues.js';
import { StoreUnavailableError } from './storageErrors.js';

/** Retry settings for the ContainerClient: a bot answering a chat cannot wait out the SDK's minutes-long defaults. */
export interface BlobRetrySettings {
  maxTries?: number;
  tryTimeoutInMs?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

export interface BlobDocumentStoreOptions {
  /** The longest any one call may take, retries included, before it rejects with StoreUnavailableError. */
  operationTimeoutMs?: number;
  onQuarantined?: OnQuarantined;
}

/** Pipeline options to build the ContainerClient with (connection string or token credential alike). */
export function blobPipelineOptions(settings: BlobRetrySettings = {}): StoragePipelineOptions {
  return {
    retryOptions: {
      maxTries: settings.maxTries ?? 3,
      tryTimeoutInMs: settings.tryTimeoutInMs ?? 5_000,
      retryDelayInMs: settings.retryDelayInMs ?? 200,
      maxRetryDelayInMs: settings.maxRetryDelayInMs ?? 2_000,
    },
  };
}

const CONTENT_TYPE = 'application/json; charset=utf-8';
// Each write carries a token so that, when the SDK retried a write whose first try did land, the 409/412 the retry
// gets can be recognised as our own success rather than reported as a lost race (which would make callers re-apply).
const WRITE_TOKEN = 'rallywrite';
// Outside the names blobName produces (`%r` is no escape), so the probe is never listed as a key.
const PROBE_PREFIX = '%rally-ready-probe/';
const PAGE_SIZE = 1000;

/**
 * DocumentStore on Azure Blob Storage: one block blob per key holding the JSON value, with Azure's own ETags and
 * conditional headers (If-None-Match: *, If-Match), so any number of Rally instances may share one container.
 */
export class BlobDocumentStore implements DocumentStore {
  readonly #container: ContainerClient;
  readonly #timeoutMs: number;
  readonly #onQuarantined: OnQuarantined | undefined;

  constructor(container: ContainerClient, options: BlobDocumentStoreOptions = {}) {
    this.#container = container;
    this.#timeoutMs = options.operationTimeoutMs ?? 20_000;
    this.#onQuarantined = options.onQuarantined;
  }

  /** The store over `container`, creating the container if it does not exist yet. */
  static async create(container: ContainerClient, options: BlobDocumentStoreOptions = {}): Promise<BlobDocumentStore> {
    const store = new BlobDocumentStore(container, options);
    try {
      await container.createIfNotExists({ abortSignal: store.#deadline() });
    } catch (error) {
      throw new StoreUnavailableError('create container', container.containerName, { cause: error });
    }
    return store;
  }

  async get(key: string): Promise<StoredDocument | undefined> {
    const document = await this.#download(key);
    return document === 'unchanged' ? undefined : document;
  }

  async getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined> {
    return this.#download(key, eTag);
  }

  /** The blob's document; with `unlessETag`, `unchanged` (Azure's 304 to If-None-Match) when that is still its eTag. */
  async #download(key: string, unlessETag?: string): Promise<StoredDocument | 'unchanged' | undefined> {
    checkKey(key);
    let text: string;
    let eTag: string | undefined;
    try {
      const conditions = unlessETag === undefined ? {} : { conditions: { ifNoneMatch: unlessETag } };
      const response = await this.#blob(key).download(0, undefined, { ...conditions, abortSignal: this.#deadline() });
      eTag = response.etag;
      text = await readText(response.readableStreamBody);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      if (statusOf(error) === 304 && unlessETag !== undefined) return 'unchanged';
      throw new StoreUnavailableError('read', key, { cause: error });
    }
    if (!eTag) throw new StoreUnavailableError('read', key, { cause: new Error('the response carried no ETag') });
    try {
      return { value: JSON.parse(text), eTag };
    } catch {
      await this.#quarantine(key, text, eTag);
      return undefined;
    }
  }

  /** Copies an unreadable blob's text under `quarantine/` and removes it, unless it was rewritten meanwhile. */
  async #quarantine(key: string, text: string, eTag: string): Promise<void> {
    await this.createIfAbsent(`quarantine/${key.slice(0, 400)}/${Date.now()}`, { unreadable: text.slice(0, 100_000) });
    if (await this.deleteIfMatch(key, eTag)) this.#onQuarantined?.(key, 'the blob is not valid JSON');
  }

  async createIfAbsent(key: string, value: unknown): Promise<string | undefined> {
    checkKey(key);
    return this.#upload('create', key, toJson(key, value), { ifNoneMatch: '*' });
  }

  async putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined> {
    checkKey(key);
    const json = toJson(key, value);
    // `*` would match any version; the contract wants this exact one.
    if (!eTag || eTag === '*') return undefined;
    return this.#upload('write', key, json, { ifMatch: eTag });
  }

  async deleteIfMatch(key: string, eTag: string): Promise<boolean> {
    checkKey(key);
    if (!eTag || eTag === '*') return false;
    try {
      await this.#blob(key).delete({ conditions: { ifMatch: eTag }, abortSignal: this.#deadline() });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 412) return false;
      throw new StoreUnavailableError('delete', key, { cause: error });
    }
  }

  async *listByPrefix(prefix: string): AsyncIterable<string> {
    const serverPrefix = blobNamePrefix(prefix);
    let continuationToken: string | undefined;
    do {
      let page;
      try {
        const pages = this.#container
          .listBlobsFlat({ prefix: serverPrefix, abortSignal: this.#deadline() })
          .byPage({ continuationToken, maxPageSize: PAGE_SIZE });
        page = (await pages.next()).value;
      } catch (error) {
        throw new StoreUnavailableError('list', prefix, { cause: error });
      }
      if (!page) return;
      for (const item of page.segment.blobItems) {
        const key = keyOfBlobName(item.name);
        if (key !== undefined && key.startsWith(prefix)) yield key;
      }
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
  }

  /** Writes and deletes a probe blob: reaching the account is not enough, Rally needs to write to it. */
  async checkReady(): Promise<void> {
    const probe = this.#container.getBlockBlobClient(`${PROBE_PREFIX}${randomUUID()}`);
    try {
      await probe.upload('{}', 2, { blobHTTPHeaders: { blobContentType: CONTENT_TYPE }, abortSignal: this.#deadline() });
      await probe.delete({ abortSignal: this.#deadline() });
    } catch (error) {
      throw new StoreUnavailableError('readiness check', this.#container.containerName, { cause: error });
    }
  }

  async close(): Promise<void> {}

  #blob(key: string) {
    return this.#container.getBlockBlobClient(blobName(key));
  }

  #deadline(): AbortSignal {
    return AbortSignal.timeout(this.#timeoutMs);
  }

  async #upload(
    operation: string,
    key: string,
    json: string,
    conditions: NonNullable<BlockBlobUploadOptions['conditions']>,
  ): Promise<string | undefined> {
    const blob = this.#blob(key);
    const token = randomUUID();
    try {
      const response = await blob.upload(json, Buffer.byteLength(json), {
        conditions,
        metadata: { [WRITE_TOKEN]: token },
        blobHTTPHeaders: { blobContentType: CONTENT_TYPE },
        abortSignal: this.#deadline(),
      });
      if (!response.etag) throw new Error('the response carried no ETag');
      return response.etag;
    } catch (error) {
      const status = statusOf(error);
      // 409: If-None-Match: * on an existing blob; 412: If-Match on a changed one; 404: If-Match on a deleted one.
      if (status !== 409 && status !== 412 && status !== 404) {
        throw new StoreUnavailableError(operation, key, { cause: error });
      }
    }
    try {
      const properties = await blob.getProperties({ abortSignal: this.#deadline() });
      return properties.metadata?.[WRITE_TOKEN] === token ? properties.etag : undefined;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw new StoreUnavailableError(operation, key, { cause: error });
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

async function readText(body: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
