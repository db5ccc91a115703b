import assert from 'node:assert/strict';
import { checkClientContext, MAX_CLIENT_CONTEXT_LENGTH, randomClientContext } from '../../../src/calling/requests/clientContext.js';
import { InvalidRequestError } from '../../../src/calling/errors.js';

describe('clientContext', () => {
  it('makes a fresh value each time, within Graph\'s limit', () => {
    const values = new Set(Array.from({ length: 100 }, () => randomClientContext()));
    assert.equal(values.size, 100);
    for (const value of values) assert.ok(value.length > 0 && value.length <= MAX_CLIENT_CONTEXT_LENGTH);
  });

  it('accepts up to 256 characters and refuses empty or longer values', () => {
    assert.equal(checkClientContext('x'.repeat(256)), 'x'.repeat(256));
    for (const bad of ['', 'x'.repeat(257)]) {
      assert.throws(() => checkClientContext(bad), (e: unknown) => e instanceof InvalidRequestError && e.code === 'invalidClientContext');
    }
  });
});
