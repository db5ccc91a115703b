// Whether the tenant's application access policy lets Rally make meetings for an organizer (what `bridge` needs):
// a read-only look for a meeting that cannot exist, which Graph answers with an empty list when the policy covers the
// organizer and with 403 "No application access policy found for this app" when it does not. Nothing is created.
import { accessPolicyCommands } from '../calling/bridges/bridgeMeeting.js';
import type { TokenProvider } from '../graph/tokenProvider.js';
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
    return info('Meeting access policy (for bridge): not checked; run doctor in chat, or with --organizer <Entra object id of an organizer>.');
  }
  const filter = encodeURIComponent(`JoinWebUrl eq '${PROBE_JOIN_URL}'`);
  const url = `${input.graphBaseUrl.replace(/\/$/, '')}/users/${encodeURIComponent(organizerId)}/onlineMeetings?$filter=${filter}`;
  let answer;
  try {
    const token = await input.tokenProvider.getToken(tenantId);
    answer = await input.get(url, { authorization: `Bearer ${token}` });
  } catch (error) {
    return fail(`Meeting access policy (for bridge): could not ask Graph (${unreachableReason(error)}).`, 'check that Rally reaches Microsoft Graph, then run doctor again.');
  }
  const fix = `a Teams admin runs, in Teams PowerShell: ${accessPolicyCommands(input.appId)} (or -Identity with each organizer instead of -Global).`;
  if (answer.status === 200) return pass(`Meeting access policy (for bridge): Rally may make meetings for ${organizerId}.`);
  if (answer.status === 403 && /application access policy/i.test(answer.body)) {
    return fail(`Meeting access policy (for bridge): none covers ${organizerId}, so "bridge" is refused for them.`, fix);
  }
  if (answer.status === 403) {
    return fail('Meeting access policy (for bridge): Graph refused the look (HTTP 403).', "grant Rally's app registration the Microsoft Graph application permission OnlineMeetings.ReadWrite.All with admin consent; then, if this still fails, " + fix);
  }
  return fail(`Meeting access policy (for bridge): Graph answered HTTP ${answer.status}.`, 'check the organizer id and that Rally reaches Microsoft Graph, then run doctor again.');
}
