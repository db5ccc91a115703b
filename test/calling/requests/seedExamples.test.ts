// Proof against the documents: for every seed example Rally supports, build the request from what a person would
// give Rally and compare it with the example body field for field. Ids, names and clientContexts are taken from
// the example as input, so nothing is normalized away; each deliberate difference is edited below with its reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CallingService } from '../../../src/calling/requests/callingService.js';
import type { CallingServiceOptions } from '../../../src/calling/requests/callingService.js';
import { meetingById, parseMeetingLink } from '../../../src/calling/targets/meetingLink.js';
import { parsePhoneNumber } from '../../../src/calling/targets/phoneNumber.js';
import { RecordingCallingApi } from './recordingCallingApi.js';

type JsonObject = { [key: string]: unknown };

function seed(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`./seedExamples/${name}.json`, import.meta.url), 'utf8')) as JsonObject;
}

function objectAt(root: unknown, ...path: (string | number)[]): JsonObject {
  const found = path.reduce<unknown>((node, key) => (node as JsonObject | unknown[])[key as never], root);
  assert.ok(typeof found === 'object' && found !== null, `no object at ${path.join('.')}`);
  return found as JsonObject;
}

function text(root: unknown, ...path: (string | number)[]): string {
  const value = objectAt(root, ...path.slice(0, -1))[path.at(-1)!];
  assert.equal(typeof value, 'string', `no string at ${path.join('.')}`);
  return value as string;
}

function service(api: RecordingCallingApi, options: Partial<CallingServiceOptions> = {}): CallingService {
  return new CallingService({
    api,
    callbackUri: 'https://bot.contoso.com/callback',
    botAppId: 'rally-app-id',
    botDisplayName: 'Rally',
    pstn: {},
    ...options,
  });
}

/** The long join link Teams puts in a meeting invite, for the meeting an example joins. */
function joinLink(example: JsonObject): string {
  const thread = encodeURIComponent(text(example, 'chatInfo', 'threadId'));
  const message = text(example, 'chatInfo', 'messageId');
  const organizer = objectAt(example, 'meetingInfo', 'organizer', 'user');
  const context = encodeURIComponent(JSON.stringify({ Tid: organizer['tenantId'], Oid: organizer['id'] }));
  return `https://teams.microsoft.com/l/meetup-join/${thread}/${message}?context=${context}`;
}

// Deliberate differences, each applied only where an example has it.

/** The join examples pre-fetch audio prompts; Rally plays none. */
function withoutPreFetchMedia(example: JsonObject): JsonObject {
  delete objectAt(example, 'mediaConfig')['preFetchMedia'];
  return example;
}

/** A join link names the organizer by id and tenant only; Graph finds the meeting without the name. */
function withoutOrganizerName(example: JsonObject): JsonObject {
  delete objectAt(example, 'meetingInfo', 'organizer', 'user')['displayName'];
  return example;
}

/**
 * The channel-meeting and guest examples leave out the call's tenantId, which the scheduled-meeting example (the
 * same request shape) sends; Rally names the tenant on every join.
 */
function withTenant(example: JsonObject, tenantId: string): JsonObject {
  example['tenantId'] = tenantId;
  return example;
}

/** Rally leaves out a property it has no value for instead of sending null. */
function withoutNull(example: JsonObject, path: string[], key: string): JsonObject {
  const holder = objectAt(example, ...path);
  assert.equal(holder[key], null, `the example has no null ${key} to drop`);
  delete holder[key];
  return example;
}

