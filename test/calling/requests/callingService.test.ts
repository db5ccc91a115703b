import assert from 'node:assert/strict';
import { CallingService } from '../../../src/calling/requests/callingService.js';
import type { CallingServiceOptions } from '../../../src/calling/requests/callingService.js';
import { InvalidRequestError, NotConfiguredError } from '../../../src/calling/errors.js';
import { meetingById } from '../../../src/calling/targets/meetingLink.js';
import type { CallTarget, UserTarget } from '../../../src/calling/targets/people.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';
import { requiredPermission } from '../../../src/calling/requests/permissions.js';
import { RecordingCallingApi } from './recordingCallingApi.js';
import { missingPermission } from '../../support/graphRefusals.js';

const tenantId = 'tenant-1';
const alice: UserTarget = { kind: 'user', id: 'alice-id', displayName: 'Alice' };
const bob: UserTarget = { kind: 'user', id: 'bob-id', displayName: 'Bob' };
const phone: CallTarget = { kind: 'phone', number: parsePhoneNumber('+14255550100').e164 };
const pstn = { applicationInstanceId: 'instance-id', applicationInstanceName: 'Rally line' };

function setup(options: Partial<CallingServiceOptions> = {}) {
  const api = new RecordingCallingApi();
  let next = 0;
  const service = new CallingService({
    api,
    callbackUri: 'https://rally.contoso.com/api/calling',
    botAppId: 'app-id',
    botDisplayName: 'Rally',
    pstn: {},
    newClientContext: () => `ctx-${++next}`,
    ...options,
  });
  return { api, service };
}

async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof type && (e as InvalidRequestError).code === code);
}

