import assert from 'node:assert/strict';
import { groupCall, meetingJoin, MAX_GROUP_CALL_USERS, peerToPeerCall, pstnCall } from '../../../src/calling/requests/createCallRequests.js';
import { InvalidRequestError } from '../../../src/calling/errors.js';
import { meetingById } from '../../../src/calling/targets/meetingLink.js';
import type { UserTarget } from '../../../src/calling/targets/people.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';

const callbackUri = 'https://rally.contoso.com/api/calling';
const users = (n: number): UserTarget[] => Array.from({ length: n }, (_, i) => ({ kind: 'user', id: `user-${i}` }));
const group = (n: number) => groupCall({ callbackUri, tenantId: 't', subject: 's', application: { id: 'app', displayName: 'Rally' }, users: users(n) });

describe('create call requests', () => {
  it('every call asks for audio only, service-hosted, at the callback URI', () => {
    const meeting = meetingById('123');
    for (const body of [
      peerToPeerCall({ callbackUri, user: users(1)[0]! }),
      group(2),
      meetingJoin({ callbackUri, tenantId: 't', meeting }),
      meetingJoin({ callbackUri, tenantId: 't', meeting, guest: { id: 'g', displayName: 'Guest' } }),
      pstnCall({ callbackUri, tenantId: 't', applicationInstance: { id: 'ai' }, number: parsePhoneNumber('+14255550100').e164 }),
    ]) {
      assert.equal(body['@odata.type'], '#microsoft.graph.call');
      assert.equal(body.callbackUri, callbackUri);
      assert.deepStrictEqual(body.requestedModalities, ['audio']);
      assert.equal(body.mediaConfig['@odata.type'], '#microsoft.graph.serviceHostedMediaConfig');
    }
  });

  it('rings 2 to 5 users in a group call and refuses fewer or more', () => {
    assert.equal(group(2).targets?.length, 2);
    assert.equal(group(MAX_GROUP_CALL_USERS).targets?.length, 5);
    assert.throws(() => group(1), (e: unknown) => e instanceof InvalidRequestError && e.code === 'groupCallTooFew');
    assert.throws(() => group(6), (e: unknown) => e instanceof InvalidRequestError && e.code === 'groupCallTooMany');
  });

  it('joins a channel meeting under the channel post its link names', () => {
    const body = meetingJoin({
      callbackUri,
      tenantId: 't',
      meeting: { kind: 'organizer', threadId: '19:c@thread.skype', messageId: '1', replyChainMessageId: '2', organizer: { id: 'o', tenantId: 'ot' } },
    });
    assert.deepStrictEqual(body.chatInfo, { '@odata.type': '#microsoft.graph.chatInfo', threadId: '19:c@thread.skype', messageId: '1', replyChainMessageId: '2' });
  });

  it('joins by meeting id as a guest', () => {
    const body = meetingJoin({ callbackUri, tenantId: 't', meeting: meetingById('123', 'pw'), guest: { id: 'g', displayName: 'Visitor' } });
    assert.deepStrictEqual(body.source?.identity.guest, { '@odata.type': '#microsoft.graph.identity', id: 'g', displayName: 'Visitor' });
    assert.deepStrictEqual(body.meetingInfo, { '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo', joinMeetingId: '123', passcode: 'pw' });
    assert.equal(body.chatInfo, undefined);
  });

  it('leaves out the application instance name when none is configured', () => {
    const body = pstnCall({ callbackUri, tenantId: 't', applicationInstance: { id: 'ai' }, number: parsePhoneNumber('+14255550100').e164 });
    assert.deepStrictEqual(body.source?.identity.applicationInstance, { '@odata.type': '#microsoft.graph.identity', id: 'ai' });
  });
});
