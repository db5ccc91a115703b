// Reads the body Graph POSTs to Rally's callback URL into typed events (see notificationEvents.ts). Tolerant of fields
// Rally does not read; strict about the ones it acts on. A body that is not a commsNotifications envelope changes
// nothing and the edge answers 400; inside a good envelope, a notification (or a roster entry) that cannot be read is
// skipped and logged, and the rest still apply.
import { z } from 'zod';
import { RallyError } from '../../errors/rallyError.js';
import { sentence } from '../../i18n/sentence.js';
import { MAX_CLIENT_CONTEXT_LENGTH } from '../requests/clientContext.js';
import type { CallState } from '../requests/graphTypes.js';
import type {
  ChangeType,
  NotificationEvent,
  NotifiedParticipant,
  OperationResultStatus,
  ParticipantIdentity,
  ParticipantKind,
  ResultSummary,
} from './notificationEvents.js';

/** Notifications in one POST. Graph batches a few; thousands would be an attack or a bug, not a call. */
export const MAX_NOTIFICATIONS_PER_BODY = 1000;
/** Participants (or sharing sessions) in one notification: a Teams meeting tops out at 1000 interactive attendees. */
export const MAX_ENTRIES_PER_NOTIFICATION = 1000;
const MAX_TEXT_LENGTH = 2048;
/** Problems named in the error's log line; the rest are only counted. */
const MAX_REPORTED_PROBLEMS = 5;

/** The body is not a commsNotifications envelope Rally can act on. Nothing was applied. */
export class InvalidNotificationError extends RallyError {
  readonly code = 'invalidNotification';
  /** Where and what, e.g. `value[0].resourceData.state: Invalid option ...`, for the log. */
  readonly problems: string[];

  constructor(problems: string[]) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
    const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
    super(sentence('calling.notification.unreadable'), {
      detail: `Invalid calling notification: ${shown.join('; ')}${more}`,
    });
    this.problems = problems;
  }
}

const text = z.string().max(MAX_TEXT_LENGTH);

/** Integers arrive as numbers in traffic and as strings in some documents (spec: known slips). */
const integer = z.union([z.number().int(), z.string().regex(/^-?\d{1,15}$/, 'Invalid input: expected an integer').transform(Number)]);

/** Checks the length before looking at the items, so an oversized array is refused without walking it. */
function boundedArray<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).max(MAX_ENTRIES_PER_NOTIFICATION).pipe(z.array(item));
}

const resultInfoSchema = z.object({ code: integer.nullish(), subcode: integer.nullish(), message: text.nullish() });

function resultSummary(info: z.output<typeof resultInfoSchema> | null | undefined): ResultSummary | undefined {
  if (!info) return undefined;
  return {
    ...(info.code == null ? {} : { code: info.code }),
    ...(info.subcode == null ? {} : { subcode: info.subcode }),
    ...(info.message == null ? {} : { message: info.message }),
  };
}

const identitySchema = z.object({ id: text.nullish(), displayName: text.nullish() }).nullish();
const identitySetSchema = z.object({
  user: identitySchema,
  phone: identitySchema,
  guest: identitySchema,
  applicationInstance: identitySchema,
  application: identitySchema,
  device: identitySchema,
});

/** Which of an identitySet's identities names the participant, most specific first. */
const IDENTITY_KINDS: [keyof z.output<typeof identitySetSchema>, ParticipantKind][] = [
  ['user', 'user'],
  ['phone', 'phone'],
  ['guest', 'guest'],
  ['applicationInstance', 'app'],
  ['application', 'app'],
  ['device', 'other'],
];

function participantIdentity(set: z.output<typeof identitySetSchema>): ParticipantIdentity {
  for (const [field, kind] of IDENTITY_KINDS) {
    const identity = set[field];
    if (identity) {
      const { id, displayName } = identity;
      // The usual identity as one literal: V8 then keeps its fields in the object, with no second allocation for them.
      if (id != null && displayName != null) return { kind, id, displayName };
      const named: ParticipantIdentity = { kind };
      if (id != null) named.id = id;
      if (displayName != null) named.displayName = displayName;
      return named;
    }
  }
  return { kind: 'other' };
}

const participantFieldsSchema = z.object({
  id: text.nullish(),
  info: z.object({ identity: identitySetSchema }),
  isMuted: z.boolean().nullish(),
  isInLobby: z.boolean().nullish(),
  rosterSequenceNumber: integer.nullish(),
  removedState: z.object({ reason: text.nullish() }).nullish(),
});

