import assert from 'node:assert/strict';
import { currentRequestId, inRequest } from '../../src/log/requestContext.js';
import { LogCapture } from '../support/logCapture.js';

describe('request context', () => {
  it('names the request in every log line its work writes, across awaits, and nothing outside it', async () => {
    const logs = new LogCapture('info');
    const { log } = logs;

    log.info('before');
    await inRequest(async () => {
      log.info('start');
      await new Promise<void>((resolve) => setImmediate(resolve));
      log.info('after an await');
    }, 'request-1');
    await inRequest(async () => log.info('another request'), 'request-2');
    log.info('after');
    const lines: { msg: string; requestId?: string }[] = logs.records();

    assert.deepEqual(lines.map((l) => [l.msg, l.requestId]), [
      ['before', undefined],
      ['start', 'request-1'],
      ['after an await', 'request-1'],
      ['another request', 'request-2'],
      ['after', undefined],
    ]);
  });

  it('gives a request without an id a fresh GUID', () => {
    const [first, second] = [inRequest(currentRequestId), inRequest(currentRequestId)];
    assert.match(String(first), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(first, second);
  });
});
