import assert from 'node:assert/strict';
import { demoDirectory, startGraphSimulator } from '../../src/simulator/index.js';
import type { SimulatedPerson } from '../../src/simulator/index.js';
import { Harness, assertIncludes, groupCall, invitation, peerToPeerCall, people, testDirectory } from './simulatorHarness.js';

const cast = {
  ringsThenAnswers: { id: 'b0000000-0000-4000-8000-0000000000b1', displayName: 'Rita Rings', outcome: 'answer', ringsForMs: 250 },
  ringsOut: { id: 'b0000000-0000-4000-8000-0000000000b2', displayName: 'Nora No-Answer', outcome: 'noAnswer', ringsForMs: 50 },
  ringsOn: { id: 'b0000000-0000-4000-8000-0000000000b3', displayName: 'Rory Rings On', outcome: 'answer', ringsForMs: 60_000 },
  silent: { id: 'b0000000-0000-4000-8000-0000000000b4', displayName: 'Pocket Answer', outcome: 'answerSilently' },
  voicemail: { id: 'b0000000-0000-4000-8000-0000000000b5', displayName: 'Vera Voicemail', outcome: 'voicemail' },
  quickRingOut: { id: 'b0000000-0000-4000-8000-0000000000b6', displayName: 'Quinn Rings Out', outcome: 'noAnswer', ringsForMs: 50 },
} satisfies Record<string, SimulatedPerson>;

