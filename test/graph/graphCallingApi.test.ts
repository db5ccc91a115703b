import assert from 'node:assert/strict';
import { accessPolicySentence } from '../../src/calling/bridges/bridgeMeeting.js';
import { CallingApiError } from '../../src/calling/errors.js';
import { CallingService } from '../../src/calling/requests/callingService.js';
import { GraphCallingApi } from '../../src/graph/graphCallingApi.js';
import { graphRoot } from '../../src/graph/graphClient.js';
import { StaticTokenProvider } from '../../src/graph/tokenProvider.js';
import type { TokenProvider } from '../../src/graph/tokenProvider.js';
import { LOCAL_TENANT_ID, startGraphSimulator } from '../../src/simulator/index.js';
import type { GraphSimulator } from '../../src/simulator/index.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { apiFor, callCreated, inviteOne, peerToPeerCall, rejectionOf } from './graphFixtures.js';

describe('GraphCallingApi requests', () => {
  let server: LoopbackServer;

  beforeEach(async () => {
    server = await LoopbackServer.start((request, res) => {
      if (request.method === 'DELETE') {
        res.writeHead(204);
        res.end();
      } else if (request.url.endsWith('/mute')) {
        sendJson(res, 200, { '@odata.type': '#microsoft.graph.muteParticipantOperation', id: 'op-2', status: 'completed', clientContext: JSON.parse(request.body).clientContext });
      } else if (request.url.endsWith('/participants/invite')) {
        sendJson(res, 200, { id: 'op-1', status: 'Running', clientContext: JSON.parse(request.body).clientContext });
      } else if (request.url.includes('/users/') || request.url.includes('/users(')) {
        sendJson(res, 200, { id: '8b081ef6-4792-4def-b2c9-c363a1bf41d5', displayName: 'Bob' });
      } else {
        sendJson(res, request.method === 'POST' ? 201 : 200, callCreated, { location: `${server.url}/v1.0/communications/calls/${callCreated.id}` });
      }
    });
  });

  afterEach(() => server.close());

  it('creates a call with POST /communications/calls and returns the 201 body', async () => {
    const call = await apiFor(server).createCall('tenant-a', peerToPeerCall);

    assert.deepEqual(call, callCreated);
    const [request] = server.requests;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.url, '/v1.0/communications/calls');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request!.body), peerToPeerCall);
    assert.match(String(request!.headers['client-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('invites with POST /communications/calls/{id}/participants/invite, the id URL-encoded', async () => {
    const operation = await apiFor(server).inviteParticipants('tenant-a', 'call/1 ?x', inviteOne);

    assert.deepEqual(operation, { id: 'op-1', status: 'Running', clientContext: inviteOne.clientContext });
    assert.equal(server.requests[0]!.url, '/v1.0/communications/calls/call%2F1%20%3Fx/participants/invite');
    assert.deepEqual(JSON.parse(server.requests[0]!.body), inviteOne);
  });

  it('gets a call and hangs up with GET and DELETE on /communications/calls/{id}', async () => {
    const api = apiFor(server);
    assert.deepEqual(await api.getCall('tenant-a', callCreated.id), callCreated);
    assert.equal(await api.hangUp('tenant-a', callCreated.id), undefined);

    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url}`),
      [`GET /v1.0/communications/calls/${callCreated.id}`, `DELETE /v1.0/communications/calls/${callCreated.id}`],
    );
  });

  it('mutes with POST …/participants/{id}/mute and removes with DELETE …/participants/{id}, both ids URL-encoded', async () => {
    const api = apiFor(server);
    const operation = await api.muteParticipant('tenant-a', 'call/1', 'p 1', { clientContext: 'ctx-mute' });
    assert.equal(await api.removeParticipant('tenant-a', 'call/1', 'p/2'), undefined);

    assert.deepEqual(operation, { '@odata.type': '#microsoft.graph.muteParticipantOperation', id: 'op-2', status: 'completed', clientContext: 'ctx-mute' });
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url}`),
      ['POST /v1.0/communications/calls/call%2F1/participants/p%201/mute', 'DELETE /v1.0/communications/calls/call%2F1/participants/p%2F2'],
    );
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { clientContext: 'ctx-mute' });
  });

  it('looks users up by id or user principal name, URL-encoded, selecting what Rally reads (their preferred language too)', async () => {
    const api = apiFor(server);
    await api.getUser('tenant-a', '8b081ef6-4792-4def-b2c9-c363a1bf41d5');
    await api.getUser('tenant-a', 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com');
    await api.getUser('tenant-a', "$o'neil@contoso.com");

    const select = '?$select=id,displayName,userPrincipalName,mail,preferredLanguage';
    assert.deepEqual(server.requests.map((r) => r.url), [
      `/v1.0/users/8b081ef6-4792-4def-b2c9-c363a1bf41d5${select}`,
      `/v1.0/users/bob_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com${select}`,
      // A leading `$` needs the key form, with the quote doubled.
      `/v1.0/users('%24o''neil%40contoso.com')${select}`,
    ]);
  });

  it('sends each tenant\'s own token as Authorization: Bearer', async () => {
    const tokens: TokenProvider = { getToken: async (tenantId) => `token-for-${tenantId}` };
    const api = apiFor(server, { tokenProvider: tokens });

    await api.getCall('tenant-a', 'c1');
    await api.createCall('tenant-b', peerToPeerCall);

    assert.deepEqual(server.requests.map((r) => r.headers.authorization), ['Bearer token-for-tenant-a', 'Bearer token-for-tenant-b']);
  });

  it('keeps the path of a base URL such as .../graph/beta', async () => {
    const api = new GraphCallingApi({
      baseUrl: `${server.url}/graph/beta`,
      tokenProvider: { getToken: async () => 't' },
      timeoutMs: 2_000,
      maxRetries: 0,
    });
    await api.getCall('tenant-a', 'c1');

    assert.equal(server.requests[0]!.url, '/graph/beta/communications/calls/c1');
  });
});