describe('seed examples: invite participants (000)', () => {
  const tenantId = 'tenant-of-the-chat';

  it('example 1: invites one user', async () => {
    const example = seed('invite-1-one-user');
    const participant = objectAt(example, 'participants', 0);
    const user = objectAt(participant, 'identity', 'user');
    const api = new RecordingCallingApi();

    await service(api).invite(tenantId, 'call-id', [{ kind: 'user', id: text(user, 'id'), displayName: text(user, 'displayName') }], {
      clientContext: text(example, 'clientContext'),
    });

    // The example's title and text describe a plain invite, yet its body carries example 3's replacesCallId, which
    // would end that other call; Rally sends replacesCallId only when escalating (proven against example 3).
    delete participant['replacesCallId'];
    assert.deepStrictEqual(api.only('inviteParticipants').body, example);
  });

  it('example 2: invites several users into a group call', async () => {
    const example = seed('invite-2-multiple-users');
    const participants = example['participants'] as JsonObject[];
    const api = new RecordingCallingApi();

    await service(api).invite(
      tenantId,
      '7531d31f-d10d-44de-802f-c569dbca451c',
      participants.map((p) => ({ kind: 'user', id: text(p, 'identity', 'user', 'id'), displayName: text(p, 'identity', 'user', 'displayName') })),
      { clientContext: text(example, 'clientContext') },
    );

    // Spec known slip: the example sends replacesCallId on both participants, though Graph reads it on the first
    // only; inviting several people replaces no call, so Rally sends it on neither.
    for (const p of participants) delete p['replacesCallId'];
    const request = api.only('inviteParticipants');
    assert.equal(request.callId, '7531d31f-d10d-44de-802f-c569dbca451c');
    assert.deepStrictEqual(request.body, example);
  });

  it('example 3: moves the peer-to-peer party into a group call with replacesCallId', async () => {
    const example = seed('invite-3-replaces-call-id');
    const participant = objectAt(example, 'participants', 0);
    const user = objectAt(participant, 'identity', 'user');
    const api = new RecordingCallingApi();

    await service(api).escalate(
      tenantId,
      {
        groupCallId: 'ab6233a5-20b7-4c5e-bea2-ce56c9776429',
        peerToPeerCallId: text(participant, 'replacesCallId'),
        party: { kind: 'user', id: text(user, 'id'), displayName: text(user, 'displayName') },
      },
      { clientContext: text(example, 'clientContext') },
    );

    const request = api.only('inviteParticipants');
    assert.equal(request.callId, 'ab6233a5-20b7-4c5e-bea2-ce56c9776429');
    assert.deepStrictEqual(request.body, example);
  });

  it('example 4: invites a phone number typed with spaces', async () => {
    const example = seed('invite-4-pstn-number');
    const api = new RecordingCallingApi();
    const number = parsePhoneNumber('+1 (234) 567-8901').e164;

    await service(api, { pstn: { applicationInstanceId: 'instance-id' } }).invite(tenantId, 'call-id', [{ kind: 'phone', number }], {
      clientContext: text(example, 'clientContext'),
    });

    assert.equal(text(example, 'participants', 0, 'identity', 'phone', 'id'), number);
    assert.deepStrictEqual(api.only('inviteParticipants').body, example);
  });

  it('example 5: moves a participant from one meeting to another', async () => {
    const example = seed('invite-5-move-participant');
    const participant = objectAt(example, 'participants', 0);
    const api = new RecordingCallingApi();

    await service(api).moveParticipant(
      tenantId,
      {
        fromCallId: text(participant, 'replacesCallId'),
        toCallId: 'ab6233a5-20b7-4c5e-bea2-ce56c9776429',
        participantId: text(participant, 'participantId'),
        userId: text(participant, 'identity', 'user', 'id'),
      },
      { clientContext: text(example, 'clientContext') },
    );

    const request = api.only('inviteParticipants');
    assert.equal(request.callId, 'ab6233a5-20b7-4c5e-bea2-ce56c9776429');
    assert.deepStrictEqual(request.body, example);
  });
});

