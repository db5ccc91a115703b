import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/log/logger.js';
import type { Logger } from '../../src/log/logger.js';

/**
 * A Rally logger whose lines are kept, exactly as they would be written, for tests to read. Debug by default, so
 * nothing a test might look for is filtered out; pass the level the code under test runs at when line counts matter.
 */
export class LogCapture {
  readonly lines: string[] = [];
  readonly log: Logger;
  private readonly waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];

  constructor(level = 'debug') {
    const destination: DestinationStream = { write: (line: string) => this.write(line) };
    this.log = createLogger(level, destination);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pino records are free-form JSON
  records(): any[] {
    return this.lines.map((line) => JSON.parse(line));
  }

  /** The first line matching `pattern`, waiting for it if it has not been written yet (work logged after a response). */
  next(pattern: RegExp): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  private write(line: string): void {
    this.lines.push(line);
    for (const waiter of this.waiters.filter((w) => w.pattern.test(line))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }
}
