/**
 * Per key (a call id): while one write is in flight, later submissions wait and go into the next write together.
 * No timer: a quiet call is written at once, a busy one in as few writes as its store's speed allows. Keys never
 * wait for one another. Hand-rolled because it is a dozen lines and the libraries for it (dataloader, p-queue) batch
 * on a tick or a timer, not on the previous write finishing.
 */
export class CoalescingWriter<Item, Result> {
  private readonly waiting = new Map<string, { items: Item[]; settle: { resolve: (r: Result) => void; reject: (e: unknown) => void }[] }>();
  private readonly writing = new Set<string>();

  constructor(private readonly write: (key: string, items: Item[]) => Promise<Result>) {}

  submit(key: string, items: readonly Item[]): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const batch = this.waiting.get(key) ?? { items: [], settle: [] };
      batch.items.push(...items);
      batch.settle.push({ resolve, reject });
      this.waiting.set(key, batch);
      if (!this.writing.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.writing.add(key);
    for (let batch = this.waiting.get(key); batch !== undefined; batch = this.waiting.get(key)) {
      this.waiting.delete(key);
      try {
        const result = await this.write(key, batch.items);
        for (const s of batch.settle) s.resolve(result);
      } catch (error) {
        for (const s of batch.settle) s.reject(error);
      }
    }
    this.writing.delete(key);
  }
}
