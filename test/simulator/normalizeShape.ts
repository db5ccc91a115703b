// Reduces a Graph payload to its shape, so the simulator's output can be deep-compared with the seed examples:
// ids, names, numbers that count, and URLs become placeholders; null properties are dropped, because the documents
// print Graph's nulls in some examples and shorten them away in others.

const PLACEHOLDER_KEYS = new Set([
  '@odata.context',
  'callbackUri',
  'callChainId',
  'clientContext',
  'displayName',
  'id',
  'joinMeetingId',
  'messageId',
  'myParticipantId',
  'participantId',
  'passcode',
  'replacesCallId',
  'resourceId',
  'rosterSequenceNumber',
  'sequenceNumber',
  'sourceId',
  'subject',
  'tenantId',
  'threadId',
  'uri',
]);

export function normalizeShape(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return value;
  if (key !== undefined && PLACEHOLDER_KEYS.has(key)) return `<${key}>`;
  if (key === 'resource' || key === 'resourceUrl') {
    return String(value).replace(/\/calls\/[^/]+/, '/calls/<id>').replace(/\/operations\/[^/]+/, '/operations/<id>');
  }
  if (Array.isArray(value)) return value.map((item) => normalizeShape(item));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, normalizeShape(v, k)]),
    );
  }
  return value;
}
