import assert from 'node:assert/strict';
import { SAME_REQUEST_WITHIN_MS, stopSignalRule } from '../src/stopSignals.js';

describe('stop signals', () => {
  let clock: number;
  let decide: ReturnType<typeof stopSignalRule>;
  beforeEach(() => {
    clock = 5_000;
    decide = stopSignalRule(() => clock);
  });

  it('drains on the first signal', () => {
    assert.equal(decide(), 'drain');
  });

  it('takes the copies a Ctrl-C brings 40 ms later (npm, tsx) as the same request', () => {
    assert.equal(decide(), 'drain');
    clock += 40;
    assert.equal(decide(), 'same request');
    clock += 5;
    assert.equal(decide(), 'same request');
  });

  it('still counts a signal exactly 1 s after the first as the same request', () => {
    assert.equal(SAME_REQUEST_WITHIN_MS, 1_000);
    decide();
    clock += 1_000;
    assert.equal(decide(), 'same request');
  });

  it('exits now on a signal more than 1 s after the first, and on every one after it', () => {
    decide();
    clock += 1_001;
    assert.equal(decide(), 'exit now');
    clock += 1;
    assert.equal(decide(), 'exit now');
  });

  it('measures from the first signal, so repeated signals do not put off exiting now', () => {
    decide();
    for (const at of [300, 600, 900]) {
      clock += 300;
      assert.equal(decide(), 'same request', `at ${at} ms`);
    }
    clock += 300;
    assert.equal(decide(), 'exit now', 'at 1200 ms');
  });

  it('takes the window it is given', () => {
    decide = stopSignalRule(() => clock, 50);
    decide();
    clock += 50;
    assert.equal(decide(), 'same request');
    clock += 1;
    assert.equal(decide(), 'exit now');
  });
});