type ParticipantFields = z.output<typeof participantFieldsSchema>;

/** The roster entry a participant's fields make; undefined when nothing keys it. */
function notifiedParticipant(p: ParticipantFields): NotifiedParticipant | undefined {
  const identity = participantIdentity(p.info.identity);
  // An empty id keys nothing, as a missing one.
  const key = p.id || (identity.id ? `${identity.kind}:${identity.id}` : undefined);
  if (key === undefined) return undefined;
  // Built without spreads, the usual shape as one literal: this runs for every participant of every roster (see the
  // fast path), and each field added later costs V8 a further allocation.
  const isMuted = p.isMuted ?? false;
  const isInLobby = p.isInLobby ?? false;
  const participant: NotifiedParticipant = p.id ? { key, participantId: p.id, identity, isMuted, isInLobby } : { key, identity, isMuted, isInLobby };
  if (p.rosterSequenceNumber != null) participant.rosterSequenceNumber = p.rosterSequenceNumber;
  if (p.removedState) participant.removed = p.removedState.reason == null ? {} : { reason: p.removedState.reason };
  return participant;
}

// The roster's fast path. A 250-person meeting's full roster has 250 participants per notification, and checking each
// through participantFieldsSchema cost nearly as much as parsing the body's JSON. Nearly every participant is plainly
// well-formed: these check exactly what the schema checks, by hand, and answer undefined for anything else (a wrong
// type, a text too long, an integer sent as a string), which the schema then reads and reports as it always did.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isText = (value: unknown): boolean => value == null || (typeof value === 'string' && value.length <= MAX_TEXT_LENGTH);
const isFlag = (value: unknown): boolean => value == null || typeof value === 'boolean';
const isWhole = (value: unknown): boolean => value == null || Number.isSafeInteger(value);

function isPlainIdentitySet(set: unknown): boolean {
  if (!isObject(set)) return false;
  for (const [field] of IDENTITY_KINDS) {
    const identity = set[field];
    if (identity != null && !(isObject(identity) && isText(identity.id) && isText(identity.displayName))) return false;
  }
  return true;
}

/** The participant's fields when the schema would accept them as they are; undefined when the schema must decide. */
function plainParticipantFields(item: unknown): ParticipantFields | undefined {
  if (!isObject(item) || !isObject(item.info) || !isPlainIdentitySet(item.info.identity)) return undefined;
  const { id, isMuted, isInLobby, rosterSequenceNumber, removedState } = item;
  if (!isText(id) || !isFlag(isMuted) || !isFlag(isInLobby) || !isWhole(rosterSequenceNumber)) return undefined;
  if (removedState != null && !(isObject(removedState) && isText(removedState.reason))) return undefined;
  return item as ParticipantFields;
}

const participantSchema = participantFieldsSchema.transform((p, ctx): NotifiedParticipant => {
  const participant = notifiedParticipant(p);
  if (participant !== undefined) return participant;
  ctx.issues.push({ code: 'custom', message: 'a participant needs an id or an identity with an id', input: p });
  return z.NEVER;
});

const deltaParticipantsSchema = z.object({ sequenceNumber: integer, participants: boundedArray(participantSchema) });

const CALL_STATES = [
  'incoming',
  'establishing',
  'established',
  'hold',
  'transferring',
  'transferAccepted',
  'redirecting',
  'terminating',
  'terminated',
] as const satisfies readonly CallState[];

/** A key press (subscribeToTone's notification); a tone name Rally does not know is still kept as sent. */
const toneInfoSchema = z.object({ sequenceId: z.number().int().nonnegative(), tone: z.string().min(1).max(16) });

// Graph's evolvable enums send `unknownFutureValue` for members added after the client's version: well-formed, not actionable.
const callSchema = z.object({
  state: z.enum([...CALL_STATES, 'unknownFutureValue']).nullish(),
  resultInfo: resultInfoSchema.nullish(),
  toneInfo: toneInfoSchema.nullish(),
});

const OPERATION_STATUSES: Record<string, OperationResultStatus> = {
  notstarted: 'notStarted',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
};

const operationSchema = z.object({
  '@odata.type': text.optional(),
  id: text.nullish(),
  // `Running` in responses, `completed` in notifications: compared case-insensitively.
  status: z.string().transform((s) => s.toLowerCase()).pipe(z.enum([...Object.keys(OPERATION_STATUSES), 'unknownfuturevalue'])),
  clientContext: z.string().max(MAX_CLIENT_CONTEXT_LENGTH).nullish(),
  resultInfo: resultInfoSchema.nullish(),
  participants: boundedArray(z.object({ identity: identitySetSchema })).nullish(),
});

