import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { DEFAULT_PERMISSIONS } from '../../src/simulator/index.js';
import type { SimulatedPerson } from '../../src/simulator/index.js';
import { Harness, assertIncludes, groupCall, people, peerToPeerCall, testDirectory } from './simulatorHarness.js';
import type { Notification } from './simulatorHarness.js';
import { LoopbackServer } from '../support/loopbackServer.js';
import { mediaPrompt, playPromptBody, silentWav, startMediaServer } from './promptMedia.js';

/** People the on-call pager rings: how each one deals with "press 1 to accept". */
const pager = {
  accepts: { id: 'a0000000-0000-4000-8000-0000000000a1', displayName: 'Ada Accepts', outcome: 'answer' },
  pressesFive: { id: 'a0000000-0000-4000-8000-0000000000a2', displayName: 'Finn Five', outcome: 'answer', presses: '5' },
  silent: { id: 'a0000000-0000-4000-8000-0000000000a3', displayName: 'Pocket Answer', outcome: 'answerSilently' },
  voicemail: { id: 'a0000000-0000-4000-8000-0000000000a4', displayName: 'Vera Voicemail', outcome: 'voicemail' },
  ringsOn: { id: 'a0000000-0000-4000-8000-0000000000a5', displayName: 'Rory Rings', outcome: 'answer', ringsForMs: 60_000 },
} satisfies Record<string, SimulatedPerson>;

const appHostedCall = (person: { id: string; displayName: string }) => ({
  ...peerToPeerCall(person),
  mediaConfig: { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: '<media configuration blob>' },
});

const isTone = (n: Notification): boolean => n.resourceData?.toneInfo !== undefined;
const withoutPost = ({ post: _post, ...notification }: Notification & { post: number }): Notification => notification;

