// The deadlines and claim windows derived from the settings: each outlasts the longest a Graph request can take, its
// retries included.
import assert from 'node:assert/strict';
import { deadlinesFrom, graphRequestLimitMs } from '../../src/config/deadlines.js';

describe('deadlines', () => {
  it('a request without retries takes at most its timeout', () => {
    assert.equal(graphRequestLimitMs({ timeoutMs: 15_000, maxRetries: 0 }), 15_000);
  });

  it('each retry adds an attempt and a wait of at most the timeout (a longer Retry-After is not waited for) or the backoff', () => {
    // Three attempts of 15 s each, then up to 16 s (15 s and a second of jitter) before each retry.
    assert.equal(graphRequestLimitMs({ timeoutMs: 15_000, maxRetries: 3 }), 4 * 15_000 + 3 * 16_000);
    // With a short timeout, the library's own backoff (3 s, 5 s, 7 s, 10 s…) is the longer wait.
    assert.equal(graphRequestLimitMs({ timeoutMs: 1_000, maxRetries: 3 }), 4 * 1_000 + (3 + 1) * 1000 + (5 + 1) * 1000 + (7 + 1) * 1000);
  });

  it('adopts a lost create answer, and takes over an escalation claim, only once the requests must have ended', () => {
    const graph = { timeoutMs: 15_000, maxRetries: 3 };
    const limit = graphRequestLimitMs(graph);
    const deadlines = deadlinesFrom({ graph, operations: { retentionMs: 86_400_000 } });
    assert.ok(deadlines.adoptSendingAfterMs > limit);
    assert.ok(deadlines.escalationClaimMs > 2 * limit);
    assert.ok(deadlines.hangUpClaimMs > limit, "a page step's hang-up");
    assert.ok(deadlines.pressClaimMs > 2 * limit, 'a button press sends at most two requests');
    assert.ok(deadlines.confirmWithinMs > deadlines.adoptSendingAfterMs, 'the chat hears "could not confirm" only after adoption had its chance');
  });

  it('sweeps hourly, or as often as a retention shorter than an hour', () => {
    const graph = { timeoutMs: 1_000, maxRetries: 0 };
    assert.equal(deadlinesFrom({ graph, operations: { retentionMs: 86_400_000 } }).sweepEveryMs, 3_600_000);
    assert.equal(deadlinesFrom({ graph, operations: { retentionMs: 60_000 } }).sweepEveryMs, 60_000);
  });

  it('keeps the two-minute confirmation when requests end sooner', () => {
    assert.equal(deadlinesFrom({ graph: { timeoutMs: 1_000, maxRetries: 0 }, operations: { retentionMs: 86_400_000 } }).confirmWithinMs, 120_000);
  });
});
