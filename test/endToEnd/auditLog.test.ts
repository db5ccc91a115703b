// A whole session through the real server with an app id, a client secret and real token flows (Bot Framework tokens
// signed here, Graph tokens from a local authority), with every line Rally logs captured: no secret, token or passcode
// reaches the log or the chat, and each call placed, invitation sent and hang-up leaves one audit record.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AUDIT_MESSAGE } from '../../src/log/auditLog.js';
import { LogCapture } from '../support/logCapture.js';
import type { LoopbackServer } from '../support/loopbackServer.js';
import { loopbackCertificate, startLocalAuthority } from '../graph/localAuthority.js';
import { BOT_APP_ID, CONNECTOR_TOKEN, StandInCredentialsFactory, botFrameworkEndpoints, channelToken } from './botFrameworkStandIn.js';
import { CallingKeyServer, newSigningKey } from './callingKeyServer.js';
import { ADELE_MEMBER, ME, RallyHarness, TENANT_ID } from './rallyHarness.js';

const APP_PASSWORD = `app-password-${randomUUID()}`;
const GRAPH_TOKEN = `graph-access-token-${randomUUID()}`;
const PASSCODE = `Pc${randomUUID().slice(0, 8)}`;
const PHONE = '+14255550187';
// Alex Wilber in the simulator's demo directory.
const ALEX_ID = '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02';

describe('audit log and secrets, through the real server', () => {
  let keys: CallingKeyServer;
  let authority: LoopbackServer;
  let h: RallyHarness;
  const logs = new LogCapture();
  const inboundTokens: string[] = [];
  let groupCallId: string;

  before(async () => {
    const [key, certificate] = await Promise.all([newSigningKey(), loopbackCertificate()]);
    keys = await CallingKeyServer.start();
    keys.publish(key);
    authority = await startLocalAuthority(certificate, () => GRAPH_TOKEN);
    h = await RallyHarness.start({
      simulator: { appId: BOT_APP_ID, acceptToken: (token) => token === GRAPH_TOKEN },
      env: {
        MicrosoftAppId: BOT_APP_ID,
        MicrosoftAppPassword: APP_PASSWORD,
        MicrosoftAppTenantId: TENANT_ID,
        GRAPH_TOKEN_AUTHORITY: authority.url,
      },
      parts: {
        log: logs.log,
        botFrameworkAuthentication: botFrameworkEndpoints(keys),
        botFrameworkCredentials: new StandInCredentialsFactory(BOT_APP_ID, APP_PASSWORD),
      },
      graphCredentials: { credentialOptions: { disableInstanceDiscovery: true, tlsOptions: { ca: certificate.cert } } },
      authorize: async (activity) => {
        const token = await channelToken(key, activity);
        inboundTokens.push(token);
        return `Bearer ${token}`;
      },
    });

    const group = await h.placeCall('call adelev@contoso.com alexw@contoso.com');
    groupCallId = group.callId;
    await h.say(`invite ${PHONE}`); // refused: with an app id, nobody may dial until ALLOWED_DIALERS says so
    await h.say(`join 1234567 passcode ${PASSCODE}`); // fails: the passcode does not match the demo meeting's
    await h.say(`join 12 passcode ${PASSCODE} extra words`); // refused by the parser, passcode and all
    await h.say(`hangup ${group.callId}`);
    await h.settle();
  });

  after(async () => {
    await h.close();
    await keys.close();
    await authority.close();
  });

  it('ran on the real credentials: Graph saw the authority\'s token, the connector the outbound one', () => {
    assert.ok(h.createCallRequests().some((r) => r.status === 201));
    assert.ok(h.connector.sent.length > 0);
    assert.ok(h.connector.sent.every((s) => s.authorization === `Bearer ${CONNECTOR_TOKEN}`));
  });

  it('logs no password, token, bearer header, JWT, passcode or full phone number', () => {
    assert.ok(logs.lines.length > 10, 'the session was logged');
    const secrets = [APP_PASSWORD, GRAPH_TOKEN, CONNECTOR_TOKEN, PASSCODE, PHONE, PHONE.slice(1), ...inboundTokens];
    for (const line of logs.lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a log line holds a secret: ${line}`);
      assert.doesNotMatch(line, /bearer|eyJ[\w-]+\.eyJ/i, 'a log line holds a token');
    }
  });

  it('shows no password, token or passcode in the chat', () => {
    const chat = JSON.stringify(h.connector.sent.map((s) => s.activity));
    for (const secret of [APP_PASSWORD, GRAPH_TOKEN, CONNECTOR_TOKEN, PASSCODE]) assert.ok(!chat.includes(secret), `the chat shows ${secret}`);
  });

  it('leaves one audit record per call placed, invitation sent and hang-up, naming who asked and what came of it', () => {
    const audits = logs.records().filter((r) => r.msg === AUDIT_MESSAGE);
    const group = groupCallId;
    const common = { requestedBy: { id: ME.aadObjectId, name: ME.name }, chatKey: h.conversationId, tenantId: TENANT_ID };

    assert.deepEqual(
      audits.map(({ audit, users, phones, meeting: m, kind, via, callId, outcome, code, requestedBy, chatKey, tenantId }) =>
        ({ audit, users, phones, meeting: m, kind, via, callId, outcome, code, requestedBy, chatKey, tenantId })),
      [
        { ...common, audit: 'callPlaced', users: [ADELE_MEMBER.aadObjectId, ALEX_ID], phones: [], meeting: undefined, kind: 'group', via: undefined, callId: group, outcome: 'accepted', code: undefined },
        { ...common, audit: 'inviteSent', users: [], phones: ['+1********87'], meeting: undefined, kind: undefined, via: 'invite', callId: group, outcome: 'refused', code: 'notAllowedToDial' },
        { ...common, audit: 'callPlaced', users: [], phones: [], meeting: { meetingId: '1234567' }, kind: 'meeting', via: undefined, callId: undefined, outcome: 'failed', code: 'meetingPasscodeMismatch' },
        { ...common, audit: 'hangUp', users: [], phones: [], meeting: undefined, kind: undefined, via: undefined, callId: group, outcome: 'accepted', code: undefined },
      ],
    );
  });
});
