import assert from 'node:assert/strict';
import { LogCapture } from '../support/logCapture.js';

describe('logger', () => {
  it('logs an HTTP client error without the request it carried (and its Authorization header)', () => {
    const { lines, log } = new LogCapture('info');
    const error = Object.assign(new Error('connector said 500'), {
      statusCode: 500,
      request: { headers: { _headersMap: { authorization: { value: 'Bearer secret-token-123' } } }, url: 'https://smba.example/v3' },
      response: { headers: { authorization: 'Bearer secret-token-123' } },
    });
    log.error({ err: error }, 'post failed');
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0]!, /secret-token-123/);
    const record = JSON.parse(lines[0]!);
    assert.equal(record.err.message, 'connector said 500');
    assert.equal(record.err.statusCode, 500);
  });

  it('redacts authorization headers, secrets and passcodes wherever Rally logs them', () => {
    const { lines, log } = new LogCapture('info');
    log.info(
      { headers: { authorization: 'Bearer abc' }, settings: { clientSecret: 's3cret', appPassword: 'pw' }, meeting: { passcode: 'psw123' } },
      'x',
    );
    assert.doesNotMatch(lines[0]!, /Bearer abc|s3cret|"pw"|psw123/);
  });
});
