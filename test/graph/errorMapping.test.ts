import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { CallingApiError } from '../../src/calling/errors.js';
import type { CallingApi } from '../../src/calling/requests/callingApi.js';
import { LoopbackServer, sendJson } from '../support/loopbackServer.js';
import { apiFor, groupCall, inviteOne, joinById, joinByLink, peerToPeerCall, pstnCall, rejectionOf } from './graphFixtures.js';

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

  it('404 on muting or removing someone says they are no longer in the call, not that the call ended', async () => {
    const notThere = (res: ServerResponse) => sendJson(res, 404, graphError('itemNotFound', 'The participant p-1 is not in the call c1.'));
    for (const request of [(api: CallingApi) => api.muteParticipant('t', 'c1', 'p-1', { clientContext: 'ctx' }), (api: CallingApi) => api.removeParticipant('t', 'c1', 'p-1')]) {
      const error = await failureOf(notThere, request);
      assert.equal(error.code, 'participantNotFound');
      assert.equal(error.userMessage, 'That person is no longer in the call; its card shows who is.');
    }
  });

  it('403 on muting names Calls.JoinGroupCall.All; on removing, also the tenant setting Graph asks for', async () => {
    const forbidden = (res: ServerResponse) => sendJson(res, 403, graphError('7504', 'Insufficient enterprise tenant permissions, cannot access this API.'));
    assert.match((await failureOf(forbidden, (api) => api.muteParticipant('t', 'c1', 'p-1', { clientContext: 'ctx' }))).userMessage, /permission Calls\.JoinGroupCall\.All;/);
    const removal = await failureOf(forbidden, (api) => api.removeParticipant('t', 'c1', 'p-1'));
    assert.equal(removal.code, 'graphForbidden');
    assert.match(removal.userMessage, /Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds .*Calls\.JoinGroupCall\.All\.$/);
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

describe('Graph errors are mapped by what Graph says, not by the status alone', () => {
  const WRONG_PASSCODE = 'abc123';
  const answer = (status: number, body: unknown) => (res: ServerResponse) => sendJson(res, status, body);

  describe('the meeting', () => {
    it('a wrong passcode (403 about the passcode) says it does not match the meeting, and never echoes it', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The passcode does not match the meeting.')), (api) => api.createCall('t', joinById('1234567', WRONG_PASSCODE)));

      assert.equal(error.code, 'meetingPasscodeMismatch');
      assert.equal(error.userMessage, 'The passcode does not match meeting 1234567; check the invitation and try again.');
      assert.ok(!error.message.includes(WRONG_PASSCODE) && !error.userMessage.includes(WRONG_PASSCODE));
      assert.deepEqual(error.details, { status: 403, graphCode: 'Forbidden', graphMessage: 'The passcode does not match the meeting.', requestId: REQUEST_ID, date: INNER_DATE });
    });

    it('a passcode refusal when Rally sent none says the meeting needs one and how to give it', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The meeting requires a passcode and the request has none.')), (api) => api.createCall('t', joinById('1234567')));

      assert.equal(error.code, 'meetingPasscodeMissing');
      assert.equal(error.userMessage, 'Meeting 1234567 needs a passcode; send `join 1234567 passcode <code>` with the one from the invitation.');
    });

    it('a passcode refusal on a join by link speaks of "that meeting"', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The passcode is missing or does not match the meeting.')), (api) => api.createCall('t', joinByLink));
      assert.equal(error.code, 'meetingPasscodeMissing');
      assert.match(error.userMessage, /^That meeting needs a passcode;/);
    });

    it('an unknown meeting id (404) says no meeting has that id', async () => {
      const error = await failureOf(answer(404, graphError('NotFound', 'No meeting was found for joinMeetingId 7654321.')), (api) => api.createCall('t', joinById('7654321', 'psw123')));

      assert.equal(error.code, 'meetingNotFound');
      assert.equal(error.userMessage, 'No meeting has the id 7654321; check the meeting id in the invitation and try again.');
    });

    it('a meeting not found on a join by link says so of the link, whatever the status', async () => {
      const error = await failureOf(answer(400, graphError('BadRequest', 'The meeting does not exist.')), (api) => api.createCall('t', joinByLink));
      assert.equal(error.code, 'meetingNotFound');
      assert.equal(error.userMessage, 'Teams found no meeting for that link; check the link in the invitation and try again.');
    });

    it('a meeting that has not started says so', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The meeting has not started yet.')), (api) => api.createCall('t', joinById('1234567', 'psw123')));
      assert.equal(error.code, 'meetingNotStarted');
      assert.equal(error.userMessage, 'Meeting 1234567 has not started yet; try again once it has.');
    });

    it('a lobby refusal asks the organizer to let Rally in', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The bot was not admitted from the lobby.')), (api) => api.createCall('t', joinById('1234567', 'psw123')));
      assert.equal(error.code, 'meetingLobby');
      assert.equal(error.userMessage, 'Meeting 1234567 kept Rally in its lobby; ask the organizer to let Rally in, then try again.');
    });

    it('an unrecognized 400 on a meeting join keeps the generic sentence with the request-id', async () => {
      const error = await failureOf(answer(400, graphError('BadRequest', 'Invalid meetingInfo.')), (api) => api.createCall('t', joinById('1234567', 'psw123')));
      assert.equal(error.code, 'graphBadRequest');
      assert.equal(error.userMessage, `Microsoft Graph refused Rally's request (HTTP 400); please report this to your Teams admin (request-id ${REQUEST_ID}).`);
    });
  });

  describe('permissions and the tenant', () => {
    const PERMISSION_SENTENCE = 'Rally lacks the Microsoft Graph application permission Calls.JoinGroupCall.All; ask an admin to grant it to Rally\'s app registration and give admin consent.';

    it('7504 "Insufficient enterprise tenant permissions" on a meeting join keeps the permission sentence', async () => {
      const error = await failureOf(
        answer(403, graphError('7504', 'Insufficient enterprise tenant permissions, cannot access this API.')),
        (api) => api.createCall('t', joinById('1234567', WRONG_PASSCODE)),
      );
      assert.equal(error.code, 'graphForbidden');
      assert.equal(error.userMessage, PERMISSION_SENTENCE);
      assert.equal(error.details.graphCode, '7504');
    });

    it('7504 as an inner code under Forbidden is read too', async () => {
      const body = { error: { code: 'Forbidden', message: 'Forbidden', innerError: { code: '7504', 'request-id': REQUEST_ID, date: INNER_DATE } } };
      const error = await failureOf(answer(403, body), (api) => api.createCall('t', joinById('1234567', 'psw123')));
      assert.equal(error.userMessage, PERMISSION_SENTENCE);
    });

    it('a 403 with no detail at all (empty body) keeps the permission sentence', async () => {
      const error = await failureOf((res) => (res.writeHead(403), res.end()), (api) => api.createCall('t', joinById('1234567', 'psw123')));
      assert.equal(error.code, 'graphForbidden');
      assert.equal(error.userMessage, PERMISSION_SENTENCE);
    });

    it('Authorization_RequestDenied on a user lookup names User.Read.All', async () => {
      const error = await failureOf(answer(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')), (api) => api.getUser('t', 'adelev@contoso.com'));
      assert.equal(error.code, 'graphForbidden');
      assert.match(error.userMessage, /permission User\.Read\.All;/);
    });

    it('7505 "Request authorization tenant mismatch" asks for admin consent in the tenant, not a permission', async () => {
      const error = await failureOf(answer(403, graphError('7505', 'Request authorization tenant mismatch.')), (api) => api.createCall('t', peerToPeerCall));
      assert.equal(error.code, 'tenantNotAllowed');
      assert.equal(error.userMessage, 'Microsoft Graph does not let Rally act for your organization (tenant mismatch); ask your Teams admin to give Rally admin consent in your tenant.');
    });
  });

  describe("the bridge's meeting (createOrGet)", () => {
    const NO_POLICY = 'No application access policy found for this app.';
    const createOrGet = (api: CallingApi) => api.createOrGetMeeting('t', '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5f', { externalId: 'intent-1', subject: 'Sev1' });

    it('403 "No application access policy" is meetingAccessPolicyMissing, with Graph\'s details kept', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', NO_POLICY)), createOrGet);
      assert.equal(error.code, 'meetingAccessPolicyMissing');
      assert.match(error.userMessage, /application access policy.*Nothing was created\.$/);
      assert.deepEqual(error.details, { status: 403, graphCode: 'Forbidden', graphMessage: NO_POLICY, requestId: REQUEST_ID, date: INNER_DATE });
      assert.equal(error.uncertain, false, 'a refusal made nothing');
    });

    it('any other 403 on createOrGet names the permission OnlineMeetings.ReadWrite.All', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'Insufficient privileges to complete the operation.')), createOrGet);
      assert.equal(error.code, 'graphForbidden');
      assert.match(error.userMessage, /permission OnlineMeetings\.ReadWrite\.All;/);
    });

    it('the same words on a call, or with another status, are not read as the access policy', async () => {
      const onCall = await failureOf(answer(403, graphError('Forbidden', NO_POLICY)), (api) => api.createCall('t', joinByLink));
      assert.notEqual(onCall.code, 'meetingAccessPolicyMissing');
      const badRequest = await failureOf(answer(400, graphError('BadRequest', NO_POLICY)), createOrGet);
      assert.notEqual(badRequest.code, 'meetingAccessPolicyMissing');
    });
  });

  describe('people and phone numbers', () => {
    it('a person not enabled for Teams says so', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The user is not enabled for Teams.')), (api) => api.createCall('t', peerToPeerCall));
      assert.equal(error.code, 'userNotEnabledForTeams');
      assert.equal(error.userMessage, 'That person is not enabled for Microsoft Teams, so Rally cannot call them; ask your Teams admin to check their Teams license.');
    });

    it('a user not found on a new call says no such user, not that the call ended', async () => {
      const error = await failureOf(answer(404, graphError('NotFound', 'The target user was not found.')), (api) => api.createCall('t', peerToPeerCall));
      assert.equal(error.code, 'userNotFound');
      assert.equal(error.userMessage, 'No such user was found in your organization; check the name or address.');
    });

    it('a user not found on an invite is about the user, so the call is not taken for ended', async () => {
      const error = await failureOf(answer(404, graphError('NotFound', 'The user 278405a3 does not exist.')), (api) => api.inviteParticipants('t', 'c1', inviteOne));
      assert.equal(error.code, 'userNotFound');
    });

    it('a PSTN call whose resource account has no number says to assign one', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The application instance has no phone number assigned.')), (api) => api.createCall('t', pstnCall));
      assert.equal(error.code, 'pstnNumberNotAssigned');
      assert.equal(error.userMessage, 'Rally\'s resource account has no phone number assigned, so it cannot call phone numbers; ask your Teams admin to assign one.');
    });

    it('the same words on a call to a person are not read as a phone-number cause', async () => {
      const error = await failureOf(answer(403, graphError('Forbidden', 'The application instance has no phone number assigned.')), (api) => api.createCall('t', peerToPeerCall));
      assert.equal(error.code, 'graphForbidden');
    });
  });

  it('an unrecognized 404 on a new call gives the generic sentence with the request-id, not "the call ended"', async () => {
    const error = await failureOf(answer(404, graphError('NotFound', 'Resource not found.')), (api) => api.createCall('t', peerToPeerCall));
    assert.equal(error.code, 'graphBadRequest');
    assert.equal(error.userMessage, `Microsoft Graph refused Rally's request (HTTP 404); please report this to your Teams admin (request-id ${REQUEST_ID}).`);
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