const contentSharingSchema = boundedArray(z.object({ id: text }));

const notificationSchema = z.object({
  changeType: z.enum(['created', 'updated', 'deleted']),
  resourceUrl: text.nullish(),
  /** Deprecated `/app/calls/...` path; read only when `resourceUrl` is missing (every documented body has both or resourceUrl alone). */
  resource: text.nullish(),
  resourceData: z.unknown(),
});

const envelopeSchema = z.object({
  '@odata.type': z.string().regex(/^#?microsoft\.graph\.commsNotifications$/i, 'Invalid input: not a commsNotifications body').optional(),
  value: z.array(z.unknown()).max(MAX_NOTIFICATIONS_PER_BODY),
});

type Notification = z.output<typeof notificationSchema>;
type Path = (string | number)[];

/** Collects every problem of the body, so one log line says all that was wrong with it. */
class Problems {
  readonly list: string[] = [];

  read<T extends z.ZodType>(schema: T, input: unknown, at: Path): z.output<T> | undefined {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      this.list.push(`${z.core.toDotPath([...at, ...(issue.path as Path)]) || '(body)'}: ${issue.message}`);
    }
    return undefined;
  }

  add(at: Path, message: string): void {
    this.list.push(`${z.core.toDotPath(at)}: ${message}`);
  }

  /** Parts left out that do not spoil the rest of their notification (one unreadable participant of a roster). */
  readonly skipped: string[] = [];
}

/** What a body held: the events Rally can act on, and what it had to leave out (for one log line). */
export interface ReadNotifications {
  events: NotificationEvent[];
  skipped: string[];
}

