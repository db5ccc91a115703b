// The least an activity must hold before the Bot Framework adapter sees it. botbuilder throws deep inside a turn on
// a body without a type, conversation or serviceUrl, or on one whose conversation id cannot go into the reply's URL
// and x-ms-conversation-id header, which would surface as a 500; this answers 400 and says why.

export interface ActivityShapeOptions {
  /** Accept a plain-http serviceUrl on a loopback host (a local Bot Connector stand-in or the Agents Playground). */
  allowLoopbackHttp: boolean;
}

// Teams' conversation ids are under 200 characters. Rally's record keys (at most 512 characters) hold a chat's key
// with about 100 characters of their own beside it, so a longer id could be read but never answered.
const MAX_CONVERSATION_ID_LENGTH = 400;

// The reply carries the id as it is in its x-ms-conversation-id header, where Node refuses control characters and
// anything above U+00FF (a BOM, an emoji, any surrogate) and would send U+0080-U+00FF as Latin-1 bytes, unlike the
// UTF-8 of the URL. Teams' ids are printable ASCII (a:…, 19:…@thread.v2, 29:…).
const UNSENDABLE_IN_ID = /[^\x20-\x7e]/;

// The WHATWG URL parser writes every IPv4 spelling (127.1, 0x7f000001) as dotted decimal and IPv6 hosts in brackets.
const LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

export function activityShapeProblem(body: unknown, options: ActivityShapeOptions): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') return 'the activity has no type';
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  if (typeof conversation !== 'object' || conversation === null || typeof conversation.id !== 'string') return 'the activity has no conversation id';
  if (conversation.id.length > MAX_CONVERSATION_ID_LENGTH) return 'the activity\'s conversation id is too long';
  if (UNSENDABLE_IN_ID.test(conversation.id)) return 'the activity\'s conversation id has a character a reply cannot carry';
  if (!isAllowedServiceUrl(activity.serviceUrl, options)) return 'the activity has no valid serviceUrl';
  const from = activity.from as Record<string, unknown> | undefined;
  if (typeof from !== 'object' || from === null || typeof from.id !== 'string') return 'the activity has no sender';
  if (!isAbsentOrString(from.aadObjectId)) return 'the sender\'s aadObjectId is not a string';
  if (!isAbsentOrString(activity.locale)) return 'the activity\'s locale is not a string';
  // botbuilder reads each entity's fields (mentions, clientInfo) without a check: a null or a number throws mid-turn.
  const { entities } = activity;
  if (entities !== undefined && entities !== null && (!Array.isArray(entities) || !entities.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e)))) {
    return 'the activity\'s entities are not a list of objects';
  }
  return undefined;
}

// null as well as undefined: Rally and botbuilder read both fields with `??`, so a null is as harmless as no field.
function isAbsentOrString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

// Replies carry the bot's token to the serviceUrl: anywhere but https would hand it over in the clear.
function isAllowedServiceUrl(serviceUrl: unknown, options: ActivityShapeOptions): boolean {
  if (typeof serviceUrl !== 'string' || !URL.canParse(serviceUrl)) return false;
  const url = new URL(serviceUrl);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && options.allowLoopbackHttp && LOOPBACK_HOST.test(url.hostname);
}
