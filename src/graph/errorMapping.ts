import { CallingApiError } from '../calling/errors.js';
import { sentence } from '../i18n/sentence.js';
import type { Sentence } from '../i18n/sentence.js';
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

/** What Graph's refusal means for the person in the chat: its code, its sentence, and what went wrong as a clause. */
interface Described {
  code: string;
  sentence: Sentence;
  clause?: Sentence;
}

/** A non-2xx Graph response as a CallingApiError with the one sentence the chat shows. */
export async function errorFromResponse(response: Response, operation: GraphOperation): Promise<CallingApiError> {
  const body = await readErrorBody(response);
  const details = detailsOf(response, body, operation);
  const described = describeError(response.status, saysOf(body), operation, details.requestId ?? operation.clientRequestId);
  const uncertain = response.status >= 500 && operation.method === 'POST';
  return new CallingApiError(described.code, described.sentence, details, { uncertain, ...(described.clause ? { clause: described.clause } : {}) });
}

/** A request that got no response (timeout, network, token) as a CallingApiError. */
export function errorFromFailure(error: unknown, operation: GraphOperation): CallingApiError {
  const details: GraphErrorDetails = { status: 0, requestId: operation.clientRequestId };
  const post = operation.method === 'POST';
  if (error instanceof TokenAcquisitionError) {
    return new CallingApiError('graphSignInFailed', sentence('graph.signInFailed'), { ...details, graphMessage: messageOf(error.cause) }, { cause: error });
  }
  if (isTimeout(error)) {
    const seconds = operation.timeoutMs / 1000;
    const said = sentence(post ? 'graph.timeout.mayHaveGoneThrough' : 'graph.timeout.tryAgain', { seconds });
    const graphMessage = `no response within ${operation.timeoutMs} ms`;
    return new CallingApiError('graphTimeout', said, { ...details, graphMessage }, { cause: error, uncertain: post, clause: sentence('graph.clause.timeout', { seconds }) });
  }
  const networkCode = networkErrorCode(error);
  if (networkCode !== undefined) {
    const mayHaveGone = post && !NOT_CONNECTED.has(networkCode);
    const said = sentence(mayHaveGone ? 'graph.connectionBroke' : 'graph.unreachable', { networkCode });
    const clause = mayHaveGone ? { clause: sentence('graph.clause.connectionBroke', { networkCode }) } : {};
    return new CallingApiError('graphUnreachable', said, { ...details, graphMessage: messageOf(error) }, { cause: error, uncertain: mayHaveGone, ...clause });
  }
  return new CallingApiError('graphRequestFailed', sentence('graph.internalError'), { ...details, graphMessage: messageOf(error) }, { cause: error });
}

