// The meeting access policy check against what Graph answers a look for a meeting that cannot exist: it reads the
// answer, never makes a meeting, and says what an admin runs when the policy is missing.
import assert from 'node:assert/strict';
import { checkMeetingAccessPolicy } from '../../src/doctor/meetingPolicyCheck.js';
import type { GetAnswer } from '../../src/doctor/httpGet.js';
import { StaticTokenProvider } from '../../src/graph/tokenProvider.js';
import { english } from '../support/english.js';

const ORGANIZER = '0d2b7a4e-5f1c-4c41-9a7e-1b2c3d4e5f60';
const APP_ID = '5f8a1c2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b';

function graphAnswering(answer: GetAnswer | Error) {
  const asked: { url: string; headers: Record<string, string> | undefined }[] = [];
  const get = async (url: string, headers?: Record<string, string>): Promise<GetAnswer> => {
    asked.push({ url, headers });
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { asked, get };
}

const check = (get: ReturnType<typeof graphAnswering>['get'], organizer: { id?: string } = { id: ORGANIZER }) =>
  checkMeetingAccessPolicy({ tokenProvider: new StaticTokenProvider('token-1'), tenantId: 'contoso', graphBaseUrl: 'https://graph.example/v1.0/', organizerId: organizer.id, appId: APP_ID, get });

describe('doctor: meeting access policy', () => {
  it('passes when Graph lists the organizer\'s meetings, asking with Rally\'s token for a join link no meeting has', async () => {
    const graph = graphAnswering({ status: 200, body: '{"value":[]}' });
    const result = await check(graph.get);
    assert.equal(result.status, 'pass');
    assert.equal(graph.asked.length, 1);
    const url = new URL(graph.asked[0]!.url);
    assert.equal(url.pathname, `/v1.0/users/${ORGANIZER}/onlineMeetings`);
    assert.match(url.searchParams.get('$filter')!, /^JoinWebUrl eq 'https:\/\/teams\.microsoft\.com\/l\/meetup-join\/rally-doctor-access-policy-probe'$/);
    assert.deepEqual(graph.asked[0]!.headers, { authorization: 'Bearer token-1' });
  });

  it('fails with the commands an admin runs, naming the app id, when no policy covers the organizer', async () => {
    const result = await check(graphAnswering({ status: 403, body: '{"error":{"code":"Forbidden","message":"No application access policy found for this app."}}' }).get);
    assert.equal(result.status, 'fail');
    assert.match(english(result.fix!), new RegExp(`New-CsApplicationAccessPolicy -Identity Rally-Bridges -AppIds "${APP_ID}"; Grant-CsApplicationAccessPolicy`));
  });

  it('tells a missing permission from a missing policy', async () => {
    const result = await check(graphAnswering({ status: 403, body: '{"error":{"code":"Forbidden","message":"Insufficient privileges."}}' }).get);
    assert.equal(result.status, 'fail');
    assert.match(english(result.fix!), /OnlineMeetings\.ReadWrite\.All/);
  });

  it('fails plainly on another answer or none at all', async () => {
    assert.match(english((await check(graphAnswering({ status: 404, body: '' }).get)).text), /HTTP 404/);
    const unreachable = await check(graphAnswering(new Error('connect ECONNREFUSED')).get);
    assert.equal(unreachable.status, 'fail');
    assert.match(english(unreachable.text), /could not ask Graph \(connect ECONNREFUSED\)/);
  });

  it('says how to check it when no organizer is named, and asks Graph nothing', async () => {
    const graph = graphAnswering({ status: 200, body: '' });
    const result = await check(graph.get, {});
    assert.equal(result.status, 'info');
    assert.match(english(result.text), /--organizer/);
    assert.equal(graph.asked.length, 0);
  });
});
