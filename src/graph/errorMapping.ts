import { CallingApiError } from '../calling/errors.js';
import type { GraphErrorDetails } from '../calling/errors.js';
import { TokenAcquisitionError } from './tenantTokenHandler.js';
import { isTimeout } from './timeoutHandler.js';
import type { GraphPermission } from '../calling/requests/permissions.js';

/** What a create-call or invite request carries, so that a refusal can name its cause. */
export type RequestSubject =
  /** A meeting join: by joinMeetingId (with or without a passcode), or by link (organizer and chat thread, no id). */
  | { kind: 'meeting'; joinMeetingId?: string; passcodeSent: boolean }
  /** People and/or phone numbers called or invited. */
  | { kind: 'participants'; phones: boolean };

/** What the mapping needs to know about the request that failed, to say what it means for the person in the chat. */
export interface GraphOperation {
  method: 'GET' | 'POST' | 'DELETE';
  /**
   * What the request is about: a call Rally is in (a 404 means it is gone), a call being placed (a 404 is about what
   * `subject` names, never "the call ended"), a meeting being created for its organizer, a person in a call Rally is in
   * (a 404 means they are no longer there), or a person looked up.
   */
  target: 'call' | 'newCall' | 'newMeeting' | 'participant' | 'user';
  subject?: RequestSubject;
  /** The application permission to name on a 403. */
  permission: GraphPermission;
  /** Sent as `client-request-id`; stands in for Graph's request-id when no response came back. */
  clientRequestId: string;
  timeoutMs: number;
}

/**
 * Graph's error body: `{ error: { code, message, innerError: { request-id, date, client-request-id } } }`. Some services
 * nest a more specific `code` in `innerError` (or list `details`); the calling service puts its own number in `code`.
 */
interface GraphErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    innerError?: Record<string, unknown>;
    innererror?: Record<string, unknown>;
    details?: unknown;
  };
}

/** Every code the error body carries (outer first, then inner ones and details) and its message. */
interface GraphSays {
  codes: string[];
  message: string;
}

// A POST that may have reached Graph could have placed the call or sent the invitation.
const MAY_HAVE_GONE_THROUGH = 'it may still have gone through: check `calls` or the call card before trying again';

/** A non-2xx Graph response as a CallingApiError with the one sentence the chat shows. */
export async function errorFromResponse(response: Response, operation: GraphOperation): Promise<CallingApiError> {
  const body = await readErrorBody(response);
  const details = detailsOf(response, body, operation);
  const { code, sentence } = describeError(response.status, saysOf(body), operation);
  // Where the sentence asks people to report the failure, the request-id lets Microsoft support find it.
  const reportable = code === 'graphBadRequest' || code === 'graphUnavailable';
  const uncertain = response.status >= 500 && operation.method === 'POST';
  return new CallingApiError(code, reportable ? withRequestId(sentence, details.requestId) : sentence, details, { uncertain });
}

/** A request that got no response (timeout, network, token) as a CallingApiError. */
export function errorFromFailure(error: unknown, operation: GraphOperation): CallingApiError {
  const details: GraphErrorDetails = { status: 0, requestId: operation.clientRequestId };
  const post = operation.method === 'POST';
  if (error instanceof TokenAcquisitionError) {
    return new CallingApiError(
      'graphSignInFailed',
      'Rally could not sign in to Microsoft Graph for your organization; ask your Teams admin to check Rally\'s Graph credentials and that Rally is consented in this tenant.',
      { ...details, graphMessage: messageOf(error.cause) },
      { cause: error },
    );
  }
  if (isTimeout(error)) {
    const within = operation.timeoutMs === 1000 ? '1 second' : `${operation.timeoutMs / 1000} seconds`;
    const sentence = post
      ? `Microsoft Graph did not answer within ${within}; Rally did not resend the request, but ${MAY_HAVE_GONE_THROUGH}.`
      : `Microsoft Graph did not answer within ${within}; try again in a minute.`;
    return new CallingApiError('graphTimeout', sentence, { ...details, graphMessage: `no response within ${operation.timeoutMs} ms` }, { cause: error, uncertain: post });
  }
  const networkCode = networkErrorCode(error);
  if (networkCode !== undefined) {
    const neverSent = NOT_CONNECTED.has(networkCode);
    const sentence = post && !neverSent
      ? `The connection to Microsoft Graph broke off (${networkCode}); ${MAY_HAVE_GONE_THROUGH}.`
      : `Rally cannot reach Microsoft Graph (${networkCode}), so nothing was sent; ask your Teams admin to check Rally's network access to Graph, or try again in a minute.`;
    return new CallingApiError('graphUnreachable', sentence, { ...details, graphMessage: messageOf(error) }, { cause: error, uncertain: post && !neverSent });
  }
  return new CallingApiError(
    'graphRequestFailed',
    'Rally could not complete the request to Microsoft Graph because of an internal error; please report it to your Teams admin.',
    { ...details, graphMessage: messageOf(error) },
    { cause: error },
  );
}

