// A full disk through the real HTTP surface: every request gets one answer, whether the store fails before the
// command, in the middle of it (after its card was posted) or while marking it handled.
import assert from 'node:assert/strict';
import { FileDocumentStore } from '../../src/storage/fileDocumentStore.js';
import { FullDiskStore } from '../support/fullDiskStore.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';
import { RallyHarness } from './rallyHarness.js';

const REFUSAL = "Rally can't save its records right now, so it did nothing; please try again in a minute.";
const refusal = /^Rally can't save its records right now, so it did nothing; please try again in a minute\.$/;

describe('Rally with its data directory full', function () {
  let data: TempDirectory;
  let store: FullDiskStore;
  let h: RallyHarness;
  let cardId: string;
  before(async () => {
    data = await makeTempDirectory('rally-full-');
    store = new FullDiskStore(await FileDocumentStore.open(data.path));
    h = await RallyHarness.start({ parts: { store } });
    ({ cardId } = await h.placeCall('call adelev@contoso.com'));
    store.full = true;
  });
  after(async () => {
    await h?.close();
    await store?.close();
    await data?.remove();
  });

  /** What Rally sent into the chat (lines, card posts and card updates) while `act` ran and its turn ended. */
  async function answersTo(act: () => Promise<unknown>): Promise<string[]> {
    const before = h.connector.sent.length;
    await act();
    await h.rally.idle();
    return h.connector.sent.slice(before).map((s) => (s.kind === 'update' ? `update ${s.id}` : (s.activity.text ?? 'a card')));
  }

  // What needs no write is answered as usual; what must write says once that it cannot.
  const expected: [string, RegExp][] = [
    ['calls', /^#1: call, connected, Adele Vance \(joined\)$/],
    ['status', /^#1: call, connected, Adele Vance \(joined\)\. Its card above shows it as it is now\.$/],
    ['call alexw@contoso.com', refusal],
    ['hangup', refusal],
    ['invite alexw@contoso.com', refusal],
    // Refused before anything is written, for a reason of its own.
    ['invite +14255550100', /^To add a phone number to #1, Rally first makes it a group call/],
  ];
  for (const [command, answer] of expected) {
    it(`answers "${command}" once`, async () => {
      const answers = await answersTo(() => h.say(command));
      const posted = answers.filter((a) => !a.startsWith('update '));
      assert.equal(posted.length, 1, JSON.stringify(answers));
      assert.match(posted[0]!, answer);
    });
  }

  it('answers "help" with its card alone: remembering the chat failed, but help needed nothing saved', async () => {
    const answers = await answersTo(() => h.say('help'));
    assert.deepEqual(answers, ['a card']);
  });

  it('answers a button press in its invoke response only, and posts nothing into the chat', async () => {
    let answer: Awaited<ReturnType<RallyHarness['press']>> | undefined;
    const answers = await answersTo(async () => (answer = await h.press(cardId, 'hangup', h.buttonData(cardId, 'hangup'))));
    assert.deepEqual(answers, []);
    assert.equal(answer!.status, 200);
    assert.equal(answer!.body.value, REFUSAL);
  });

  it('acts again once the disk has room: nothing was lost or half done', async () => {
    store.full = false;
    const answers = await answersTo(() => h.say('calls'));
    assert.equal(answers.length, 1);
    assert.match(answers[0]!, /^#1: call, connected, Adele Vance \(joined\)$/);
  });
});
