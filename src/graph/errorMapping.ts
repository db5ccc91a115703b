import { CallingApiError } from '../calling/errors.js';
import type { GraphErrorDetails } from '../calling/errors.js';
import { TokenAcquisitionError } from './tenantTokenHandler.js';
import { isTimeout } from './timeoutHandler.js';
import type { GraphPermission } from '../calling/requests/permissions.js';

/** What the mapping needs to know about the request that failed, to say what it means for the person in the chat. */
export interface GraphOperation {
  method: 'GET' | 'POST' | 'DELETE';
  /** What a 404 says is missing. */
  target: 'call' | 'user';
  /** The application permission to name on a 403. */
  permission: GraphPermission;
  /** Sent as `client-request-id`; stands in for Graph's request-id when no response came back. */
  clientRequestId: string;
  timeoutMs: number;
}

/** Graph's error body: `{ error: { code, message, innerError: { request-id, date, client-request-id } } }`. */
interface GraphErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    innerError?: Record<string, unknown>;
    innererror?: Record<string, unknown>;
  };
}

// A POST that may have reached Graph could have placed the call or sent the invitation.
const MAY_HAVE_GONE_THROUGH = 'it may still have gone through: check `calls` or the call card before trying again';

/** A non-2xx Graph response as a CallingApiError with the one sentence the chat shows. */
export async function errorFromResponse(response: Response, operation: GraphOperation): Promise<CallingApiError> {
  const details = await readDetails(response, operation);
  const { code, sentence } = describeStatus(response.status, operation);
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

function describeStatus(status: number, operation: GraphOperation): { code: string; sentence: string } {
  if (status === 401) {
    return { code: 'graphUnauthorized', sentence: 'Microsoft Graph did not accept Rally\'s credentials; ask your Teams admin to check Rally\'s app registration (client id, secret or certificate).' };
  }
  if (status === 403) {
    return {
      code: 'graphForbidden',
      sentence: `Rally lacks the Microsoft Graph application permission ${operation.permission}; ask an admin to grant it to Rally's app registration and give admin consent.`,
    };
  }
  if (status === 404) {
    return operation.target === 'call'
      ? { code: 'callNotFound', sentence: 'That call no longer exists; it may have ended already.' }
      : { code: 'userNotFound', sentence: 'No such user was found in your organization; check the name or address.' };
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
  return { code: 'graphBadRequest', sentence: `Microsoft Graph refused Rally's request (HTTP ${status}); please report this to your Teams admin.` };
}

async function readDetails(response: Response, operation: GraphOperation): Promise<GraphErrorDetails> {
  const body = await readErrorBody(response);
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