/** A 2xx response whose body Rally could not read. */
export function errorFromUnreadableBody(status: number, error: unknown, operation: GraphOperation): CallingApiError {
  if (isTimeout(error)) return errorFromFailure(error, operation);
  const sentence = operation.method === 'POST'
    ? 'Microsoft Graph accepted the request but Rally could not read its answer: check `calls` or the call card before trying again.'
    : 'Microsoft Graph answered with something Rally could not read; try again in a minute.';
  return new CallingApiError('graphBadResponse', sentence, { status, requestId: operation.clientRequestId, graphMessage: messageOf(error) }, { cause: error, uncertain: operation.method === 'POST' });
}

// Graph's calling service answers a request the app's tenant may not make with `403` and code `7504`, "Insufficient
// enterprise tenant permissions, cannot access this API.": seen for missing calling permissions and for a tenant
// that has not consented the app (microsoftgraph/microsoft-graph-comms-samples issues 276 and 538,
// MicrosoftDocs/msteams-docs issue 13004). Code `7505`, "Request authorization tenant mismatch.", is a token for
// another tenant than the call's (microsoftgraph/microsoft-graph-docs-contrib issue 5874). Graph documents no codes
// for a wrong passcode, an unknown meeting id, a meeting not started, a lobby, a person not enabled for Teams or a
// resource account without a phone number: for those Rally keys on the words of Graph's message (the simulator says
// them the same way), and anything it does not recognize keeps the status's sentence.
const PERMISSION_CODES = new Set(['7504', 'Authorization_RequestDenied']);
const TENANT_CODES = new Set(['7505']);
const PERMISSION_WORDS = /insufficient (enterprise tenant )?(permissions|privileges)|does not have (the )?(required )?permission|lacks the [\w.]+ permission|permission[^.]* (is )?(missing|not granted)/i;
const TENANT_WORDS = /tenant mismatch|tenant[^.]* not (allowed|authorized|permitted|enabled)|not (allowed|authorized|permitted)[^.]* tenant/i;
const NOT_FOUND_WORDS = /not found|does not exist|doesn't exist|could not be found|cannot be found|no such|unknown/i;
const NOT_STARTED_WORDS = /(not|n't) (yet )?(started|begun|active)/i;
const NOT_IN_TEAMS_WORDS = /not (enabled|licensed) for (microsoft )?teams|teams (license|licence)|not teams[- ]enabled/i;
const PERSON_NOT_FOUND_WORDS = /\b(user|callee|target)\b[^.]*\b(not found|does not exist|doesn't exist|could not be found)/i;
const NO_NUMBER_WORDS = /(no|without an?|not have an?) (phone |telephone )?number|number[^.]* not assigned|not assigned[^.]* number|calling plan|source identity[^.]* not found/i;

// Graph's online meetings answer an app the tenant has granted no application access policy for the organizer with 403
// "No application access policy found for this app" (Graph's create onlineMeeting document).
const ACCESS_POLICY_WORDS = /application access policy/i;

const NO_SUCH_USER = 'No such user was found in your organization; check the name or address.';

/** The sentence for a Graph refusal: by what Graph's error says where Rally recognizes it, else by the HTTP status. */
function describeError(status: number, says: GraphSays, operation: GraphOperation): { code: string; sentence: string } {
  if (status === 401) {
    return { code: 'graphUnauthorized', sentence: 'Microsoft Graph did not accept Rally\'s credentials; ask your Teams admin to check Rally\'s app registration (client id, secret or certificate).' };
  }
  if (status === 429) {
    return { code: 'graphThrottled', sentence: 'Microsoft Graph is throttling Rally right now; try again in a minute.' };
  }
  if (status >= 500) {
    const sentence = operation.method === 'POST'
      ? `Microsoft Graph failed (HTTP ${status}); Rally did not resend the request, so nothing was placed twice, but ${MAY_HAVE_GONE_THROUGH}.`
      : `Microsoft Graph is failing right now (HTTP ${status}); it is safe to try again in a minute.`;
    return { code: 'graphUnavailable', sentence };
  }
  const cause = status >= 400 ? causeOf(status, says, operation) : undefined;
  if (cause) return cause;
  // A 403 that names no other cause (or carries no detail at all) is the missing application permission.
  if (status === 403) return missingPermission(operation);
  if (status === 404 && operation.target === 'call') return { code: 'callNotFound', sentence: 'That call no longer exists; it may have ended already.' };
  if (status === 404 && operation.target === 'participant') return { code: 'participantNotFound', sentence: 'That person is no longer in the call; its card shows who is.' };
  if (status === 404 && (operation.target === 'user' || operation.target === 'newMeeting')) return { code: 'userNotFound', sentence: NO_SUCH_USER };
  return { code: 'graphBadRequest', sentence: `Microsoft Graph refused Rally's request (HTTP ${status}); please report this to your Teams admin.` };
}

/** The cause Graph's error names, when Rally recognizes it; one sentence the person can act on. */
function causeOf(status: number, says: GraphSays, operation: GraphOperation): { code: string; sentence: string } | undefined {
  const { codes, message } = says;
  const has = (set: Set<string>): boolean => codes.some((c) => set.has(c));
  if (has(TENANT_CODES) || TENANT_WORDS.test(message)) {
    return { code: 'tenantNotAllowed', sentence: 'Microsoft Graph does not let Rally act for your organization (tenant mismatch); ask your Teams admin to give Rally admin consent in your tenant.' };
  }
  if (operation.target === 'newMeeting' && status === 403 && ACCESS_POLICY_WORDS.test(message)) {
    return { code: 'meetingAccessPolicyMissing', sentence: 'Rally may not create Teams meetings for you: a Teams admin must grant it an application access policy (deploy/README.md, "Meetings"). Nothing was created.' };
  }
  if (has(PERMISSION_CODES) || (status === 403 && PERMISSION_WORDS.test(message))) return missingPermission(operation);
  const subject = operation.subject;
  if (subject?.kind === 'meeting') {
    const id = subject.joinMeetingId;
    const meeting = id === undefined ? 'that meeting' : `meeting ${id}`;
    const Meeting = id === undefined ? 'That meeting' : `Meeting ${id}`;
    // Never the passcode itself: only whether Rally sent one.
    if (/passcode/i.test(message)) {
      return subject.passcodeSent
        ? { code: 'meetingPasscodeMismatch', sentence: `The passcode does not match ${meeting}; check the invitation and try again.` }
        : {
          code: 'meetingPasscodeMissing',
          sentence: id === undefined
            ? 'That meeting needs a passcode; use the full link or the meeting id and passcode from the invitation.'
            : `Meeting ${id} needs a passcode; send \`join ${id} passcode <code>\` with the one from the invitation.`,
        };
    }
    if (/lobby/i.test(message)) {
      return { code: 'meetingLobby', sentence: `${Meeting} kept Rally in its lobby; ask the organizer to let Rally in, then try again.` };
    }
    if (NOT_STARTED_WORDS.test(message)) {
      return { code: 'meetingNotStarted', sentence: `${Meeting} has not started yet; try again once it has.` };
    }
    if (status === 404 || (/\b(meeting|conference)\b/i.test(message) && NOT_FOUND_WORDS.test(message))) {
      return {
        code: 'meetingNotFound',
        sentence: id === undefined
          ? 'Teams found no meeting for that link; check the link in the invitation and try again.'
          : `No meeting has the id ${id}; check the meeting id in the invitation and try again.`,
      };
    }
    return undefined;
  }
  if (NOT_IN_TEAMS_WORDS.test(message)) {
    return { code: 'userNotEnabledForTeams', sentence: 'That person is not enabled for Microsoft Teams, so Rally cannot call them; ask your Teams admin to check their Teams license.' };
  }
  if (subject?.kind === 'participants' && subject.phones && NO_NUMBER_WORDS.test(message)) {
    return { code: 'pstnNumberNotAssigned', sentence: 'Rally\'s resource account has no phone number assigned, so it cannot call phone numbers; ask your Teams admin to assign one.' };
  }
  if (operation.target !== 'user' && PERSON_NOT_FOUND_WORDS.test(message)) return { code: 'userNotFound', sentence: NO_SUCH_USER };
  return undefined;
}

function missingPermission(operation: GraphOperation): { code: string; sentence: string } {
  // Removing people takes a tenant setting besides the permission (Graph's "Delete participant" document).
  if (operation.target === 'participant' && operation.method === 'DELETE') {
    return {
      code: 'graphForbidden',
      sentence: `Rally may not remove people from calls in your organization; ask your Teams admin to allow it with Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds and to grant Rally the Microsoft Graph application permission ${operation.permission}.`,
    };
  }
  return {
    code: 'graphForbidden',
    sentence: `Rally lacks the Microsoft Graph application permission ${operation.permission}; ask an admin to grant it to Rally's app registration and give admin consent.`,
  };
}

function detailsOf(response: Response, body: GraphErrorBody, operation: GraphOperation): GraphErrorDetails {
  const inner = body.error?.innerError ?? body.error?.innererror ?? {};
  return {
    status: response.status,
    graphCode: text(body.error?.code),
    graphMessage: text(body.error?.message),
    requestId: text(inner['request-id']) ?? response.headers.get('request-id') ?? text(inner['client-request-id'])
      ?? response.headers.get('client-request-id') ?? operation.clientRequestId,
    date: text(inner.date) ?? response.headers.get('date') ?? undefined,
  };
}

function saysOf(body: GraphErrorBody): GraphSays {
  const codes: string[] = [];
  const messages: string[] = [];
  const read = (error: unknown, depth: number): void => {
    if (typeof error !== 'object' || error === null || depth > 4) return;
    const record = error as Record<string, unknown>;
    const code = record.code;
    if (typeof code === 'string' || typeof code === 'number') codes.push(String(code));
    const message = text(record.message);
    if (message !== undefined) messages.push(message);
    read(record.innerError ?? record.innererror, depth + 1);
    if (Array.isArray(record.details)) record.details.forEach((d) => read(d, depth + 1));
  };
  read(body.error, 0);
  return { codes, message: messages.join(' ') };
}

async function readErrorBody(response: Response): Promise<GraphErrorBody> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === 'object' && parsed !== null ? (parsed as GraphErrorBody) : {};
  } catch {
    // Proxies and gateways answer with HTML or nothing; the status and headers still tell the story.
    return {};
  }
}

function withRequestId(sentence: string, requestId: string | undefined): string {
  return requestId ? `${sentence.replace(/\.$/, '')} (request-id ${requestId}).` : sentence;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Failures before a connection existed: the request cannot have reached Graph.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The system error code behind fetch's `TypeError: fetch failed` (undici puts it on `cause`). */
function networkErrorCode(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
  }
  return undefined;
}
