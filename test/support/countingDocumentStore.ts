// A DocumentStore that counts the requests made of it, by method and by key prefix, and passes each on unchanged. On
// Blob Storage every call of the interface is one HTTP request (a listing one per page), so these counts are what
// Rally would send there, measured against any store. Counting happens when a request is made, never by a clock, so
// the same sequence of calls always gives the same counts.
import type { DocumentStore, StoredDocument } from '../../src/storage/documentStore.js';

export type StoreMethod = 'get' | 'getIfChanged' | 'createIfAbsent' | 'putIfMatch' | 'deleteIfMatch' | 'listByPrefix' | 'checkReady' | 'close' | 'sweepLeftovers';

/** The prefix of requests that name no key (checkReady, close, sweepLeftovers, a listing of everything). */
export const WHOLE_STORE = '(store)';

export interface StoreRequest {
  method: StoreMethod;
  /** The key, or the prefix of a listing; undefined for requests about the whole store. */
  key: string | undefined;
  /** The key's segment before its first `/` (`calls`, `jobs`, ...), or WHOLE_STORE. */
  prefix: string;
}

export interface StoreRequestCounts {
  total: number;
  byMethod: Partial<Record<StoreMethod, number>>;
  byPrefix: Record<string, number>;
  /** By prefix, then method: which store of Rally's asked what. */
  byPrefixAndMethod: Record<string, Partial<Record<StoreMethod, number>>>;
}

/**
 * Told of each request as it is made, and `settled` resolves once it has finished (a listing: once its reader stops
 * reading). Listeners run synchronously inside the request, so a count read there includes it and nothing later.
 */
export type StoreRequestListener = (request: StoreRequest, settled: Promise<void>) => void;

export function prefixOf(key: string | undefined): string {
  if (key === undefined) return WHOLE_STORE;
  return key.split('/', 1)[0] || WHOLE_STORE;
}

export function countRequests(requests: readonly StoreRequest[]): StoreRequestCounts {
  const counts: StoreRequestCounts = { total: 0, byMethod: {}, byPrefix: {}, byPrefixAndMethod: {} };
  for (const { method, prefix } of requests) {
    counts.total++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    counts.byPrefix[prefix] = (counts.byPrefix[prefix] ?? 0) + 1;
    const methods = (counts.byPrefixAndMethod[prefix] ??= {});
    methods[method] = (methods[method] ?? 0) + 1;
  }
  return counts;
}

export class CountingDocumentStore implements DocumentStore {
  /** Every request since the store was wrapped; `reset` moves `since` instead of forgetting, so marks stay valid. */
  private readonly requests: StoreRequest[] = [];
  private since = 0;
  private readonly listeners = new Set<StoreRequestListener>();
  /** Present only when the wrapped store has it: Rally calls it only then, and a store without it makes no request. */
  readonly sweepLeftovers?: () => Promise<void>;

  constructor(private readonly inner: DocumentStore) {
    if (inner.sweepLeftovers) this.sweepLeftovers = () => this.counted('sweepLeftovers', undefined, () => inner.sweepLeftovers!());
  }

  get(key: string): Promise<StoredDocument | undefined> {
    return this.counted('get', key, () => this.inner.get(key));
  }

  getIfChanged(key: string, eTag: string): Promise<StoredDocument | 'unchanged' | undefined> {
    return this.counted('getIfChanged', key, () => this.inner.getIfChanged(key, eTag));
  }

  createIfAbsent(key: string, value: unknown): Promise<string | undefined> {
    return this.counted('createIfAbsent', key, () => this.inner.createIfAbsent(key, value));
  }

  putIfMatch(key: string, value: unknown, eTag: string): Promise<string | undefined> {
    return this.counted('putIfMatch', key, () => this.inner.putIfMatch(key, value, eTag));
  }

  deleteIfMatch(key: string, eTag: string): Promise<boolean> {
    return this.counted('deleteIfMatch', key, () => this.inner.deleteIfMatch(key, eTag));
  }

  /**
   * Counted once, when its first page is asked for: Blob Storage sends nothing for a listing nobody reads. Later pages
   * are not counted (the stores here do not page), so a listing past one Blob page (5,000 names) counts low.
   */
  listByPrefix(prefix: string): AsyncIterable<string> {
    const listing = this.inner.listByPrefix(prefix);
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<string> => {
        const keys = listing[Symbol.asyncIterator]();
        let counted = false;
        let finish: (() => void) | undefined;
        const finished = () => {
          finish?.();
          finish = undefined;
        };
        return {
          next: () => {
            if (!counted) {
              counted = true;
              this.record({ method: 'listByPrefix', key: prefix, prefix: prefixOf(prefix) }, new Promise<void>((resolve) => (finish = resolve)));
            }
            return keys.next().then(
              (result) => {
                if (result.done) finished();
                return result;
              },
              (error: unknown) => {
                finished();
                throw error;
              },
            );
          },
          return: async (value?: unknown) => {
            finished();
            return (await keys.return?.(value)) ?? { done: true, value: undefined };
          },
        };
      },
    };
  }

  checkReady(): Promise<void> {
    return this.counted('checkReady', undefined, () => this.inner.checkReady());
  }

  close(): Promise<void> {
    return this.counted('close', undefined, () => this.inner.close());
  }

  /** Counts from now on only; marks taken before keep counting from where they were taken. */
  reset(): void {
    this.since = this.requests.length;
  }

  total(): number {
    return this.requests.length - this.since;
  }

  snapshot(): StoreRequestCounts {
    return countRequests(this.requests.slice(this.since));
  }

  /** Answers, each time it is called, the counts of the requests made between `mark()` and then. */
  mark(): () => StoreRequestCounts {
    const from = this.requests.length;
    return () => countRequests(this.requests.slice(from));
  }

  onRequest(listener: StoreRequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private counted<T>(method: StoreMethod, key: string | undefined, call: () => Promise<T>): Promise<T> {
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    this.record({ method, key, prefix: prefixOf(key) }, settled);
    let result: Promise<T>;
    try {
      result = call();
    } catch (error) {
      settle();
      return Promise.reject(error as Error);
    }
    void result.then(settle, settle);
    return result;
  }

  private record(request: StoreRequest, settled: Promise<void>): void {
    this.requests.push(request);
    for (const listener of [...this.listeners]) listener(request, settled);
  }
}