describe('seed examples: create call (001)', () => {
  it('peer-to-peer call with a user, service-hosted media', async () => {
    const example = seed('create-call-peer-to-peer-service-hosted');
    const user = objectAt(example, 'targets', 0, 'identity', 'user');
    const api = new RecordingCallingApi();

    await service(api).placeCall('tenant-of-the-chat', [{ kind: 'user', id: text(user, 'id'), displayName: text(user, 'displayName') }]);

    assert.deepStrictEqual(api.only('createCall').body, example);
  });

  it('group call with two users, service-hosted media', async () => {
    const example = seed('create-call-group-service-hosted');
    const application = objectAt(example, 'source', 'identity', 'application');
    const targets = example['targets'] as JsonObject[];
    const api = new RecordingCallingApi();

    await service(api, { botAppId: text(application, 'id'), botDisplayName: text(application, 'displayName') }).placeCall(
      text(example, 'tenantId'),
      targets.map((t) => ({ kind: 'user', id: text(t, 'identity', 'user', 'id'), displayName: text(t, 'identity', 'user', 'displayName') })),
      { subject: text(example, 'subject') },
    );

    // Spec known slip: the example types its second target participantInfo; every target is an invitationParticipantInfo.
    assert.equal(targets[1]!['@odata.type'], '#microsoft.graph.participantInfo');
    targets[1]!['@odata.type'] = '#microsoft.graph.invitationParticipantInfo';
    assert.deepStrictEqual(api.only('createCall').body, example);
  });

  it('joins a scheduled meeting from its join link', async () => {
    const example = seed('create-call-join-scheduled-meeting');
    const api = new RecordingCallingApi();

    await service(api).joinMeeting(text(example, 'tenantId'), parseMeetingLink(joinLink(example)));

    assert.deepStrictEqual(api.only('createCall').body, withoutOrganizerName(withoutPreFetchMedia(example)));
  });

  it('joins by meeting id and passcode from a short meeting link', async () => {
    const example = seed('create-call-join-meeting-id-with-passcode');
    const api = new RecordingCallingApi();
    const id = text(example, 'meetingInfo', 'joinMeetingId');
    const passcode = text(example, 'meetingInfo', 'passcode');

    await service(api).joinMeeting(text(example, 'tenantId'), parseMeetingLink(`https://teams.microsoft.com/meet/${id}?p=${passcode}`));

    assert.deepStrictEqual(api.only('createCall').body, withoutPreFetchMedia(example));
  });

  it('joins by meeting id without a passcode', async () => {
    const example = seed('create-call-join-meeting-id-without-passcode');
    const api = new RecordingCallingApi();

    await service(api).joinMeeting(text(example, 'tenantId'), meetingById(text(example, 'meetingInfo', 'joinMeetingId')));

    assert.deepStrictEqual(
      api.only('createCall').body,
      withoutNull(withoutPreFetchMedia(example), ['meetingInfo'], 'passcode'),
    );
  });

  it('joins a channel meeting from its join link', async () => {
    const example = seed('create-call-join-channel-meeting');
    const tenantId = text(example, 'meetingInfo', 'organizer', 'user', 'tenantId');
    const api = new RecordingCallingApi();

    await service(api).joinMeeting(tenantId, parseMeetingLink(joinLink(example)));

    assert.deepStrictEqual(api.only('createCall').body, withTenant(withoutOrganizerName(withoutPreFetchMedia(example)), tenantId));
  });

  it('joins a channel meeting as a guest', async () => {
    const example = seed('create-call-join-as-guest');
    const guest = objectAt(example, 'source', 'identity', 'guest');
    const tenantId = text(example, 'meetingInfo', 'organizer', 'user', 'tenantId');
    const api = new RecordingCallingApi();

    await service(api, { newGuestId: () => text(guest, 'id') }).joinAsGuest(
      tenantId,
      parseMeetingLink(joinLink(example)),
      text(guest, 'displayName'),
    );

    assert.deepStrictEqual(api.only('createCall').body, withTenant(withoutOrganizerName(withoutPreFetchMedia(example)), tenantId));
  });

  it('calls a phone number from the application instance', async () => {
    const example = seed('create-call-pstn');
    const instance = objectAt(example, 'source', 'identity', 'applicationInstance');
    const api = new RecordingCallingApi();

    await service(api, {
      pstn: { applicationInstanceId: text(instance, 'id'), applicationInstanceName: text(instance, 'displayName') },
    }).placeCall(text(example, 'tenantId'), [{ kind: 'phone', number: parsePhoneNumber('+1-234-567-8901').e164 }]);

    for (const key of ['countryCode', 'endpointType', 'region', 'languageId']) withoutNull(example, ['source'], key);
    assert.deepStrictEqual(api.only('createCall').body, example);
  });
});