describe('simulator: playPrompt, subscribeToTone and key presses', () => {
  let h: Harness;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  beforeEach(async () => {
    media = await startMediaServer({
      '/accept.wav': silentWav(),
      '/thanks.wav': silentWav({ frames: 16 }),
      '/notes.txt': 'press 1 to accept',
      '/stereo.wav': silentWav({ channels: 2, sampleRate: 44_100 }),
    });
    h = await Harness.start({ directory: { ...testDirectory, people: [...(testDirectory.people ?? []), ...Object.values(pager)] } });
  });
  afterEach(async () => {
    await h.close();
    await media.close();
  });

  async function answeredCall(person: { id: string; displayName: string }): Promise<string> {
    const { body } = await h.createCall(peerToPeerCall(person));
    assert.equal(h.sim.getCall(body.id)?.state, 'established');
    return body.id as string;
  }

  const playPrompt = (callId: string, body: unknown) => h.graph('POST', `/communications/calls/${callId}/playPrompt`, body);
  const subscribe = (callId: string, clientContext = 'tone-ctx') => h.graph('POST', `/communications/calls/${callId}/subscribeToTone`, { clientContext });
  const operationsOf = (callId: string) => h.notificationsFor(callId).filter((n) => n.resourceUrl.includes('/operations/'));
  const tonesOf = (callId: string) => h.notificationsFor(callId).filter(isTone);

  it('answers 200 with Location and a running operation, fetches the WAV, then notifies the documented completion', async () => {
    const callId = await answeredCall(pager.accepts);
    const reply = await playPrompt(callId, playPromptBody([media.uri('/accept.wav')], 'ctx-play'));

    assert.equal(reply.status, 200);
    const operationId = reply.body.id as string;
    assert.deepEqual(reply.body, { '@odata.type': '#microsoft.graph.playPromptOperation', id: operationId, status: 'running', clientContext: 'ctx-play' });
    assert.equal(reply.headers.get('location'), `${h.sim.baseUrl}/communications/calls/${callId}/operations/${operationId}`);

    await h.sim.idle();
    assert.deepEqual(media.requests.map((r) => [r.method, r.url]), [['GET', '/accept.wav']]);
    const path = `/communications/calls/${callId}/operations/${operationId}`;
    const completed = operationsOf(callId);
    assert.equal(completed.length, 1);
    assert.deepEqual(withoutPost(completed[0]!), {
      '@odata.type': '#microsoft.graph.commsNotification',
      changeType: 'deleted',
      resourceUrl: path,
      resourceData: {
        '@odata.type': '#microsoft.graph.playPromptOperation',
        '@odata.id': path,
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code: 200, subcode: 0, message: 'Action completed successfully.' },
        clientContext: 'ctx-play',
        status: 'completed',
      },
    });
    assert.deepEqual(tonesOf(callId), [], 'nobody reports a key before the bot subscribed to tones');
  });

  it('subscribeToTone answers 200 with Location and a completed operation', async () => {
    const callId = await answeredCall(pager.accepts);
    const reply = await subscribe(callId, 'ctx-tones');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { '@odata.type': '#microsoft.graph.subscribeToToneOperation', clientContext: 'ctx-tones', id: reply.body.id, status: 'completed' });
    assert.equal(typeof reply.body.id, 'string');
    assert.equal(reply.headers.get('location'), `${h.sim.baseUrl}/communications/calls/${callId}/operations/${reply.body.id}`);
  });

  it('a callee scripted to answer presses 1 after the prompt when the bot subscribed: the documented tone notification', async () => {
    const callId = await answeredCall(pager.accepts);
    assert.equal((await subscribe(callId)).status, 200);
    await playPrompt(callId, playPromptBody([media.uri('/accept.wav')]));
    await h.sim.idle();

    const story = h.notificationsFor(callId);
    const completed = story.findIndex((n) => n.resourceUrl.includes('/operations/'));
    const tone = story.findIndex(isTone);
    assert.ok(completed >= 0 && tone > completed, 'the key is pressed after the prompt completed');
    assert.deepEqual(JSON.parse(h.receiver.requests[story[tone]!.post]!.body), {
      '@odata.type': '#microsoft.graph.commsNotifications',
      value: [
        {
          '@odata.type': '#microsoft.graph.commsNotification',
          changeType: 'updated',
          resourceUrl: `/communications/calls/${callId}`,
          resourceData: { '@odata.type': '#microsoft.graph.call', state: 'established', toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 1, tone: 'tone1' } },
        },
      ],
    });
    assert.deepEqual(h.sim.getCall(callId)?.toneInfo, { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 1, tone: 'tone1' });

    // Each prompt heard is answered again; the sequence goes on counting.
    await playPrompt(callId, playPromptBody([media.uri('/thanks.wav')]));
    await h.sim.idle();
    assert.deepEqual(tonesOf(callId).map((n) => n.resourceData.toneInfo.sequenceId), [1, 2]);
  });

  it('presses the key the script names', async () => {
    const callId = await answeredCall(pager.pressesFive);
    await subscribe(callId);
    await playPrompt(callId, playPromptBody([media.uri('/accept.wav')]));
    await h.sim.idle();
    assert.deepEqual(tonesOf(callId).map((n) => n.resourceData.toneInfo), [{ '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 1, tone: 'tone5' }]);
  });

  for (const person of [pager.silent, pager.voicemail]) {
    it(`${person.outcome}: the call is established and the prompt completes, but no key is ever pressed`, async () => {
      const callId = await answeredCall(person);
      await subscribe(callId);
      await playPrompt(callId, playPromptBody([media.uri('/accept.wav')]));
      await playPrompt(callId, playPromptBody([media.uri('/accept.wav')]));
      await h.sim.idle();
      assert.deepEqual(operationsOf(callId).map((n) => n.resourceData.status), ['completed', 'completed']);
      assert.deepEqual(tonesOf(callId), []);
      assert.equal(h.sim.getCall(callId)?.toneInfo, null);
    });
  }

  it('fails the operation when the media is not a WAV, and nobody presses anything', async () => {
    const callId = await answeredCall(pager.accepts);
    await subscribe(callId);
    await playPrompt(callId, playPromptBody([media.uri('/notes.txt')], 'ctx-text'));
    await h.sim.idle();

    const [failed] = operationsOf(callId);
    assert.equal(failed?.changeType, 'deleted');
    assert.equal(failed?.resourceData.status, 'failed');
    assert.equal(failed?.resourceData.clientContext, 'ctx-text');
    assertIncludes(failed?.resourceData.resultInfo, { '@odata.type': '#microsoft.graph.resultInfo', code: 400, subcode: 0 });
    assert.match(failed?.resourceData.resultInfo.message, /notes\.txt is not a WAV file/);
    assert.deepEqual(tonesOf(callId), []);
  });

  it('fails a WAV in a format Graph does not play, and a download the server refuses', async () => {
    const callId = await answeredCall(pager.accepts);
    await playPrompt(callId, playPromptBody([media.uri('/stereo.wav')]));
    await playPrompt(callId, playPromptBody([media.uri('/missing.wav')]));
    await h.sim.idle();
    const [stereo, missing] = operationsOf(callId).map((n) => n.resourceData);
    assert.equal(stereo.status, 'failed');
    assert.match(stereo.resultInfo.message, /2 channel\(s\), 16-bit at 44100 Hz; Graph plays single-channel 16-bit PCM at 16000 Hz only/);
    assert.equal(missing.status, 'failed');
    assert.match(missing.resultInfo.message, /could not be downloaded from .*missing\.wav: the server answered HTTP 404/);
  });

  it('plays several prompts in order and stops at the first one it cannot play', async () => {
    const callId = await answeredCall(pager.accepts);
    await subscribe(callId);
    await playPrompt(callId, playPromptBody([media.uri('/accept.wav'), media.uri('/notes.txt'), media.uri('/thanks.wav')]));
    await h.sim.idle();
    assert.deepEqual(media.requests.map((r) => r.url), ['/accept.wav', '/notes.txt']);
    assert.equal(operationsOf(callId)[0]?.resourceData.status, 'failed');
    assert.deepEqual(tonesOf(callId), []);
  });

  it('never fetches media beyond loopback http: the operation fails without a connection', async () => {
    let connections = 0;
    const listener: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const callId = await answeredCall(pager.accepts);
      const port = (listener.address() as AddressInfo).port;
      await playPrompt(callId, playPromptBody([`https://127.0.0.1:${port}/accept.wav`]));
      await playPrompt(callId, playPromptBody(['http://media.contoso.com/accept.wav']));
      await playPrompt(callId, playPromptBody(['not a url']));
      await h.sim.idle();

      const results = operationsOf(callId).map((n) => n.resourceData);
      assert.deepEqual(results.map((r) => r.status), ['failed', 'failed', 'failed']);
      assert.match(results[0].resultInfo.message, /only fetches media from an http:\/\/ address on 127\.0\.0\.1, localhost or \[::1\]/);
      assert.match(results[1].resultInfo.message, /media\.contoso\.com.*only fetches media from/);
      assert.match(results[2].resultInfo.message, /not an absolute URL/);
      assert.equal(connections, 0);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it('keeps a prompt in order with the call: a hang-up right after it comes after its completion, and then nobody presses', async () => {
    const callId = await answeredCall(pager.accepts);
    await subscribe(callId);
    await playPrompt(callId, playPromptBody([media.uri('/accept.wav')]));
    assert.equal((await h.graph('DELETE', `/communications/calls/${callId}`)).status, 204);
    await h.sim.idle();

    const story = h.notificationsFor(callId).slice(2);
    assert.deepEqual(
      story.map((n) => (n.resourceUrl.includes('/operations/') ? `prompt ${n.resourceData.status}` : n.resourceData.state)),
      ['prompt completed', 'terminating', 'terminated'],
    );
  });

  it('closing the simulator abandons a prompt download in flight and posts nothing after', async () => {
    const hanging = await LoopbackServer.start(() => undefined);
    try {
      const callId = await answeredCall(pager.accepts);
      const delivered = h.receiver.requests.length;
      await playPrompt(callId, playPromptBody([`${hanging.url}/accept.wav`]));
      await hanging.receivedAtLeast(1);
      // Without abandoning the download, closing would wait for its 10 s timeout.
      const closing = performance.now();
      await h.close();
      assert.ok(performance.now() - closing < 2_000, 'close() did not wait for the download');
      assert.equal(h.receiver.requests.length, delivered);
      assert.deepEqual(operationsOf(callId), []);
    } finally {
      await hanging.close();
    }
  });

  describe('request checks', () => {
    const good = () => playPromptBody([media.uri('/accept.wav')]);
    const cases: [string, () => unknown, RegExp][] = [
      ['a body that is not an object', () => ['x'], /request body must be an object/],
      ['no prompts', () => ({ clientContext: 'c' }), /prompts must list at least one/],
      ['an empty prompts list', () => ({ prompts: [] }), /prompts must list at least one/],
      ['21 prompts', () => ({ prompts: Array.from({ length: 21 }, () => mediaPrompt(media.uri('/accept.wav'))) }), /at most 20/],
      ['a prompt without @odata.type', () => ({ prompts: [{ mediaInfo: { uri: media.uri('/accept.wav') } }] }), /#microsoft\.graph\.mediaPrompt/],
      ['a prompt without mediaInfo', () => ({ prompts: [{ '@odata.type': '#microsoft.graph.mediaPrompt' }] }), /prompts\[0\]\.mediaInfo must be an object/],
      ['a mediaInfo of another type', () => ({ prompts: [{ ...mediaPrompt('u'), mediaInfo: { '@odata.type': '#microsoft.graph.identity', uri: 'u' } }] }), /#microsoft\.graph\.mediaInfo/],
      ['a mediaInfo without uri', () => ({ prompts: [{ '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: {} }] }), /mediaInfo\.uri must be a non-empty string/],
      ['a clientContext over 256 characters', () => ({ ...good(), clientContext: 'x'.repeat(257) }), /256/],
    ];
    for (const [what, body, message] of cases) {
      it(`playPrompt refuses ${what} with 400`, async () => {
        const callId = await answeredCall(pager.accepts);
        const reply = await playPrompt(callId, body());
        assert.equal(reply.status, 400);
        assert.equal(reply.body.error.code, 'BadRequest');
        assert.match(reply.body.error.message, message);
        await h.sim.idle();
        assert.deepEqual(operationsOf(callId), []);
        assert.deepEqual(media.requests, []);
      });
    }

    it('playPrompt accepts a prompt with resourceId and without clientContext (null in the operation)', async () => {
      const callId = await answeredCall(pager.accepts);
      const reply = await playPrompt(callId, { prompts: [mediaPrompt(media.uri('/accept.wav'), '1D6DE2D4-CD51-4309-8DAA-70768651088E')] });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.clientContext, null);
    });

    it('subscribeToTone refuses a body that is not an object and a clientContext over 256 characters', async () => {
      const callId = await answeredCall(pager.accepts);
      assert.equal((await h.graph('POST', `/communications/calls/${callId}/subscribeToTone`)).status, 400);
      const long = await subscribe(callId, 'x'.repeat(257));
      assert.equal(long.status, 400);
      assert.match(long.body.error.message, /256/);
    });

    it('refuses a prompt in a call that is not established yet', async () => {
      const { body: call } = await h.createCall(peerToPeerCall(pager.ringsOn));
      assert.equal(h.sim.getCall(call.id)?.state, 'establishing');
      const early = await playPrompt(call.id, good());
      assert.equal(early.status, 400);
      assert.match(early.body.error.message, /not established/);
    });

    it('refuses playPrompt and subscribeToTone in a call with app-hosted media', async () => {
      const { body: call } = await h.createCall(appHostedCall(pager.accepts));
      assert.equal(h.sim.getCall(call.id)?.state, 'established');
      for (const reply of [await playPrompt(call.id, good()), await subscribe(call.id)]) {
        assert.equal(reply.status, 400);
        assert.match(reply.body.error.message, /supported only for calls initiated with serviceHostedMediaConfig/);
      }
    });

    it('answers 404 for an unknown call', async () => {
      assert.equal((await playPrompt('f0000000-0000-4000-8000-000000000000', good())).status, 404);
      assert.equal((await subscribe('f0000000-0000-4000-8000-000000000000')).status, 404);
    });
  });

  describe('permissions', () => {
    it('subscribeToTone needs Calls.AccessMedia.All: 403 with code 7504 without it', async () => {
      const callId = await answeredCall(pager.accepts);
      h.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Calls.AccessMedia.All'));
      const refused = await subscribe(callId);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, '7504');
      assert.equal(refused.body.error.message, 'Insufficient enterprise tenant permissions, cannot access this API.');

      h.sim.setGrantedPermissions(['Calls.AccessMedia.All']);
      assert.equal((await subscribe(callId)).status, 200);
    });

    it('playPrompt checks no permission of its own: Graph checked them when the call was created', async () => {
      const callId = await answeredCall(pager.accepts);
      h.sim.setGrantedPermissions([]);
      assert.equal((await playPrompt(callId, playPromptBody([media.uri('/accept.wav')]))).status, 200);
    });

    it('the default permissions include Calls.AccessMedia.All', () => {
      assert.ok(DEFAULT_PERMISSIONS.includes('Calls.AccessMedia.All'));
    });
  });

  describe('pressKey (test control)', () => {
    it('sends a tone notification for each key, numbered per call, in any established call that subscribed', async () => {
      const callId = await answeredCall(pager.silent);
      const { body: group } = await h.createCall(groupCall(people.alice, people.erin));
      await subscribe(callId);
      await subscribe(group.id);
      h.sim.pressKey(callId, '#');
      h.sim.pressKey(callId, '9');
      h.sim.pressKey(group.id, '*');
      h.sim.pressKey(callId, 'A');
      await h.sim.idle();

      assert.deepEqual(tonesOf(callId).map((n) => [n.resourceData.toneInfo.sequenceId, n.resourceData.toneInfo.tone]), [
        [1, 'pound'],
        [2, 'tone9'],
        [3, 'a'],
      ]);
      assert.deepEqual(tonesOf(group.id).map((n) => [n.resourceData.toneInfo.sequenceId, n.resourceData.toneInfo.tone]), [[1, 'star']]);
      assert.deepEqual(h.sim.getCall(callId)?.toneInfo, { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 3, tone: 'a' });
    });

    it('throws for an unknown call, a call not established, a call that did not subscribe, and a key that is no key', async () => {
      assert.throws(() => h.sim.pressKey('f0000000-0000-4000-8000-000000000000', '1'), /does not exist/);
      const { body: ringing } = await h.createCall(peerToPeerCall(pager.ringsOn));
      assert.throws(() => h.sim.pressKey(ringing.id, '1'), /is establishing: keys can only be pressed in an established call/);

      const callId = await answeredCall(pager.accepts);
      assert.throws(() => h.sim.pressKey(callId, '1'), /has not subscribed to tones/);
      await subscribe(callId);
      assert.throws(() => h.sim.pressKey(callId, 'x'), /"x" is not a DTMF key/);
      await h.sim.idle();
      assert.deepEqual(tonesOf(callId), []);
    });
  });
});
