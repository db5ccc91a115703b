import assert from 'node:assert/strict';
import { request } from 'node:http';
import { DEFAULT_PERMISSIONS } from '../../src/simulator/index.js';
import { Harness, TENANT, joinMeetingById, meetingJoin, people, testDirectory } from './simulatorHarness.js';

const createOrGet = (organizerId: string) => `/users/${organizerId}/onlineMeetings/createOrGet`;
const byJoinUrl = (organizerId: string, joinWebUrl: string) => `/users/${organizerId}/onlineMeetings?$filter=${encodeURIComponent(`JoinWebUrl eq '${joinWebUrl}'`)}`;
const NO_POLICY = 'No application access policy found for this app.';

/** POSTs `body` as JSON with no Accept-Language header at all; resolves with the status. */
function postWithoutLanguage(h: Harness, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(`${h.sim.baseUrl}${path}`, { method: 'POST', headers: { authorization: 'Bearer any-token', 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('error', reject);
    sent.end(JSON.stringify(body));
  });
}

describe('simulator: online meetings (createOrGet)', () => {
  let h: Harness;
  beforeEach(async () => {
    // Meetings nobody made are not found: only what createOrGet made can be joined.
    h = await Harness.start({ directory: { ...testDirectory, unknownMeetings: 'notFound' } });
  });
  afterEach(() => h.close());

  it('makes a meeting for the organizer with 201, then answers 200 with the same meeting for the same externalId', async () => {
    const made = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1', subject: 'Sev1: checkout down' });
    assert.equal(made.status, 201);
    const meeting = made.body;
    assert.equal(meeting['@odata.type'], '#microsoft.graph.onlineMeeting');
    assert.equal(meeting.externalId, 'intent-1');
    assert.equal(meeting.subject, 'Sev1: checkout down');
    assert.match(meeting.joinWebUrl, /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    assert.match(meeting.chatInfo.threadId, /^19:meeting_\w+@thread\.v2$/);
    assert.equal(meeting.chatInfo.messageId, '0');
    assert.match(meeting.joinMeetingIdSettings.joinMeetingId, /^\d{12}$/);
    assert.equal(typeof meeting.joinMeetingIdSettings.passcode, 'string');
    assert.deepEqual(meeting.participants.organizer.identity.user, { id: people.alice.id, tenantId: TENANT, displayName: null });

    const again = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1', subject: 'Another subject' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, meeting);
    assert.equal(h.sim.meetingsCreated.length, 1);
  });

  it('makes another meeting for another externalId, or for another organizer with the same externalId', async () => {
    const first = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1' });
    const second = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-2' });
    const bobs = await h.graph('POST', createOrGet(people.bob.id), { externalId: 'intent-1' });
    assert.deepEqual([first.status, second.status, bobs.status], [201, 201, 201]);
    assert.equal(new Set([first, second, bobs].map((r) => r.body.id)).size, 3);
    assert.equal(new Set([first, second, bobs].map((r) => r.body.chatInfo.threadId)).size, 3);
    assert.equal(first.body.subject, null, 'no subject asked, none given');
    assert.deepEqual(h.sim.meetingsCreated.map((m) => [m.organizerId, m.externalId]), [
      [people.alice.id, 'intent-1'],
      [people.alice.id, 'intent-2'],
      [people.bob.id, 'intent-1'],
    ]);
  });

  it("keeps the request's Accept-Language with the meeting made, and none when it had none", async () => {
    await h.graph('POST', createOrGet(people.alice.id), { externalId: 'in-french' }, { 'accept-language': 'fr-FR' });
    await h.graph('POST', createOrGet(people.alice.id), { externalId: 'in-german' }, { 'accept-language': 'de-DE' });
    // Node's fetch always sends `Accept-Language: *`: a request without the header is sent with node:http.
    assert.equal(await postWithoutLanguage(h, createOrGet(people.alice.id), { externalId: 'in-no-language' }), 201);
    assert.deepEqual(h.sim.meetingsCreated.map((m) => m.language), ['fr-FR', 'de-DE', undefined]);
    assert.ok(!('language' in h.sim.meetingsCreated[2]!), JSON.stringify(h.sim.meetingsCreated[2]));
    await h.graph('POST', createOrGet(people.alice.id), { externalId: 'in-french' }, { 'accept-language': 'it-IT' });
    assert.equal(h.sim.meetingsCreated[0]!.language, 'fr-FR', 'a meeting found is not made again, in another language');
  });

  it('refuses a body without an externalId, or not a meeting, with 400 and makes nothing', async () => {
    for (const body of [{ subject: 'Sev1' }, { externalId: '' }, { externalId: 42 }, { externalId: 'x', subject: 7 }, ['externalId'], 'externalId', undefined]) {
      const reply = await h.graph('POST', createOrGet(people.alice.id), body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.body.error.code, 'BadRequest');
    }
    assert.deepEqual(h.sim.meetingsCreated, []);
  });

  describe('the application access policy', () => {
    it("refuses every organizer with 403 when the tenant granted Rally none, as Graph says it", async () => {
      await h.close();
      h = await Harness.start({ meetingAccessPolicy: 'none' });
      const reply = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1' });
      assert.equal(reply.status, 403);
      assert.equal(reply.body.error.message, NO_POLICY);
      assert.equal((await h.graph('GET', byJoinUrl(people.alice.id, 'https://teams.microsoft.com/l/meetup-join/x'))).status, 403, 'nor may it look meetings up');
      assert.deepEqual(h.sim.meetingsCreated, []);
    });

    it('refuses an organizer not in the list the policy was granted for, whatever the case of the id', async () => {
      await h.close();
      h = await Harness.start({ meetingAccessPolicy: [people.bob.id.toUpperCase()] });
      const alices = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1' });
      assert.equal(alices.status, 403);
      assert.equal(alices.body.error.message, NO_POLICY);
      assert.equal((await h.graph('POST', createOrGet(people.bob.id), { externalId: 'intent-1' })).status, 201);
    });

    it('follows setMeetingAccessPolicy, as an admin granting or revoking it', async () => {
      h.sim.setMeetingAccessPolicy('none');
      assert.equal((await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1' })).status, 403);
      h.sim.setMeetingAccessPolicy([people.alice.id]);
      assert.equal((await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1' })).status, 201);
      assert.equal((await h.graph('POST', createOrGet(people.bob.id), { externalId: 'intent-1' })).status, 403);
      h.sim.setMeetingAccessPolicy('global');
      assert.equal((await h.graph('POST', createOrGet(people.bob.id), { externalId: 'intent-1' })).status, 201);
    });
  });

  it('needs OnlineMeetings.ReadWrite.All, refused with 403 like the directory refuses', async () => {
    h.sim.setGrantedPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'OnlineMeetings.ReadWrite.All'));
    const reply = await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1' });
    assert.equal(reply.status, 403);
    assert.deepEqual([reply.body.error.code, reply.body.error.message], ['Forbidden', 'Insufficient privileges to complete the operation.']);
    assert.equal((await h.graph('GET', byJoinUrl(people.alice.id, 'https://teams.microsoft.com/l/meetup-join/x'))).status, 403);
    assert.deepEqual(h.sim.meetingsCreated, []);
  });

  describe('the meeting made', () => {
    let meeting: { joinWebUrl: string; chatInfo: { threadId: string }; joinMeetingIdSettings: { joinMeetingId: string; passcode: string } };
    beforeEach(async () => {
      meeting = (await h.graph('POST', createOrGet(people.alice.id), { externalId: 'intent-1', subject: 'Sev1' })).body;
    });

    it('is joined by its organizer and chat, as Rally joins its bridge', async () => {
      const { status, body: call } = await h.createCall(meetingJoin(meeting.chatInfo.threadId));
      assert.equal(status, 201);
      assert.ok(h.statesOf(call.id).includes('established'), JSON.stringify(h.statesOf(call.id)));
    });

    it('is joined by its meeting id and passcode, and not without the passcode', async () => {
      const { joinMeetingId, passcode } = meeting.joinMeetingIdSettings;
      const { status, body: call } = await h.createCall(joinMeetingById(joinMeetingId, passcode));
      assert.equal(status, 201);
      assert.ok(h.statesOf(call.id).includes('established'));
      assert.equal(call.chatInfo.threadId, meeting.chatInfo.threadId, 'the same meeting');
      assert.equal((await h.graph('POST', '/communications/calls', { ...joinMeetingById(joinMeetingId), callbackUri: h.callbackUri })).status, 403);
    });

    it("is found among its organizer's meetings by its join link, and only there", async () => {
      const found = await h.graph('GET', byJoinUrl(people.alice.id, meeting.joinWebUrl));
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.value, [meeting]);
      assert.deepEqual((await h.graph('GET', byJoinUrl(people.bob.id, meeting.joinWebUrl))).body.value, [], "not among another organizer's");
      assert.deepEqual((await h.graph('GET', byJoinUrl(people.alice.id, `${meeting.joinWebUrl}x`))).body.value, []);
      assert.equal((await h.graph('GET', `/users/${people.alice.id}/onlineMeetings`)).status, 400, 'a listing without the filter is refused');
    });
  });
});
