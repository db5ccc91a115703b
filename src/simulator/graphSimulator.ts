// A local stand-in for the Microsoft Graph calling endpoints, on 127.0.0.1 only. The bot reaches it through its
// Graph base URL and trusts its notifications through CALLING_OPENID_METADATA_URL, exactly as it would Graph's.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallEngine } from './callEngine.js';
import { CallMedia } from './callMedia.js';
import { Directory, demoDirectory } from './directory.js';
import type { DirectoryContents } from './directory.js';
import { FaultPlan } from './faults.js';
import type { FaultSpec } from './faults.js';
import { GraphError, codeForStatus, graphErrorBody } from './graphError.js';
import type { JsonObject, ResultInfo } from './graphShapes.js';
import { PromptMediaFetcher } from './media.js';
import { OnlineMeetings } from './onlineMeetings.js';
import type { CreatedMeeting, MeetingAccessPolicy } from './onlineMeetings.js';
import { NotificationDelivery } from './notificationDelivery.js';
import type { DeliveryRecord } from './notificationDelivery.js';
import { NotificationSigner } from './notificationSigner.js';
import { callObject, muteParticipantOperationResponse, userObject } from './payloads.js';
import { DEFAULT_PERMISSIONS, checkCreateCall, checkInvite, checkMuteParticipant, checkPlayPrompt, checkSubscribeToTone } from './requestChecks.js';
import type { Permission } from './requestChecks.js';

export interface GraphSimulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The bot's app id: audience of the notification tokens and the bot's application identity. Default `rally-local`. */
  appId?: string;
  /** Display name of the bot's application identity. Default `Rally`. */
  appDisplayName?: string;
  /** Tenant of calls whose body names none (and the `tid` of their notifications). */
  tenantId?: string;
  /** People, phone numbers and meetings; default `demoDirectory`. */
  directory?: DirectoryContents;
  /** Application permissions granted to the bot; default `DEFAULT_PERMISSIONS`. */
  grantedPermissions?: Permission[];
  /** Wait before each notification POST (and between retries). Default 10 ms; demos use `DEMO_DELIVERY_DELAY_MS`. */
  deliveryDelayMs?: number;
  /** Further attempts after a notification POST that got no 2xx. Default 2. */
  deliveryRetries?: number;
  /** POST every notification envelope twice. */
  duplicateDeliveries?: boolean;
  /** Deliver `established` before `establishing`. */
  establishedBeforeEstablishing?: boolean;
  /** Put the notifications of one event (e.g. establishing, established and the roster) into one POST. */
  batchNotifications?: boolean;
  /** Send delta rosters (deltaParticipants with sequenceNumber) instead of full rosters. */
  deltaRoster?: boolean;
  /** Admit a guest bot from the lobby right after it joined. Default true; otherwise call `admitFromLobby`. */
  autoAdmitFromLobby?: boolean;
  /** Whom the tenant's application access policy lets the bot create meetings for; default `global` (everyone). */
  meetingAccessPolicy?: MeetingAccessPolicy;
  /** Which bearer tokens the simulator accepts; default any (a header must be present). */
  acceptToken?: (token: string) => boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/v1.0/communications/calls`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The status answered; undefined while unanswered (or never, for a hung or reset request). */
  status?: number;
}

export interface GraphSimulator {
  /** e.g. `http://127.0.0.1:PORT/v1.0`: give it to the bot as GRAPH_BASE_URL. `/beta` is served too. */
  readonly baseUrl: string;
  readonly origin: string;
  /** Give it to the bot as CALLING_OPENID_METADATA_URL. */
  readonly openIdMetadataUrl: string;
  readonly jwksUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Every notification POST attempt, in order. */
  readonly deliveries: readonly DeliveryRecord[];
  /**
   * Resolves when no notification is waiting or in flight (prompt downloads included). It does not wait for phones
   * still ringing (`ringsForMs`): once one stops, what it does is queued and counts as usual.
   */
  idle(): Promise<void>;
  /** The call as `GET /communications/calls/{id}` would show it, or undefined once deleted or when unknown. */
  getCall(id: string): JsonObject | undefined;
  /** Fail the next matching request(s). */
  failNext(fault: FaultSpec): void;
  setGrantedPermissions(permissions: Permission[]): void;
  /** Changes whom the tenant's application access policy covers, as an admin running Grant-CsApplicationAccessPolicy. */
  setMeetingAccessPolicy(policy: MeetingAccessPolicy): void;
  /** Every online meeting the bot made, in order (a createOrGet that found its meeting makes none). */
  readonly meetingsCreated: readonly CreatedMeeting[];
  /** Admit a guest bot waiting in a meeting lobby (when `autoAdmitFromLobby` is false). */
  admitFromLobby(callId: string): void;
  /** The other side ends the call: a terminated notification with this result (default: the peer hung up). */
  endCall(callId: string, resultInfo?: ResultInfo): void;
  /**
   * Someone in the call presses a key (`0`-`9`, `*`, `#`, `A`-`D`): a tone notification follows. Throws when the call
   * is unknown or not established, or the bot has not subscribed to tones on it.
   */
  pressKey(callId: string, key: string): void;
  /** A bearer token as the simulator signs its notifications, for tests that post notifications of their own. */
  notificationToken(tenantId?: string): Promise<string>;
  /** Stops delivering, closes every connection (hung ones too) and the listener. */
  close(): Promise<void>;
}

