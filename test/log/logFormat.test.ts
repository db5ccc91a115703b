import assert from 'node:assert/strict';
import { SettingsError } from '../../src/config/settingsError.js';
import { createConsoleLogger, logFormatFrom } from '../../src/log/logFormat.js';

describe('log format', () => {
  describe('LOG_FORMAT', () => {
    it('is pretty by default only in local mode on a terminal', () => {
      assert.equal(logFormatFrom({}, { localMode: true, terminal: true }), 'pretty');
      assert.equal(logFormatFrom({}, { localMode: true, terminal: false }), 'json');
      assert.equal(logFormatFrom({}, { localMode: false, terminal: true }), 'json');
      assert.equal(logFormatFrom({ LOG_FORMAT: ' ' }, { localMode: false, terminal: false }), 'json');
    });

    it('wins over the default either way', () => {
      assert.equal(logFormatFrom({ LOG_FORMAT: 'json' }, { localMode: true, terminal: true }), 'json');
      assert.equal(logFormatFrom({ LOG_FORMAT: 'pretty' }, { localMode: false, terminal: false }), 'pretty');
    });

    it('refuses any other value, naming the setting and not the value', () => {
      assert.throws(
        () => logFormatFrom({ LOG_FORMAT: 'yaml' }, { localMode: true, terminal: true }),
        (error: unknown) => error instanceof SettingsError && error.setting === 'LOG_FORMAT' && error.message === 'Setting LOG_FORMAT must be json or pretty.',
      );
    });
  });

  describe('console logger', () => {
    it('writes one line a person reads per record in pretty, through the same masking and redaction', async () => {
      const written: string[] = [];
      const log = await createConsoleLogger('info', 'pretty', (text) => written.push(text));

      log.info({ url: 'http://127.0.0.1:3978', requestId: 'r-1' }, 'Rally is listening');
      log.info({ code: 'phoneNumberTooLong', detail: '"+1 425 555 0100 999" is too long', headers: { authorization: 'Bearer abc' } }, 'command refused');
      log.debug('not shown at info');

      assert.equal(written.length, 2);
      assert.match(written[0]!, /^\[\d\d:\d\d:\d\d\] INFO: Rally is listening \{"url":"http:\/\/127\.0\.0\.1:3978"\}\n$/);
      assert.match(written[1]!, /^\[\d\d:\d\d:\d\d\] INFO: command refused \{.*"detail":"\\"\+1\*{11}99\\" is too long".*\}\n$/);
      assert.doesNotMatch(written.join(''), /Bearer abc|4255550100|"service"|r-1/);
    });

    it('writes JSON lines in json', async () => {
      const written: string[] = [];
      const log = await createConsoleLogger('info', 'json', (text) => written.push(text));
      log.info({ url: 'http://127.0.0.1:3978' }, 'Rally is listening');
      assert.equal(written.length, 1);
      assert.deepEqual(
        (({ level, service, url, msg }) => ({ level, service, url, msg }))(JSON.parse(written[0]!)),
        { level: 30, service: 'rally', url: 'http://127.0.0.1:3978', msg: 'Rally is listening' },
      );
    });
  });
});