/** A 2xx response whose body Rally could not read. */
export function errorFromUnreadableBody(status: number, error: unknown, operation: GraphOperation): CallingApiError {
  if (isTimeout(error)) return errorFromFailure(error, operation);
  const post = operation.method === 'POST';
  const details = { status, requestId: operation.clientRequestId, graphMessage: messageOf(error) };
  if (!post) return new CallingApiError('graphBadResponse', sentence('graph.unreadable.tryAgain'), details, { cause: error });
  return new CallingApiError('graphBadResponse', sentence('graph.unreadable.mayHaveGoneThrough'), details, { cause: error, uncertain: true, clause: sentence('graph.clause.unreadable') });
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

const NO_SUCH_USER = sentence('graph.noSuchUser');

/**
 * The sentence for a Graph refusal: by what Graph's error says where Rally recognizes it, else by the HTTP status.
 * Where the sentence asks people to report the failure, it gives the request-id that lets Microsoft support find it.
 */
function describeError(status: number, says: GraphSays, operation: GraphOperation, requestId: string): Described {
  if (status === 401) return { code: 'graphUnauthorized', sentence: sentence('graph.unauthorized') };
  if (status === 429) return { code: 'graphThrottled', sentence: sentence('graph.throttled') };
  if (status >= 500) {
    if (operation.method !== 'POST') return { code: 'graphUnavailable', sentence: sentence('graph.failing.tryAgain', { status, requestId }) };
    return { code: 'graphUnavailable', sentence: sentence('graph.failed.mayHaveGoneThrough', { status, requestId }), clause: sentence('graph.clause.failed', { status }) };
  }
  const cause = status >= 400 ? causeOf(status, says, operation) : undefined;
  if (cause) return cause;
  // A 403 that names no other cause (or carries no detail at all) is the missing application permission.
  if (status === 403) return missingPermission(operation);
  if (status === 404 && operation.target === 'call') return { code: 'callNotFound', sentence: sentence('graph.callGone') };
  if (status === 404 && operation.target === 'participant') return { code: 'participantNotFound', sentence: sentence('graph.participantGone') };
  if (status === 404 && (operation.target === 'user' || operation.target === 'newMeeting')) return { code: 'userNotFound', sentence: NO_SUCH_USER };
  return { code: 'graphBadRequest', sentence: sentence('graph.badRequest', { status, requestId }) };
}

/** The cause Graph's error names, when Rally recognizes it; one sentence the person can act on. */
function causeOf(status: number, says: GraphSays, operation: GraphOperation): Described | undefined {
  const { codes, message } = says;
  const has = (set: Set<string>): boolean => codes.some((c) => set.has(c));
  if (has(TENANT_CODES) || TENANT_WORDS.test(message)) return { code: 'tenantNotAllowed', sentence: sentence('graph.tenantMismatch') };
  if (operation.target === 'newMeeting' && status === 403 && ACCESS_POLICY_WORDS.test(message)) {
    return { code: 'meetingAccessPolicyMissing', sentence: sentence('graph.meetingAccessPolicyMissing') };
  }
  if (has(PERMISSION_CODES) || (status === 403 && PERMISSION_WORDS.test(message))) return missingPermission(operation);
  const subject = operation.subject;
  if (subject?.kind === 'meeting') {
    // The catalogs' `select` reads `none` as a meeting named by its link, which has no id.
    const meeting = subject.joinMeetingId ?? 'none';
    // Never the passcode itself: only whether Rally sent one.
    if (/passcode/i.test(message)) {
      if (subject.passcodeSent) return { code: 'meetingPasscodeMismatch', sentence: sentence('graph.meeting.passcodeMismatch', { meeting }) };
      return { code: 'meetingPasscodeMissing', sentence: sentence('graph.meeting.passcodeMissing', { meeting }) };
    }
    if (/lobby/i.test(message)) return { code: 'meetingLobby', sentence: sentence('graph.meeting.lobby', { meeting }) };
    if (NOT_STARTED_WORDS.test(message)) return { code: 'meetingNotStarted', sentence: sentence('graph.meeting.notStarted', { meeting }) };
    if (status === 404 || (/\b(meeting|conference)\b/i.test(message) && NOT_FOUND_WORDS.test(message))) {
      return { code: 'meetingNotFound', sentence: sentence('graph.meeting.notFound', { meeting }) };
    }
    return undefined;
  }
  if (NOT_IN_TEAMS_WORDS.test(message)) return { code: 'userNotEnabledForTeams', sentence: sentence('graph.notEnabledForTeams') };
  if (subject?.kind === 'participants' && subject.phones && NO_NUMBER_WORDS.test(message)) {
    return { code: 'pstnNumberNotAssigned', sentence: sentence('graph.noPhoneNumber') };
  }
  if (operation.target !== 'user' && PERSON_NOT_FOUND_WORDS.test(message)) return { code: 'userNotFound', sentence: NO_SUCH_USER };
  return undefined;
}

function missingPermission(operation: GraphOperation): Described {
  const { permission } = operation;
  // Removing people takes a tenant setting besides the permission (Graph's "Delete participant" document).
  if (operation.target === 'participant' && operation.method === 'DELETE') return { code: 'graphForbidden', sentence: sentence('graph.mayNotRemove', { permission }) };
  return { code: 'graphForbidden', sentence: sentence('graph.missingPermission', { permission }) };
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