describe('CallingService', () => {
  describe('placeCall picks the kind of call from the targets', () => {
    it('one user: peer-to-peer', async () => {
      const { api, service } = setup();
      const call = await service.placeCall(tenantId, [alice]);
      const { body, tenantId: usedTenant } = api.only('createCall');
      assert.equal(call.id, 'call-1');
      assert.equal(usedTenant, tenantId);
      assert.equal(requiredPermission({ kind: 'createCall', body }), 'Calls.Initiate.All');
      assert.deepStrictEqual(body.targets?.map((t) => t.identity.user?.id), ['alice-id']);
    });

    it('the same user twice: still peer-to-peer', async () => {
      const { api, service } = setup();
      await service.placeCall(tenantId, [alice, { ...alice, displayName: undefined }]);
      assert.equal(api.only('createCall').body.targets?.length, 1);
    });

    it('several users: a group call from the bot application, with a default subject', async () => {
      const { api, service } = setup();
      await service.placeCall(tenantId, [alice, bob]);
      const { body } = api.only('createCall');
      assert.equal(requiredPermission({ kind: 'createCall', body }), 'Calls.InitiateGroupCall.All');
      assert.deepStrictEqual(body.source?.identity.application, { '@odata.type': '#microsoft.graph.identity', id: 'app-id', displayName: 'Rally' });
      assert.equal(body.subject, 'Rally call');
      assert.equal(body.tenantId, tenantId);
    });

    it('one number: PSTN from the configured application instance', async () => {
      const { api, service } = setup({ pstn });
      await service.placeCall(tenantId, [phone]);
      const { body } = api.only('createCall');
      assert.deepStrictEqual(body.source?.identity.applicationInstance, { '@odata.type': '#microsoft.graph.identity', id: 'instance-id', displayName: 'Rally line' });
      assert.equal(body.targets?.[0]?.identity.phone?.id, '+14255550100');
    });

    it('names the application instance after the bot when no name is configured', async () => {
      const { api, service } = setup({ pstn: { applicationInstanceId: 'instance-id' } });
      await service.callPhone(tenantId, parsePhoneNumber('+14255550100').e164);
      assert.equal(api.only('createCall').body.source?.identity.applicationInstance?.displayName, 'Rally');
    });

    it('refuses nobody, a number among several people, and more than five users', async () => {
      const { api, service } = setup({ pstn });
      await rejectsWith(service.placeCall(tenantId, []), InvalidRequestError, 'callNobody');
      await rejectsWith(service.placeCall(tenantId, [alice, phone]), InvalidRequestError, 'groupCallPhone');
      const six = Array.from({ length: 6 }, (_, i): UserTarget => ({ kind: 'user', id: `u${i}` }));
      await rejectsWith(service.placeCall(tenantId, six), InvalidRequestError, 'groupCallTooMany');
      assert.deepStrictEqual(api.requests, []);
    });

    it('refuses to dial a number when PSTN is not configured', async () => {
      const { api, service } = setup();
      await rejectsWith(service.placeCall(tenantId, [phone]), NotConfiguredError, 'notConfigured');
      assert.deepStrictEqual(api.requests, []);
    });
  });

  describe('meetings', () => {
    it('joins with the tenant it is asked for', async () => {
      const { api, service } = setup();
      await service.joinMeeting(tenantId, meetingById('123 456', 'pw'));
      const { body } = api.only('createCall');
      assert.equal(body.tenantId, tenantId);
      assert.equal(body.source, undefined);
      assert.equal(requiredPermission({ kind: 'createCall', body }), 'Calls.JoinGroupCall.All');
    });

    it('joins as a guest under a fresh guest id each time', async () => {
      let guests = 0;
      const { api, service } = setup({ newGuestId: () => `guest-${++guests}` });
      await service.joinAsGuest(tenantId, meetingById('1'), '  Rally notes  ');
      await service.joinAsGuest(tenantId, meetingById('1'), 'Rally notes');
      const ids = api.requests.map((r) => (r.method === 'createCall' ? r.body.source?.identity.guest : undefined));
      assert.deepStrictEqual(ids.map((g) => [g?.id, g?.displayName]), [['guest-1', 'Rally notes'], ['guest-2', 'Rally notes']]);
    });

    it('refuses a guest without a name', async () => {
      const { service } = setup();
      await rejectsWith(service.joinAsGuest(tenantId, meetingById('1'), ' '), InvalidRequestError, 'guestNameMissing');
    });
  });

  describe('invites', () => {
    it('gives every invite a fresh clientContext and returns it with Graph\'s operation', async () => {
      const { api, service } = setup();
      const first = await service.invite(tenantId, 'call-9', [alice]);
      const second = await service.invite(tenantId, 'call-9', [bob]);
      assert.deepStrictEqual([first.clientContext, second.clientContext], ['ctx-1', 'ctx-2']);
      assert.deepStrictEqual(first.operation, { id: 'operation-1', status: 'Running', clientContext: 'ctx-1' });
      assert.deepStrictEqual(api.requests.map((r) => (r.method === 'inviteParticipants' ? [r.callId, r.body.clientContext] : [])), [['call-9', 'ctx-1'], ['call-9', 'ctx-2']]);
    });

    it('uses the clientContext the caller recorded beforehand', async () => {
      const { api, service } = setup();
      const sent = await service.invite(tenantId, 'call-9', [alice], { clientContext: 'chat-42/request-7' });
      assert.equal(sent.clientContext, 'chat-42/request-7');
      assert.equal(api.only('inviteParticipants').body.clientContext, 'chat-42/request-7');
    });

    it('drops repeated people before counting', async () => {
      const { api, service } = setup();
      await service.invite(tenantId, 'call-9', [alice, alice, bob]);
      assert.equal(api.only('inviteParticipants').body.participants.length, 2);
    });

    it('refuses to invite a number when PSTN is not configured, and sends it when it is', async () => {
      await rejectsWith(setup().service.invite(tenantId, 'call-9', [alice, phone]), NotConfiguredError, 'notConfigured');
      const { api, service } = setup({ pstn });
      await service.invite(tenantId, 'call-9', [alice, phone]);
      assert.equal(api.only('inviteParticipants').body.participants[1]?.identity.phone?.id, '+14255550100');
    });

    it('escalates into the group call, replacing the peer-to-peer call', async () => {
      const { api, service } = setup();
      await service.escalate(tenantId, { groupCallId: 'group', peerToPeerCallId: 'p2p', party: alice });
      const request = api.only('inviteParticipants');
      assert.equal(request.callId, 'group');
      assert.equal(request.body.participants[0]?.replacesCallId, 'p2p');
    });

    it('moves a participant into the destination meeting', async () => {
      const { api, service } = setup();
      await service.moveParticipant(tenantId, { fromCallId: 'a', toCallId: 'b', participantId: 'p', userId: 'u' });
      const request = api.only('inviteParticipants');
      assert.equal(request.callId, 'b');
      assert.equal(request.body.participants[0]?.replacesCallId, 'a');
    });
  });

  it('passes hang-up and get-call through', async () => {
    const { api, service } = setup();
    await service.hangUp(tenantId, 'call-9');
    assert.deepStrictEqual(await service.getCall(tenantId, 'call-9'), { id: 'call-9', state: 'established' });
    assert.deepStrictEqual(api.requests, [
      { method: 'hangUp', tenantId, callId: 'call-9' },
      { method: 'getCall', tenantId, callId: 'call-9' },
    ]);
  });

  it('lets Graph failures through unchanged', async () => {
    const failure = missingPermission('Calls.Initiate.All', 'forbidden');
    const api = new RecordingCallingApi();
    api.createCall = () => Promise.reject(failure);
    const service = new CallingService({ api, callbackUri: 'https://x/api/calling', botAppId: 'a', botDisplayName: 'R', pstn: {} });
    await assert.rejects(service.placeCall(tenantId, [alice]), (e: unknown) => e === failure);
  });
});
