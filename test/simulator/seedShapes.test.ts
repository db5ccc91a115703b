import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalizeShape } from './normalizeShape.js';
import { Harness, testDirectory } from './simulatorHarness.js';
import type { GraphSimulatorOptions } from '../../src/simulator/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- seed examples are free-form Graph JSON
type Seed = any;
const seed = (name: string): Seed => JSON.parse(readFileSync(new URL(`./seedExamples/${name}.json`, import.meta.url), 'utf8'));
const assertSameShape = (actual: unknown, expected: unknown): void => assert.deepEqual(normalizeShape(actual), normalizeShape(expected));
/** 000 prints every participant id as null; the simulator's invite answer names the participant each invitee becomes. */
const withParticipantIds = (response: Seed): Seed => ({ ...response, participants: response.participants.map((p: Seed) => ({ ...p, id: 'any' })) });

describe('simulator: shapes of the seed examples', () => {
  let h: Harness;
  const start = async (options: GraphSimulatorOptions = {}) => {
    // The seeds call people the test directory does not know: let them answer.
    h = await Harness.start({ directory: { ...testDirectory, unknownTargets: 'answer' }, ...options });
  };
  afterEach(() => h.close());

  /** POSTs a seed request to the simulator with the loopback callback, and waits for its notifications. */
  const createFromSeed = async (request: Seed) => {
    const reply = await h.createCall({ ...request, callbackUri: h.callbackUri });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body;
  };
  const envelopes = (): Seed[] => h.receiver.requests.map((r) => JSON.parse(r.body));

  describe('001 create call', () => {
    it('peer-to-peer: the 201 call object, establishing and established', async () => {
      await start();
      // The documented response echoes preFetchMedia that the documented request does not send: send it.
      const request = { ...seed('001-p2p-request'), mediaConfig: seed('001-p2p-response').mediaConfig };
      assertSameShape(await createFromSeed(request), seed('001-p2p-response'));
      const [establishing, established] = envelopes();
      assertSameShape(establishing, seed('001-p2p-establishing'));
      assertSameShape(established, seed('001-p2p-established'));
    });

    it('join a scheduled meeting: the 201 call object, establishing, established and the full roster', async () => {
      await start();
      assertSameShape(await createFromSeed(seed('001-meeting-request')), seed('001-meeting-response'));
      const [establishing, established, roster] = envelopes();
      assertSameShape(establishing, seed('001-meeting-establishing'));
      assertSameShape(established, seed('001-meeting-established'));
      assertSameShape(roster, seed('001-meeting-roster'));
    });

    it('join a scheduled meeting with delta roster', async () => {
      await start({ deltaRoster: true });
      await createFromSeed(seed('001-meeting-request'));
      // The seed marks the bot removed in the very roster that adds it; a first roster removes no one.
      const expected = seed('001-meeting-delta-roster');
      delete expected.value[0].resourceData[0].participants[1].removedState;
      assertSameShape(envelopes()[2], expected);
    });

    it('join by joinMeetingId and passcode: the 201 call object', async () => {
      await start();
      assertSameShape(await createFromSeed(seed('001-join-meeting-id-request')), seed('001-join-meeting-id-response'));
    });

    it('join as a guest: the 201 call object and the roster showing the bot in the lobby', async () => {
      await start({ autoAdmitFromLobby: false });
      assertSameShape(await createFromSeed(seed('001-guest-request')), seed('001-guest-response'));
      assertSameShape(envelopes()[2], seed('001-guest-lobby-roster'));
    });

    it('PSTN call from an application instance: the 201 call object', async () => {
      await start();
      const request = { ...seed('001-pstn-request'), mediaConfig: seed('001-pstn-response').mediaConfig };
      assertSameShape(await createFromSeed(request), seed('001-pstn-response'));
    });
  });

  describe('000 invite', () => {
    const groupCallId = async (): Promise<string> => {
      const request = seed('001-meeting-request');
      return (await createFromSeed(request)).id;
    };

    it('example 1 (replacesCallId): the running operation and the completed notification', async () => {
      await start();
      const peer = await createFromSeed(seed('001-p2p-request'));
      const callId = await groupCallId();
      const request = seed('000-example1-request');
      request.participants[0].replacesCallId = peer.id;
      const reply = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, request);
      assert.equal(reply.status, 200);
      assertSameShape(reply.body, withParticipantIds(seed('000-example1-response')));

      await h.sim.idle();
      const completed = envelopes().find((e) => e.value[0].resourceUrl.includes('/operations/'));
      assertSameShape(completed, seed('000-example1-operation-completed'));
    });

    it('example 4 (PSTN number): the running operation, the completed notification and the new participant', async () => {
      await start();
      const callId = await groupCallId();
      const reply = await h.graph('POST', `/communications/calls/${callId}/participants/invite`, seed('000-example4-request'));
      assert.equal(reply.status, 200);
      assertSameShape(reply.body, withParticipantIds(seed('000-example4-response')));

      await h.sim.idle();
      const later = envelopes().slice(-2);
      assertSameShape(later[0], seed('000-example4-operation-completed'));
      // The roster is the full roster (001's form); compare the newcomer. 000 prints its participant id as null.
      const newcomer = later[1].value[0].resourceData.find((p: Seed) => p.info.identity.phone);
      assertSameShape(newcomer, { ...seed('000-example4-roster').value[0].resourceData[0], id: 'any' });
    });
  });
});
