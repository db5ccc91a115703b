// Whether the tenant's application access policy lets Rally make meetings for an organizer (what `bridge` needs):
// a read-only look for a meeting that cannot exist, which Graph answers with an empty list when the policy covers the
// organizer and with 403 "No application access policy found for this app" when it does not. Nothing is created.
import { accessPolicyCommands } from '../calling/bridges/bridgeMeeting.js';
import type { TokenProvider } from '../graph/tokenProvider.js';
import { sentence } from '../i18n/sentence.js';
import { fail, info, pass } from './checkResult.js';
import type { CheckResult } from './checkResult.js';
import type { HttpGet } from './httpGet.js';
import { unreachableReason } from './httpGet.js';

export interface MeetingPolicyCheckInput {
  tokenProvider: TokenProvider;
  tenantId?: string;
  /** Graph root including the version. */
  graphBaseUrl: string;
  /** Whose meetings to look at: the admin running `doctor` in chat, or `--organizer` on the command line. */
  organizerId?: string;
  appId: string;
  get: HttpGet;
}

const PROBE_JOIN_URL = 'https://teams.microsoft.com/l/meetup-join/rally-doctor-access-policy-probe';

export async function checkMeetingAccessPolicy(input: MeetingPolicyCheckInput): Promise<CheckResult> {
  const { organizerId, tenantId } = input;
  if (organizerId === undefined || tenantId === undefined) {
    return info(sentence('doctor.meetingPolicy.notChecked'));
  }
  const filter = encodeURIComponent(`JoinWebUrl eq '${PROBE_JOIN_URL}'`);
  const url = `${input.graphBaseUrl.replace(/\/$/, '')}/users/${encodeURIComponent(organizerId)}/onlineMeetings?$filter=${filter}`;
  let answer;
  try {
    const token = await input.tokenProvider.getToken(tenantId);
    answer = await input.get(url, { authorization: `Bearer ${token}` });
  } catch (error) {
    return fail(sentence('doctor.meetingPolicy.couldNotAsk', { reason: unreachableReason(error) }), sentence('doctor.meetingPolicy.askAgain.fix'));
  }
  const fix = sentence('doctor.meetingPolicy.none.fix', { commands: accessPolicyCommands(input.appId) });
  if (answer.status === 200) return pass(sentence('doctor.meetingPolicy.covered', { organizer: organizerId }));
  if (answer.status === 403 && /application access policy/i.test(answer.body)) return fail(sentence('doctor.meetingPolicy.none', { organizer: organizerId }), fix);
  if (answer.status === 403) return fail(sentence('doctor.meetingPolicy.refused'), sentence('doctor.meetingPolicy.refused.fix', { fix }));
  return fail(sentence('doctor.meetingPolicy.status', { status: String(answer.status) }), sentence('doctor.meetingPolicy.status.fix'));
}
