import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { CallingApiError } from '../../src/calling/errors.js';
import type { CallingApi } from '../../src/calling/requests/callingApi.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { apiFor, groupCall, inviteOne, peerToPeerCall, rejectionOf } from './graphFixtures.js';

const REQUEST_ID = '0b4a7d2c-1e3f-4a5b-9c8d-7e6f5a4b3c2d';
const INNER_DATE = '2024-05-01T10:00:00';

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: INNER_DATE, 'request-id': REQUEST_ID, 'client-request-id': 'c-r-id' } } };
}

/** The CallingApiError a call rejects with while the server answers every request with `answer`. */
async function failureOf(answer: (res: ServerResponse) => void, call: (api: CallingApi) => Promise<unknown>): Promise<CallingApiError> {
  const server = await LoopbackServer.start((_request, res) => answer(res));
  try {
    const error = await rejectionOf(call(apiFor(server, { maxRetries: 0 })));
    assert.ok(error instanceof CallingApiError, `expected a CallingApiError, got ${String(error)}`);
    // Whatever went wrong, the sentence for the chat never carries the bearer token.
    assert.ok(!error.userMessage.includes('test-token'));
    return error;
  } finally {
    await server.close();
  }
}

describe('Graph errors become CallingApiErrors with a sentence for the chat', () => {
  it('403 on a group call names Calls.InitiateGroupCall.All and keeps Graph\'s details', async () => {
    const error = await failureOf(
      (res) => sendJson(res, 403, graphError('Forbidden', 'Application does not have permission to make group calls.')),
      (api) => api.createCall('tenant-a', groupCall),
    );

    assert.equal(error.code, 'graphForbidden');
    assert.equal(
      error.userMessage,
      'Rally lacks the Microsoft Graph application permission Calls.InitiateGroupCall.All; ask an admin to grant it to Rally\'s app registration and give admin consent.',
    );
    assert.deepEqual(error.details, {
      status: 403,
      graphCode: 'Forbidden',
      graphMessage: 'Application does not have permission to make group calls.',
      requestId: REQUEST_ID,
      date: INNER_DATE,
    });
  });

  it('403 names the permission of each request: peer-to-peer call, invite', async () => {
    const forbidden = (res: ServerResponse) => sendJson(res, 403, graphError('Forbidden', 'No.'));
    assert.match((await failureOf(forbidden, (api) => api.createCall('t', peerToPeerCall))).userMessage, /permission Calls\.Initiate\.All;/);
    assert.match((await failureOf(forbidden, (api) => api.inviteParticipants('t', 'c1', inviteOne))).userMessage, /permission Calls\.InitiateGroupCall\.All;/);
  });

  it('404 on an invite says the call no longer exists, with the request-id captured', async () => {
    const error = await failureOf(
      (res) => sendJson(res, 404, graphError('itemNotFound', 'Call not found.')),
      (api) => api.inviteParticipants('tenant-a', 'gone', inviteOne),
    );

    assert.equal(error.code, 'callNotFound');
    assert.equal(error.userMessage, 'That call no longer exists; it may have ended already.');
    assert.equal(error.details.requestId, REQUEST_ID);
    assert.match(error.message, new RegExp(`Graph 404 itemNotFound: Call not found\\. \\(request-id ${REQUEST_ID}\\)`));
  });

  it('404 on a user lookup says no such user', async () => {
    const error = await failureOf((res) => sendJson(res, 404, graphError('Request_ResourceNotFound', 'No user.')), (api) => api.getUser('t', 'nobody@contoso.com'));
    assert.equal(error.code, 'userNotFound');
  });

  it('reads request-id and date from the headers when the body has no innerError', async () => {
    const error = await failureOf(
      (res) => sendJson(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } }, {
        'request-id': 'header-request-id',
        date: 'Wed, 01 May 2024 10:00:00 GMT',
      }),
      (api) => api.getCall('t', 'c1'),
    );

    assert.equal(error.code, 'graphUnauthorized');
    assert.match(error.userMessage, /did not accept Rally's credentials/);
    assert.equal(error.details.requestId, 'header-request-id');
    assert.equal(error.details.date, 'Wed, 01 May 2024 10:00:00 GMT');
  });

  it('400 asks for a report and gives the request-id', async () => {
    const error = await failureOf((res) => sendJson(res, 400, graphError('BadRequest', 'Invalid target.')), (api) => api.createCall('t', peerToPeerCall));

    assert.equal(error.code, 'graphBadRequest');
    assert.equal(error.userMessage, `Microsoft Graph refused Rally's request (HTTP 400); please report this to your Teams admin (request-id ${REQUEST_ID}).`);
  });

  it('5xx on a POST says nothing was placed twice; on a GET that it is safe to try again', async () => {
    const gateway = (res: ServerResponse) => {
      res.writeHead(502, { 'content-type': 'text/html', 'request-id': 'gw-id' });
      res.end('<html>Bad gateway</html>');
    };
    const post = await failureOf(gateway, (api) => api.createCall('t', peerToPeerCall));
    const get = await failureOf(gateway, (api) => api.getCall('t', 'c1'));

    assert.equal(post.code, 'graphUnavailable');
    assert.equal(post.details.requestId, 'gw-id');
    assert.match(post.userMessage, /^Microsoft Graph failed \(HTTP 502\); Rally did not resend the request, so nothing was placed twice, but it may still have gone through/);
    assert.match(get.userMessage, /^Microsoft Graph is failing right now \(HTTP 502\); it is safe to try again in a minute/);
  });

  it('a 2xx answer that is not JSON is reported, not returned', async () => {
    const error = await failureOf((res) => (res.writeHead(201, { 'content-type': 'text/plain' }), res.end('created')), (api) => api.createCall('t', peerToPeerCall));
    assert.equal(error.code, 'graphBadResponse');
  });

  it('a connection dropped after a POST was sent may have gone through', async () => {
    const error = await failureOf((res) => res.socket!.destroy(), (api) => api.createCall('t', peerToPeerCall));

    assert.equal(error.code, 'graphUnreachable');
    assert.match(error.userMessage, /^The connection to Microsoft Graph broke off \(\w+\); it may still have gone through/);
  });
});

describe('failures without a Graph response', () => {
  it('connection refused: Graph cannot be reached and nothing was sent', async () => {
    const server = await LoopbackServer.start(() => undefined);
    const api = apiFor(server);
    await server.close(); // the port now refuses connections

    const error = await rejectionOf(api.createCall('t', peerToPeerCall));

    assert.ok(error instanceof CallingApiError);
    assert.equal(error.code, 'graphUnreachable');
    assert.equal(error.details.status, 0);
    assert.match(error.userMessage, /^Rally cannot reach Microsoft Graph \(ECONNREFUSED\), so nothing was sent;/);
  });

  it('a token that cannot be had: sign-in failed, and the sentence holds nothing of the credential\'s error', async () => {
    const server = await LoopbackServer.start((_request, res) => sendJson(res, 200, {}));
    try {
      const tokens = { getToken: async () => { throw new Error('AADSTS7000215: Invalid client secret s3cr3t provided.'); } };
      const error = await rejectionOf(apiFor(server, { tokenProvider: tokens }).getCall('tenant-z', 'c1'));

      assert.ok(error instanceof CallingApiError);
      assert.equal(error.code, 'graphSignInFailed');
      assert.ok(!error.userMessage.includes('s3cr3t'));
      assert.match(error.details.graphMessage!, /AADSTS7000215/);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});
