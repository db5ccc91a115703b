import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../src/calling/errors.js';
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

  describe('phone numbers in free text', () => {
    const typed = '+1 425 555 0100 999';
    /** No run of digits and phone punctuation in `line` holds the national number's digits. */
    const assertNoFullNumber = (line: string) => {
      for (const run of line.match(/[\d ().\-/]{7,}/g) ?? []) assert.ok(!run.replace(/\D/g, '').includes('4255550100'), `a full number in: ${line}`);
    };

    it('keeps the country code and last two digits of a number quoted in a `detail` or a message', () => {
      const { lines, log } = new LogCapture('info');
      log.info({ code: 'phoneNumberTooLong', detail: `"${typed}" is too long to be a phone number.` }, 'command refused');
      log.warn(`could not ring ${typed}, or 00 44 20 7946 0958`);
      log.info({ msg: 'dialing +14255550100' });

      for (const line of lines) assertNoFullNumber(line);
      const [refused, warned, dialing] = lines.map((line) => JSON.parse(line));
      assert.equal(refused.detail, '"+1***********99" is too long to be a phone number.');
      assert.equal(warned.msg, 'could not ring +1***********99, or +44********58');
      assert.equal(dialing.msg, 'dialing +1********00');
    });

    it('masks an error\'s message, stack and fields, the message of its cause, and the line\'s message taken from it', () => {
      const { lines, log } = new LogCapture('info');
      const cause = new Error(`Graph refused +44 20 7946 0958`);
      const error = new InvalidRequestError('phoneNumberInvalid', `"${typed}" is not a valid phone number.`, { cause });

      log.error(error);
      log.error({ err: error });
      log.error({ err: error }, 'command failed for 4255550100');

      assert.equal(lines.length, 3);
      for (const line of lines) {
        assertNoFullNumber(line);
        assert.doesNotMatch(line, /7946 ?0958/);
      }
      const record = JSON.parse(lines[0]!);
      assert.equal(record.msg, '"+1***********99" is not a valid phone number.');
      assert.equal(record.err.userMessage, '"+1***********99" is not a valid phone number.');
      assert.equal(record.err.message, '"+1***********99" is not a valid phone number.: Graph refused +44********58');
      assert.match(record.err.stack, /^InvalidRequestError: "\+1\*{11}99"/);
      assert.equal(JSON.parse(lines[1]!).msg, record.msg);
      assert.equal(JSON.parse(lines[2]!).msg, 'command failed for ********00');
    });

    it('leaves ids, times, addresses, ports and counts as they are', () => {
      const { lines, log } = new LogCapture('info');
      const text = 'call 6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02 at 2024-01-15T10:20:30Z (2024-01-15) from 10.20.30.40:3978 in 1500 ms, id 12345678-1234-1234-1234-123456789012';
      log.info({ detail: text, callId: '4255550100', requestId: 'req-14255550100' }, text);
      const record = JSON.parse(lines[0]!);
      assert.equal(record.msg, text);
      assert.equal(record.detail, text);
      assert.equal(record.callId, '4255550100', 'fields other than detail, msg and err are not read');
      assert.equal(typeof record.time, 'number');
    });
  });
});
