// `doctor` in chat, through the real server: Rally checks its own setup (local mode: the simulator's token and
// metadata, its own /healthz) and tells only admins.
import assert from 'node:assert/strict';
import { NOT_AN_ADMIN } from '../../src/bot/doctorCommand.js';
import { english } from '../support/english.js';
import { ME, RallyHarness } from './rallyHarness.js';

describe('doctor in chat', function () {
  let h: RallyHarness;
  afterEach(() => h.close());

  it('answers an admin with one line per check, all passing here', async () => {
    h = await RallyHarness.start({ env: { ADMINS: `0b0b0b0b-0000-4000-8000-000000000000, ${ME.aadObjectId.toUpperCase()}` } });
    await h.say('doctor');
    const [reply] = h.connector.lines();
    const lines = reply!.split('\n\n');
    assert.deepEqual(lines, [
      '✔ Graph token: the local dev token of the simulator.',
      'ℹ Graph permissions: not checked in local mode (the simulator grants them).',
      `✔ Meeting access policy (for bridge): Rally may make meetings for ${ME.aadObjectId}.`,
      `✔ Store: Rally can read and write its data directory ${h.dataDir}.`,
      `ℹ BOT_PUBLIC_URL ${h.url} is http: local mode, http is fine here.`,
      `✔ Rally answers at ${h.url}/healthz.`,
      '✔ PSTN: calls come from application instance 3d913abb-aec0-4964-8fa6-3c6850c4f278.',
      `✔ Calling OpenID metadata ${h.sim.openIdMetadataUrl} answers.`,
    ]);
  });

  it("names the meeting access policy's fix, with Rally's app id, when the tenant has none for the admin asking", async () => {
    h = await RallyHarness.start({ env: { ADMINS: ME.aadObjectId }, simulator: { meetingAccessPolicy: ['0b0b0b0b-0000-4000-8000-000000000000'] } });
    await h.say('doctor');
    const line = h.connector.lines()[0]!.split('\n\n').find((l) => l.includes('Meeting access policy'));
    assert.equal(
      line,
      `✘ Meeting access policy (for bridge): none covers ${ME.aadObjectId}, so "bridge" is refused for them. Fix: a Teams admin runs, in Teams PowerShell: ` +
        'New-CsApplicationAccessPolicy -Identity Rally-Bridges -AppIds "rally-local"; Grant-CsApplicationAccessPolicy -PolicyName Rally-Bridges -Global (or -Identity with each organizer instead of -Global).',
    );
    assert.equal(h.sim.meetingsCreated.length, 0, 'the check makes no meeting');
  });

  it('refuses anyone not named in ADMINS', async () => {
    h = await RallyHarness.start({ env: { ADMINS: '0b0b0b0b-0000-4000-8000-000000000000' } });
    await h.say('doctor');
    assert.deepEqual(h.connector.lines(), [english(NOT_AN_ADMIN)]);
  });
});
