import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/log/logger.js';
import type { Logger } from '../../src/log/logger.js';

/** A Rally logger at debug level whose lines are kept, exactly as they would be written, for tests to read. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly log: Logger;

  constructor() {
    const destination: DestinationStream = { write: (line: string) => void this.lines.push(line) };
    this.log = createLogger('debug', destination);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pino records are free-form JSON
  records(): any[] {
    return this.lines.map((line) => JSON.parse(line));
  }
}
