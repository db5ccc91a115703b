// Graph refusing a `join` (and a call) through the real server: the chat names the cause Graph gave (a wrong or
// missing passcode, an unknown meeting id, a missing permission, a tenant mismatch), one sentence the person can act
// on, and never the passcode itself.
import assert from 'node:assert/strict';
import { DEFAULT_PERMISSIONS, demoDirectory } from '../../src/simulator/index.js';
import { RallyHarness } from './rallyHarness.js';

// The demo meeting in the simulator's demo directory: id 1234567, passcode psw123 (Graph's own create-call example).
const DEMO_MEETING_ID = '1234567';
const WRONG_PASSCODE = 'abc123';

describe('Graph error reasons in the chat, through the real server', () => {
  let h: RallyHarness;

  afterEach(async () => {
    await h.close();
  });

  /** What the chat shows after one command: exactly one line, and no card. */
  async function oneLineFor(command: string): Promise<string> {
    await h.say(command);
    assert.equal(h.connector.posts().length, 1, h.connector.summary().join('\n'));
    assert.equal(h.connector.cardPosts().length, 0);
    return h.connector.lines()[0]!;
  }

  it('a wrong passcode says the passcode does not match the meeting, not that a permission is missing', async () => {
    h = await RallyHarness.start();

    const line = await oneLineFor(`join ${DEMO_MEETING_ID} passcode ${WRONG_PASSCODE}`);

    assert.deepEqual(h.createCallRequests().map((r) => r.status), [403]);
    assert.equal(line, 'The passcode does not match meeting 1234567; check the invitation and try again.');
    assert.doesNotMatch(line, /permission|Calls\.JoinGroupCall\.All/);
    assert.ok(!JSON.stringify(h.connector.sent.map((s) => s.activity)).includes(WRONG_PASSCODE), 'the chat never shows the passcode');
  });

  it('no passcode for a meeting that needs one says how to give it', async () => {
    h = await RallyHarness.start();

    const line = await oneLineFor(`join ${DEMO_MEETING_ID}`);

    assert.equal(line, 'Meeting 1234567 needs a passcode; send `join 1234567 passcode <code>` with the one from the invitation.');
  });

  it('the right passcode joins the demo meeting', async () => {
    h = await RallyHarness.start();

    await h.say(`join ${DEMO_MEETING_ID} passcode psw123`);

    assert.deepEqual(h.createCallRequests().map((r) => r.status), [201]);
    assert.equal(h.connector.cardPosts().length, 1);
  });

  it('a missing Calls.JoinGroupCall.All keeps the permission sentence, even with a wrong passcode', async () => {
    h = await RallyHarness.start();
    h.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Calls.JoinGroupCall.All'));

    const line = await oneLineFor(`join ${DEMO_MEETING_ID} passcode ${WRONG_PASSCODE}`);

    assert.deepEqual(h.createCallRequests().map((r) => r.status), [403]);
    assert.equal(line, 'Rally lacks the Microsoft Graph application permission Calls.JoinGroupCall.All; ask an admin to grant it to Rally\'s app registration and give admin consent.');
  });

  it('an unknown meeting id says no meeting has that id', async () => {
    h = await RallyHarness.start({ simulator: { directory: { ...demoDirectory, unknownMeetings: 'notFound' } } });

    const line = await oneLineFor('join 7654321 passcode psw123');

    assert.deepEqual(h.createCallRequests().map((r) => r.status), [404]);
    assert.equal(line, 'No meeting has the id 7654321; check the meeting id in the invitation and try again.');
  });

  it('a tenant mismatch (7505) asks for admin consent in the tenant', async () => {
    h = await RallyHarness.start();
    h.sim.failNext({ method: 'POST', path: '/communications/calls', status: 403, code: '7505', message: 'Request authorization tenant mismatch.' });

    const line = await oneLineFor('call adelev@contoso.com');

    assert.equal(line, 'Microsoft Graph does not let Rally act for your organization (tenant mismatch); ask your Teams admin to give Rally admin consent in your tenant.');
  });
});