describe('simulator: ringing and the answering outcomes', () => {
  let h: Harness;
  const start = async (options: Parameters<typeof Harness.start>[0] = {}) => {
    h = await Harness.start({ directory: { ...testDirectory, people: [...(testDirectory.people ?? []), ...Object.values(cast)] }, ...options });
  };
  afterEach(() => h.close());

  const place = (body: Record<string, unknown>) => h.graph('POST', '/communications/calls', { ...body, callbackUri: h.callbackUri });
  const terminatedOf = (callId: string) => h.notificationsFor(callId).find((n) => n.resourceData?.state === 'terminated');

  describe('ringsForMs', () => {
    it('keeps the call establishing while it rings; a bot hang-up ends it with the bot hang-up result and the answer never comes', async () => {
      await start();
      const { body: first } = await h.createCall(peerToPeerCall(cast.ringsThenAnswers));
      assert.deepEqual(h.statesOf(first.id), ['establishing']);
      assert.equal((await h.graph('GET', `/communications/calls/${first.id}`)).body.state, 'establishing');
      assert.equal((await h.graph('DELETE', `/communications/calls/${first.id}`)).status, 204);

      // Timers of one length fire in the order they were set: once a later call to the same phone is answered, the first
      // call's ring would have ended too. Waiting on that delivery proves the hang-up stopped it, without sleeping.
      const { body: second } = await h.createCall(peerToPeerCall(cast.ringsThenAnswers));
      await h.receiver.receivedAtLeast(5);
      await h.sim.idle();
      assert.deepEqual(h.statesOf(second.id), ['establishing', 'established']);
      assert.deepEqual(h.statesOf(first.id), ['establishing', 'terminating', 'terminated']);
      assertIncludes(terminatedOf(first.id)?.resourceData.resultInfo, { code: 200, subcode: 5001 });
      assert.equal(h.sim.getCall(first.id), undefined);
    });

    it('answers once the phone has rung for ringsForMs', async () => {
      await start();
      const before = performance.now();
      const { body: call } = await place(peerToPeerCall(cast.ringsThenAnswers));
      await h.receiver.receivedAtLeast(2);
      await h.sim.idle();
      assert.deepEqual(h.statesOf(call.id), ['establishing', 'established']);
      // Timer granularity allows a millisecond or two of slack.
      assert.ok(h.receiver.requests[1]!.receivedAt - before >= 245, 'established only after the ring');
    });

    it('ends a noAnswer call with 408/10057 after ringsForMs', async () => {
      await start();
      const before = performance.now();
      const { body: call } = await place(peerToPeerCall(cast.ringsOut));
      await h.receiver.receivedAtLeast(2);
      await h.sim.idle();
      assert.deepEqual(h.statesOf(call.id), ['establishing', 'terminated']);
      assertIncludes(terminatedOf(call.id)?.resourceData.resultInfo, { code: 408, subcode: 10057 });
      assert.ok(h.receiver.requests[1]!.receivedAt - before >= 45, 'the call rang out, it did not end at once');
      assert.equal((await h.graph('GET', `/communications/calls/${call.id}`)).status, 404);
    });

    it('does not make idle() wait for a phone that is still ringing', async () => {
      await start();
      const { body: call } = await h.createCall(peerToPeerCall(cast.ringsOn));
      assert.deepEqual(h.statesOf(call.id), ['establishing']);
      h.sim.endCall(call.id);
      await h.sim.idle();
      assert.deepEqual(h.statesOf(call.id), ['establishing', 'terminated']);
      assertIncludes(terminatedOf(call.id)?.resourceData.resultInfo, { code: 200, subcode: 4521 });
    });

    it('with establishedBeforeEstablishing, delivers both, swapped, after the ring', async () => {
      await start({ establishedBeforeEstablishing: true });
      const before = performance.now();
      const { body: call } = await place(peerToPeerCall(cast.ringsThenAnswers));
      await h.receiver.receivedAtLeast(2);
      assert.deepEqual(h.statesOf(call.id), ['established', 'establishing']);
      assert.ok(h.receiver.requests[0]!.receivedAt - before >= 245, 'nothing is delivered while the phone rings');
    });

    it('resolves an invitation once the invitee stopped ringing', async () => {
      await start();
      const { body: call } = await h.createCall(groupCall(people.alice, people.erin));
      const before = h.receiver.requests.length;
      const started = performance.now();
      await h.graph('POST', `/communications/calls/${call.id}/participants/invite`, { participants: [invitation(cast.quickRingOut)], clientContext: 'ring-invite' });
      await h.receiver.receivedAtLeast(before + 1);
      await h.sim.idle();
      const operation = h.notificationsFor(call.id).find((n) => n.resourceUrl.includes('/operations/'));
      assertIncludes(operation?.resourceData, { status: 'failed', clientContext: 'ring-invite' });
      assertIncludes(operation?.resourceData.resultInfo, { code: 408, subcode: 10057 });
      assert.ok(h.receiver.requests[before]!.receivedAt - started >= 45);
    });
  });

  describe('answerSilently and voicemail', () => {
    beforeEach(() => start());

    it('both establish a one-to-one call', async () => {
      for (const person of [cast.silent, cast.voicemail]) {
        const { body: call } = await h.createCall(peerToPeerCall(person));
        assert.deepEqual(h.statesOf(call.id), ['establishing', 'established'], person.outcome);
      }
    });

    it('a silent answerer joins a group call and an invitation; voicemail takes neither', async () => {
      const { body: call } = await h.createCall(groupCall(people.alice, cast.silent, cast.voicemail));
      const userIds = () => h.rostersOf(call.id).at(-1)?.resourceData.map((p: { info: { identity: { user?: { id: string } } } }) => p.info.identity.user?.id).filter(Boolean);
      assert.deepEqual([...userIds()].sort(), [people.alice.id, cast.silent.id].sort());

      await h.graph('POST', `/communications/calls/${call.id}/participants/invite`, { participants: [invitation(cast.voicemail)], clientContext: 'vm' });
      await h.graph('POST', `/communications/calls/${call.id}/participants/invite`, { participants: [invitation(cast.silent)], clientContext: 'silent' });
      await h.sim.idle();
      const operations = h.notificationsFor(call.id).filter((n) => n.resourceUrl.includes('/operations/'));
      assert.deepEqual(operations.map((n) => [n.resourceData.clientContext, n.resourceData.status]), [
        ['vm', 'failed'],
        ['silent', 'completed'],
      ]);
      assertIncludes(operations[0]?.resourceData.resultInfo, { code: 408, subcode: 10057 });
    });

    it('a group call of voicemail only ends as nobody joined', async () => {
      const { body: call } = await h.createCall(groupCall(cast.voicemail, cast.voicemail));
      assertIncludes(terminatedOf(call.id)?.resourceData.resultInfo, { code: 200, subcode: 5013 });
    });
  });

  describe('the demo directory', () => {
    it('walks a paging ladder: Lee Gu rings on, Johanna Lorenz answers silently, Pradeep Gupta reaches voicemail, Adele answers', async () => {
      await start({ directory: demoDirectory });
      const person = (alias: string) => {
        const found = demoDirectory.people?.find((p) => p.userPrincipalName === `${alias}@contoso.com`);
        assert.ok(found, alias);
        return found;
      };
      assertIncludes(person('leeg'), { outcome: 'noAnswer', ringsForMs: 45_000 });
      assertIncludes(person('johannal'), { id: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a07', displayName: 'Johanna Lorenz', outcome: 'answerSilently' });
      assertIncludes(person('pradeepg'), { id: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a08', displayName: 'Pradeep Gupta', outcome: 'voicemail' });

      const calls = [];
      for (const alias of ['leeg', 'johannal', 'pradeepg', 'adelev']) calls.push((await h.createCall(peerToPeerCall(person(alias)))).body.id as string);
      assert.deepEqual(calls.map((id) => h.sim.getCall(id)?.state), ['establishing', 'established', 'established', 'established']);
      assert.equal((await h.graph('DELETE', `/communications/calls/${calls[0]}`)).status, 204);
    });
  });
});

describe('simulator: scripts are checked when the simulator starts', () => {
  it('refuses a negative ringsForMs and a key that is no DTMF key', async () => {
    await assert.rejects(startGraphSimulator({ directory: { people: [{ ...cast.silent, ringsForMs: -1 }] } }), /ringsForMs must be a number of milliseconds/);
    await assert.rejects(startGraphSimulator({ directory: { phones: [{ number: '+12345678909', presses: '11' }] } }), /phone \+12345678909 presses: "11" is not a DTMF key/);
  });
});