/** A human-paced delay between notifications ("ringing") for local demos; tests keep the 10 ms default or less. */
export const DEMO_DELIVERY_DELAY_MS = 1000;

/** The tenant id used when neither the options nor a request name one. */
export const LOCAL_TENANT_ID = '00000000-0000-4000-8000-000000000001';
const MAX_BODY_BYTES = 1024 * 1024;
const VERSIONED = /^\/(v1\.0|beta)(\/.*)$/;
const CALL = /^\/communications\/calls\/([^/]+)$/;
const INVITE = /^\/communications\/calls\/([^/]+)\/participants\/invite$/;
const MEDIA_ACTION = /^\/communications\/calls\/([^/]+)\/(playPrompt|subscribeToTone)$/;
const PARTICIPANT = /^\/communications\/calls\/([^/]+)\/participants\/([^/]+)$/;
const MUTE = /^\/communications\/calls\/([^/]+)\/participants\/([^/]+)\/mute$/;
const USER = /^\/users\/([^/]+)$/;
const MEETINGS = /^\/users\/([^/]+)\/onlineMeetings(\/createOrGet)?$/;
const METADATA_PATH = '/.well-known/openid-configuration';
const JWKS_PATH = '/keys';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const appId = options.appId ?? 'rally-local';
  const signer = await NotificationSigner.create(appId);
  const directory = new Directory(options.directory ?? demoDirectory);
  const delivery = new NotificationDelivery(signer, {
    delayMs: options.deliveryDelayMs ?? 10,
    duplicateDeliveries: options.duplicateDeliveries ?? false,
    batchNotifications: options.batchNotifications ?? false,
    retries: options.deliveryRetries ?? 2,
  });
  const engine = new CallEngine(directory, delivery, {
    appId,
    appDisplayName: options.appDisplayName ?? 'Rally',
    tenantId: options.tenantId ?? LOCAL_TENANT_ID,
    deltaRoster: options.deltaRoster ?? false,
    establishedBeforeEstablishing: options.establishedBeforeEstablishing ?? false,
    autoAdmitFromLobby: options.autoAdmitFromLobby ?? true,
  });
  const meetings = new OnlineMeetings(directory, options.tenantId ?? LOCAL_TENANT_ID, options.meetingAccessPolicy ?? 'global');
  const fetcher = new PromptMediaFetcher();
  const media = new CallMedia(engine, delivery, fetcher);
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  let granted = new Set<Permission>(options.grantedPermissions ?? DEFAULT_PERMISSIONS);
  let origin = '';

  // Graph's calling service refuses a calling request the app may not make with 403, code "7504" and this message
  // (microsoftgraph/microsoft-graph-comms-samples issues 276 and 538, MicrosoftDocs/msteams-docs issue 13004): it
  // does not name the permission. The directory refuses with Authorization_RequestDenied (see the GET /users route).
  const requirePermission = (permission: Permission, code = '7504', message = 'Insufficient enterprise tenant permissions, cannot access this API.'): void => {
    if (!granted.has(permission)) throw new GraphError(403, code, message);
  };

  function route(method: string, version: string, path: string, body: unknown, request: Pick<RecordedRequest, 'headers' | 'url'>): Reply {
    if (method === 'POST' && path === '/communications/calls') {
      const plan = checkCreateCall(body);
      plan.permissions.forEach((p) => requirePermission(p));
      const call = engine.create(plan, version);
      return { status: 201, body: callObject(call, origin), headers: { location: `${origin}/${version}/communications/calls/${call.id}` } };
    }
    const invite = INVITE.exec(path);
    if (method === 'POST' && invite) {
      const callId = decodeURIComponent(invite[1] ?? '');
      engine.find(callId);
      requirePermission('Calls.InitiateGroupCall.All');
      const operation = engine.invite(callId, checkInvite(body));
      return { status: 200, body: operation, headers: { location: `${origin}/${version}/communications/calls/${callId}/operations/${String(operation.id)}` } };
    }
    const action = MEDIA_ACTION.exec(path);
    if (method === 'POST' && action) {
      const callId = decodeURIComponent(action[1] ?? '');
      engine.find(callId);
      let operation: JsonObject;
      // playPrompt: "Permissions are checked when the call is created; no additional permission check is made".
      if (action[2] === 'playPrompt') operation = media.playPrompt(callId, checkPlayPrompt(body));
      else {
        requirePermission('Calls.AccessMedia.All');
        operation = media.subscribeToTone(callId, checkSubscribeToTone(body));
      }
      return { status: 200, body: operation, headers: { location: `${origin}/${version}/communications/calls/${callId}/operations/${String(operation.id)}` } };
    }
    // Graph's participant mute and delete documents name Calls.JoinGroupCall.All for both.
    const mute = MUTE.exec(path);
    if (method === 'POST' && mute) {
      const callId = decodeURIComponent(mute[1] ?? '');
      engine.find(callId);
      requirePermission('Calls.JoinGroupCall.All');
      const { clientContext } = checkMuteParticipant(body);
      engine.mute(callId, decodeURIComponent(mute[2] ?? ''));
      const operation = { id: randomUUID(), clientContext };
      return { status: 200, body: muteParticipantOperationResponse(operation), headers: { location: `${origin}/${version}/communications/calls/${callId}/operations/${operation.id}` } };
    }
    const participant = PARTICIPANT.exec(path);
    if (method === 'DELETE' && participant) {
      const callId = decodeURIComponent(participant[1] ?? '');
      engine.find(callId);
      requirePermission('Calls.JoinGroupCall.All');
      engine.removeParticipant(callId, decodeURIComponent(participant[2] ?? ''));
      return { status: 204 };
    }
    const call = CALL.exec(path);
    if (call && method === 'GET') return { status: 200, body: callObject(engine.find(decodeURIComponent(call[1] ?? '')), origin) };
    if (call && method === 'DELETE') {
      engine.hangUp(decodeURIComponent(call[1] ?? ''));
      return { status: 204 };
    }
    const meetingsOf = MEETINGS.exec(path);
    if (meetingsOf) {
      requirePermission('OnlineMeetings.ReadWrite.All', 'Forbidden', 'Insufficient privileges to complete the operation.');
      const organizerId = decodeURIComponent(meetingsOf[1] ?? '');
      if (method === 'POST' && meetingsOf[2]) {
        const language = request.headers['accept-language'];
        return meetings.createOrGet(organizerId, body, typeof language === 'string' ? language : undefined);
      }
      if (method === 'GET' && !meetingsOf[2]) return { status: 200, body: meetings.findByJoinUrl(organizerId, new URL(request.url, origin).searchParams.get('$filter')) };
    }
    const user = USER.exec(path);
    if (user && method === 'GET') {
      requirePermission('User.Read.All', 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      const wanted = decodeURIComponent(user[1] ?? '');
      const person = directory.findPerson(wanted);
      if (!person) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${wanted}' does not exist or one of its queried reference-property objects are not present.`);
      const select = new URL(request.url, origin).searchParams.get('$select');
      return { status: 200, body: userObject(person, origin, version, select === null ? undefined : select.split(',').map((name) => name.trim())) };
    }
    throw new GraphError(404, 'NotFound', `The simulator does not serve ${method} ${path}.`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', origin);
    const record: RecordedRequest = { method, url: url.pathname + url.search, headers: req.headers, body: undefined };
    requests.push(record);
    const requestId = randomUUID();
    const clientRequestId = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
    const reply = (r: Reply): void => {
      record.status = r.status;
      const headers: Record<string, string> = { 'request-id': requestId, ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}), ...r.headers };
      // Not chained: restify (in the same process, in local mode) patches ServerResponse.writeHead to return nothing.
      if (r.body === undefined) {
        res.writeHead(r.status, headers);
        res.end();
        return;
      }
      res.writeHead(r.status, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(r.body));
    };
    try {
      record.body = await readJson(req);
      if (method === 'GET' && url.pathname === METADATA_PATH) return reply({ status: 200, body: NotificationSigner.openIdMetadata(`${origin}${JWKS_PATH}`) });
      if (method === 'GET' && url.pathname === JWKS_PATH) return reply({ status: 200, body: signer.jwks() });
      const versioned = VERSIONED.exec(url.pathname);
      if (!versioned) throw new GraphError(404, 'NotFound', `The simulator serves /v1.0 and /beta, not ${url.pathname}.`);
      const [, version = 'v1.0', path = '/'] = versioned;
      checkBearer(req.headers.authorization, options.acceptToken);
      const fault = faults.take(method, path);
      if (fault && 'hang' in fault) return;
      if (fault && 'reset' in fault) return void req.socket.destroy();
      if (fault && 'answerAfterMs' in fault) {
        const answer = route(method, version, path, record.body, record);
        setTimeout(() => reply(answer), fault.answerAfterMs).unref();
        return;
      }
      if (fault) {
        const retryAfter: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
        throw new GraphError(fault.status, fault.code ?? codeForStatus(fault.status), fault.message ?? `Simulated failure ${fault.status}.`, retryAfter);
      }
      reply(route(method, version, path, record.body, record));
    } catch (error) {
      const graphError = error instanceof GraphError ? error : new GraphError(500, 'InternalServerError', String(error));
      reply({ status: graphError.status, body: graphErrorBody(graphError, requestId, clientRequestId), headers: graphError.headers });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl: `${origin}/v1.0`,
    origin,
    openIdMetadataUrl: `${origin}${METADATA_PATH}`,
    jwksUrl: `${origin}${JWKS_PATH}`,
    requests,
    deliveries: delivery.records,
    idle: () => delivery.idle(),
    getCall(id) {
      try {
        return callObject(engine.find(id), origin);
      } catch {
        return undefined;
      }
    },
    failNext: (fault) => faults.add(fault),
    setGrantedPermissions(permissions) {
      granted = new Set(permissions);
    },
    setMeetingAccessPolicy: (policy) => meetings.setPolicy(policy),
    get meetingsCreated() {
      return meetings.created;
    },
    admitFromLobby: (callId) => engine.admitFromLobby(callId),
    endCall: (callId, resultInfo) => engine.end(callId, resultInfo),
    pressKey: (callId, key) => media.pressKey(callId, key),
    notificationToken: (tenantId) => signer.token(tenantId ?? options.tenantId ?? LOCAL_TENANT_ID),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      engine.close();
      fetcher.close();
      await delivery.close();
      await closed;
    },
  };
}

function checkBearer(authorization: string | undefined, acceptToken: ((token: string) => boolean) | undefined): void {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  if (acceptToken && !acceptToken(token)) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new GraphError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}
