// Phone numbers a person types reach the log masked (country code and last two digits), whatever becomes of them: a
// number Rally cannot read is refused with a sentence quoting it, and that sentence is the refusal's logged detail.
import assert from 'node:assert/strict';
import { LogCapture } from '../support/logCapture.js';
import { RallyHarness } from './rallyHarness.js';

describe('phone numbers in the log, through the real server', () => {
  let h: RallyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Says `text` and answers Rally's one line in the chat. */
  async function answerTo(harness: RallyHarness, text: string): Promise<string> {
    const before = harness.connector.posts().length;
    assert.equal(await harness.say(text), 200);
    const posts = harness.connector.posts().slice(before);
    assert.equal(posts.length, 1, `expected one line, got: ${harness.connector.summary().join('\n')}`);
    return String(posts[0]!.activity.text);
  }

  /** Every run of digits and phone punctuation in the log whose digits hold `nationalNumber`. */
  function fullNumbersIn(lines: readonly string[], nationalNumber: string): string[] {
    return lines.filter((line) => (line.match(/[\d ().\-/]{7,}/g) ?? []).some((run) => run.replace(/\D/g, '').includes(nationalNumber)));
  }

  const refusals: { typed: string; nationalNumber: string; chat: RegExp; detail: string }[] = [
    { typed: '+1 425 555 0100 999', nationalNumber: '4255550100', chat: /^"\+1 425 555 0100 999" is too long/, detail: '"+1***********99" is too long to be a phone number.' },
    { typed: '425 555 0188', nationalNumber: '4255550188', chat: /^Write "425 555 0188" with a leading \+/, detail: 'Write "********88" with a leading + and its country code, like +1********00.' },
    { typed: '00 44 20 7946 0958 1', nationalNumber: '2079460958', chat: /^"00 44 20 7946 0958 1"/, detail: '"+44*********81" is too long to be a phone number.' },
  ];

  for (const refusal of refusals) {
    it(`refuses "call ${refusal.typed}" quoting it in the chat, and logs it masked`, async () => {
      const logs = new LogCapture();
      h = await RallyHarness.start({ parts: { log: logs.log } });

      assert.match(await answerTo(h, `call ${refusal.typed}`), refusal.chat, 'the person sees what they typed');
      await h.settle();

      assert.deepEqual(fullNumbersIn(logs.lines, refusal.nationalNumber), []);
      const refused = logs.records().filter((r) => r.msg === 'command refused');
      assert.deepEqual(refused.map((r) => r.detail), [refusal.detail]);
      assert.equal(h.createCallRequests().length, 0);
    });
  }

  it('logs a policy refusal and a dialed call without the full numbers', async () => {
    const logs = new LogCapture();
    h = await RallyHarness.start({ parts: { log: logs.log }, env: { ALLOWED_COUNTRY_CODES: '44' } });

    assert.match(await answerTo(h, 'call +1 425 555 0177'), /will not ring \+14255550177\.$/);
    await h.placeCall('call +44 20 7946 0958');
    await h.say('hangup');
    await h.settle();

    assert.ok(logs.lines.length > 5, 'the session was logged');
    assert.deepEqual(fullNumbersIn(logs.lines, '4255550177'), []);
    assert.deepEqual(fullNumbersIn(logs.lines, '2079460958'), []);
  });
});
