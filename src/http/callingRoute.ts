// POST /api/calling as a plain function: check the caller, check the body is a JSON object, hand it to the domain,
// answer. Graph delivers a notification again when the answer is not 2xx in time, so the route answers 202 as soon as
// the notifications are recorded and leaves the slow part (posting to chats) to run after the answer.
import { InvalidNotificationError } from '../calling/notifications/notificationParser.js';
import { CALLBACK_ID_PARAMETER } from '../calling/requests/callingService.js';
import type { Logger } from '../log/logger.js';
import { CallingKeysUnavailableError, UnauthorizedError } from './callingAuth.js';
import type { CallingTokenValidator } from './callingAuth.js';
import type { PlainRequest, PlainRoute } from './server.js';

/** One authenticated POST, as the route hands it to the domain. */
export interface CallingNotificationDelivery {
  /** The parsed JSON body, not yet checked as a commsNotifications envelope: that is the callback's job. */
  body: Record<string, unknown>;
  /**
   * The tenant from the verified token. The callback must apply a notification only to a call Rally placed in this
   * tenant: the token proves who sent the POST, not which calls its body names.
   */
  tenantId: string;
  /**
   * The intent id of the callbackUri the notification was posted to (`?rally=`), when it has a well-formed one. It
   * only picks which of this tenant's intents to look at: the domain checks the intent's tenant against `tenantId`.
   */
  callbackId?: string;
}

/**
 * The domain's entry point for calling notifications (parse, apply, record; the notification inbox).
 * - `deliver` takes what it needs from the body in its first, synchronous step and keeps no hold on the body after it
 *   (no `async` function may have it in a variable: V8 keeps those across every await). The route hands the body over
 *   the same way; see takeRequest in server.ts for what holding it costs.
 * - It resolves once every notification is durably recorded: the route answers 202 only then, so nothing is lost if
 *   the process dies right after answering. What it resolves with is the slow work that must not hold up the answer
 *   (posting and updating cards in chats), recorded as a durable job before the answer: the route starts it after
 *   answering and does not wait; a failure there is the job's to retry.
 * - It rejects with InvalidNotificationError when the body cannot be read, having changed nothing: the route answers
 *   400 (Graph does not deliver it again).
 * - Any other rejection answers 500, and Graph delivers the notification again; applying must therefore be idempotent.
 */
export interface NotificationSink {
  deliver(body: Record<string, unknown>, sender: Omit<CallingNotificationDelivery, 'body'>): Promise<() => void>;
}

export interface CallingRouteOptions {
  validator: CallingTokenValidator;
  notifications: NotificationSink;
  log?: Pick<Logger, 'warn' | 'error'>;
}

/** `calling: createCallingRoute({ validator, notifications, log })` in the server's parts. */
export function createCallingRoute(options: CallingRouteOptions): PlainRoute {
  const { validator, notifications, log } = options;

  return async (request) => {
    const { headers, query } = request;
    let tenantId: string;
    try {
      ({ tenantId } = await validator.validate(singleHeader(headers.authorization)));
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        log?.warn({ reason: error.message }, 'calling notification refused');
        return { status: 401, body: { error: error.code } };
      }
      if (error instanceof CallingKeysUnavailableError) {
        log?.error({ err: error }, 'calling notification not checked: signing keys unavailable');
        return { status: 503, body: { error: error.code } };
      }
      log?.error({ err: error }, 'calling notification not checked: the token check failed unexpectedly');
      return { status: 500, body: { error: 'notChecked' } };
    }

    if (!isJsonObject(request.body)) {
      log?.warn({ tenantId }, 'calling notification refused: the body is not a JSON object');
      return { status: 400, body: { error: 'invalidNotification' } };
    }

    let afterAcknowledge: () => void;
    try {
      const callbackId = query.get(CALLBACK_ID_PARAMETER) ?? undefined;
      afterAcknowledge = await handOver(request, notifications, { tenantId, ...(callbackId !== undefined && CALLBACK_ID.test(callbackId) ? { callbackId } : {}) });
    } catch (error) {
      if (error instanceof InvalidNotificationError) {
        log?.warn({ tenantId, reason: error.message }, 'calling notification refused');
        return { status: 400, body: { error: error.code } };
      }
      log?.error({ err: error, tenantId }, 'calling notification could not be recorded; Graph will deliver it again');
      return { status: 500, body: { error: 'notRecorded' } };
    }

    // setImmediate: the server has written the answer by the time the follow-up starts.
    setImmediate(() => {
      try {
        afterAcknowledge();
      } catch (error) {
        log?.error({ err: error, tenantId }, 'reporting calling notifications to the chat failed');
      }
    });
    return { status: 202 };
  };
}

/** Moves the body from the request to the domain, in a synchronous step, so that this route holds it no longer. */
function handOver(request: PlainRequest, notifications: NotificationSink, sender: Omit<CallingNotificationDelivery, 'body'>): Promise<() => void> {
  const body = request.body as Record<string, unknown>;
  request.body = undefined;
  return notifications.deliver(body, sender);
}

/** What Rally's intent ids look like (see newIntentId); anything else in the query is not Rally's and is ignored. */
const CALLBACK_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** Node already joins a repeated Authorization header; a caller passing an array gets the same, which no check accepts. */
function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A JSON object as a body parser produces it: not an array, not a Buffer or string left unparsed. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