const CALL_PATH = /^\/communications\/calls\/([^/?#]+)(?:\/([^?#]*))?$/;

/** The resource path; the deprecated `/app/calls/...` form names the same resource as `/communications/calls/...`. */
function resourcePath(notification: Notification): string | undefined {
  return notification.resourceUrl || notification.resource?.replace(/^\/app\/calls\//i, '/communications/calls/') || undefined;
}

/** `{callId, rest}` of a call resource, `rest` being the path below the call, lower-cased. */
function callResource(url: string): { callId: string; rest: string } | undefined {
  const match = CALL_PATH.exec(url);
  return match ? { callId: match[1]!, rest: (match[2] ?? '').replace(/\/$/, '').toLowerCase() } : undefined;
}

function isDeltaParticipants(item: unknown): boolean {
  const type = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['@odata.type'] : undefined;
  return typeof type === 'string' && /deltaParticipants$/i.test(type);
}

const rosterItemsSchema = boundedArray(z.unknown());

function readRoster(callId: string, data: unknown, at: Path, problems: Problems): NotificationEvent[] {
  // The schema copies the array; one that plainly passes it is used as it is.
  const items = Array.isArray(data) && data.length <= MAX_ENTRIES_PER_NOTIFICATION ? (data as unknown[]) : problems.read(rosterItemsSchema, data, at);
  if (items === undefined) return [];
  let deltas = 0;
  for (const item of items) if (isDeltaParticipants(item)) deltas++;
  if (deltas === 0) {
    // One participant Rally cannot read (the documents' own shortened examples carry only an id) leaves the others.
    const participants: NotifiedParticipant[] = [];
    // Indexed: `entries()` would allocate an [index, item] pair per participant.
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const plain = plainParticipantFields(item);
      const participant = plain && notifiedParticipant(plain);
      if (participant) {
        participants.push(participant);
        continue;
      }
      // Anything not plainly well-formed goes through the schema, which says what is wrong with it.
      const own = new Problems();
      const read = own.read(participantSchema, item, [...at, index]);
      problems.skipped.push(...own.list);
      if (read !== undefined) participants.push(read);
    }
    return [{ kind: 'roster', callId, participants }];
  }
  if (deltas !== items.length) {
    problems.add(at, 'mixes deltaParticipants with full roster entries');
    return [];
  }
  const updates = problems.read(z.array(deltaParticipantsSchema), items, at);
  if (updates === undefined) return [];
  if (updates.reduce((sum, u) => sum + u.participants.length, 0) > MAX_ENTRIES_PER_NOTIFICATION) {
    problems.add(at, `more than ${MAX_ENTRIES_PER_NOTIFICATION} participants`);
    return [];
  }
  return updates.map((u) => ({ kind: 'rosterDelta', callId, sequenceNumber: u.sequenceNumber, participants: u.participants }));
}

function readCallState(callId: string, changeType: ChangeType, data: unknown, at: Path, problems: Problems): NotificationEvent[] {
  const call = problems.read(callSchema, data, at);
  if (call === undefined) return [];
  const state = changeType === 'deleted' ? 'terminated' : call.state === 'unknownFutureValue' ? undefined : (call.state ?? undefined);
  const resultInfo = resultSummary(call.resultInfo);
  const keyPress = call.toneInfo ? { keyPress: { tone: call.toneInfo.tone, sequenceId: call.toneInfo.sequenceId } } : {};
  return [{ kind: 'callState', callId, changeType, ...(state === undefined ? {} : { state }), ...(resultInfo ? { resultInfo } : {}), ...keyPress }];
}

function readOperation(url: string, callId: string, changeType: ChangeType, data: unknown, at: Path, problems: Problems): NotificationEvent[] {
  const op = problems.read(operationSchema, data, at);
  if (op === undefined) return [];
  const status = OPERATION_STATUSES[op.status];
  if (status === undefined) return [{ kind: 'ignored', resourceUrl: url, changeType, reason: `operation status ${op.status}` }];
  const resultInfo = resultSummary(op.resultInfo);
  const operationType = op['@odata.type']?.replace(/^#?microsoft\.graph\./i, '');
  return [
    {
      kind: 'operation',
      callId,
      changeType,
      operationId: op.id ?? null,
      ...(operationType === undefined ? {} : { operationType }),
      status,
      ...(op.clientContext == null ? {} : { clientContext: op.clientContext }),
      ...(resultInfo ? { resultInfo } : {}),
      participants: (op.participants ?? []).map((p) => participantIdentity(p.identity)),
    },
  ];
}

function readNotification(notification: Notification, at: Path, problems: Problems): NotificationEvent[] {
  const { changeType, resourceData } = notification;
  const data = [...at, 'resourceData'];
  const url = resourcePath(notification);
  if (url === undefined) {
    problems.add(at, 'needs a resourceUrl');
    return [];
  }
  const resource = callResource(url);
  if (resource === undefined) return [{ kind: 'ignored', resourceUrl: url, changeType, reason: 'not a call resource' }];
  const { callId, rest } = resource;
  if (rest === '') return readCallState(callId, changeType, resourceData, data, problems);
  if (rest === 'participants') return readRoster(callId, resourceData, data, problems);
  if (rest === 'contentsharingsessions') {
    const sessions = problems.read(contentSharingSchema, resourceData, data);
    return sessions === undefined ? [] : [{ kind: 'contentSharing', callId, changeType, sessionIds: sessions.map((s) => s.id) }];
  }
  if (/^operations\/[^/]+$/.test(rest)) {
    // 000 example 2 sends its roster update on the `.../operations/participants` URL: an array there is a roster.
    return Array.isArray(resourceData)
      ? readRoster(callId, resourceData, data, problems)
      : readOperation(url, callId, changeType, resourceData, data, problems);
  }
  return [{ kind: 'ignored', resourceUrl: url, changeType, reason: 'not a resource Rally follows' }];
}

/**
 * The events a notification body carries, in the order Graph sent them. Throws `InvalidNotificationError` only when
 * the body is not a commsNotifications envelope (Graph would send it again in vain). A notification that cannot be
 * read (fields of the wrong type, oversized, a documented shape with no `resourceData`) is left out and named in
 * `skipped`, and the others are still applied; notifications about resources Rally does not follow come back as
 * `ignored` events.
 */
export function parseCommsNotifications(body: unknown): ReadNotifications {
  const envelopeProblems = new Problems();
  const envelope = envelopeProblems.read(envelopeSchema, body, []);
  if (envelope === undefined) throw new InvalidNotificationError(envelopeProblems.list);
  const skipped: string[] = [];
  const events = envelope.value.flatMap((item, index) => {
    const at: Path = ['value', index];
    const problems = new Problems();
    const notification = problems.read(notificationSchema, item, at);
    const read = notification === undefined ? [] : readNotification(notification, at, problems);
    skipped.push(...problems.list, ...problems.skipped);
    return problems.list.length > 0 ? [] : read;
  });
  return { events, skipped };
}