describe('GraphCallingApi createOrGetMeeting', () => {
  const ORGANIZER = '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5f';
  const meeting = {
    '@odata.type': '#microsoft.graph.onlineMeeting',
    id: 'MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi',
    externalId: 'intent-1',
    subject: 'Sev1',
    joinWebUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0',
    chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId: '19:meeting_abc@thread.v2', messageId: '0' },
    joinMeetingIdSettings: { isPasscodeRequired: true, joinMeetingId: '123456789012', passcode: 'Ab12Cd' },
  };
  let server: LoopbackServer;
  beforeEach(async () => {
    server = await LoopbackServer.start((_request, res) => sendJson(res, 201, meeting));
  });
  afterEach(() => server.close());

  it("POSTs the meeting to /users/{organizer}/onlineMeetings/createOrGet and returns Graph's answer", async () => {
    const made = await apiFor(server).createOrGetMeeting('tenant-a', ORGANIZER, { externalId: 'intent-1', subject: 'Sev1' });
    assert.deepEqual(made, meeting);
    const [request] = server.requests;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.url, `/v1.0/users/${ORGANIZER}/onlineMeetings/createOrGet`);
    assert.deepEqual(JSON.parse(request!.body), { externalId: 'intent-1', subject: 'Sev1' });
    assert.equal(request!.headers['content-type'], 'application/json');
  });

  it('sends the language as Accept-Language only when it is given', async () => {
    const api = apiFor(server);
    await api.createOrGetMeeting('tenant-a', ORGANIZER, { externalId: 'intent-1' }, 'fr-FR');
    await api.createOrGetMeeting('tenant-a', ORGANIZER, { externalId: 'intent-2' });
    assert.equal(server.requests[0]!.headers['accept-language'], 'fr-FR');
    // Node's fetch sends `*` (any language) on a request that names none: Rally adds nothing of its own.
    assert.ok([undefined, '*'].includes(server.requests[1]!.headers['accept-language']), String(server.requests[1]!.headers['accept-language']));
  });
});

describe("CallingService.createOrGetMeeting over Graph (the simulator)", () => {
  const BOT_APP_ID = '0a1b2c3d-0000-4000-8000-00000000b07a';
  let sim: GraphSimulator;
  beforeEach(async () => {
    sim = await startGraphSimulator({ appId: BOT_APP_ID, meetingAccessPolicy: 'none' });
  });
  afterEach(() => sim.close());

  const serviceFor = (graph: GraphSimulator) =>
    new CallingService({
      api: new GraphCallingApi({ baseUrl: graph.baseUrl, tokenProvider: new StaticTokenProvider('test-token'), timeoutMs: 2_000, maxRetries: 0 }),
      callbackUri: 'https://rally.contoso.com/api/calling',
      botAppId: BOT_APP_ID,
      botDisplayName: 'Rally',
      pstn: {},
    });
  const ask = { subject: 'Sev1', organizerId: '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5f', language: 'fr-FR' };

  it("rewrites the missing access policy into the sentence naming what an admin must run with Rally's app id", async () => {
    const error = await rejectionOf(serviceFor(sim).createOrGetMeeting(LOCAL_TENANT_ID, ask, 'intent-1'));
    assert.ok(error instanceof CallingApiError, String(error));
    assert.equal(error.code, 'meetingAccessPolicyMissing');
    assert.deepEqual(error.sentence, accessPolicySentence(BOT_APP_ID));
    assert.equal(error.details.status, 403);
    assert.equal(error.details.graphMessage, 'No application access policy found for this app.');
    assert.equal((error.cause as CallingApiError | undefined)?.code, 'meetingAccessPolicyMissing', "Graph's own refusal is its cause");
    assert.deepEqual(sim.meetingsCreated, []);
  });

  it('once the policy is granted, makes the meeting in the language asked, and keeps what joining it needs', async () => {
    sim.setMeetingAccessPolicy('global');
    const bridge = await serviceFor(sim).createOrGetMeeting(LOCAL_TENANT_ID, ask, 'intent-1');
    const [made] = sim.meetingsCreated;
    assert.deepEqual([made?.organizerId, made?.externalId, made?.language], [ask.organizerId, 'intent-1', 'fr-FR']);
    assert.equal(bridge.joinWebUrl, made?.body.joinWebUrl);
    assert.equal(bridge.threadId, (made?.body.chatInfo as { threadId: string }).threadId);
    assert.equal(bridge.organizerId, ask.organizerId);
    assert.equal(bridge.tenantId, LOCAL_TENANT_ID);
    const again = await serviceFor(sim).createOrGetMeeting(LOCAL_TENANT_ID, ask, 'intent-1');
    assert.deepEqual(again, bridge, 'asked again, the same meeting');
    assert.equal(sim.meetingsCreated.length, 1);
  });
});

describe('graphRoot', () => {
  it('splits the version off the configured base URL', () => {
    assert.deepEqual(graphRoot('http://127.0.0.1:4321/v1.0'), { baseUrl: 'http://127.0.0.1:4321', defaultVersion: 'v1.0' });
    assert.deepEqual(graphRoot('https://graph.microsoft.com/beta'), { baseUrl: 'https://graph.microsoft.com', defaultVersion: 'beta' });
    assert.deepEqual(graphRoot('https://graph.microsoft.us/v1.0'), { baseUrl: 'https://graph.microsoft.us', defaultVersion: 'v1.0' });
  });
});
