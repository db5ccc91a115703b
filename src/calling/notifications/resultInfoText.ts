// One plain sentence for a Graph `resultInfo`, for the chat. Codes are SIP-style; the subcodes named here are the
// ones Microsoft documents (Graph v1.0 "Delete call", call end reason codes, and the 7504 tenant-permission error
// Graph returns when calling is not allowed for the app). Anything else falls back to a sentence with the codes.
// Graph's own `resultInfo.message` is never said here: it comes in one language, and the chat quotes it as Graph's.
import { sentence } from '../../i18n/sentence.js';
import type { Sentence, Words } from '../../i18n/sentence.js';
import type { MessageKey } from '../../i18n/catalogs.js';
import type { ResultSummary } from './notificationEvents.js';

/** What kind of outcome a resultInfo reports, for decisions (declined vs failed) rather than for display. */
export type ResultCategory =
  | 'ended'
  | 'declined'
  | 'busy'
  | 'noAnswer'
  | 'unavailable'
  | 'notFound'
  | 'forbidden'
  | 'invalidNumber'
  | 'connectionLost'
  | 'serviceError'
  | 'unknown';

interface Explanation {
  category: ResultCategory;
  /** Why the call ended, from the point of view of the chat that placed it. */
  callEnded: Sentence;
  /** Why a person did not join (an invite that failed, or a call that ended before they answered). */
  notJoined: Sentence;
}

/** The documented code/subcode pairs that say more than their code alone. */
const DOCUMENTED: Record<string, Explanation> = {
  '200/4097': ended('calling.result.otherHungUp'),
  '200/4521': ended('calling.result.otherHungUp'),
  '200/18503': ended('calling.result.otherLeft'),
  '200/5000': ended('calling.result.rallyRemoved'),
  '200/5300': ended('calling.result.rallyRemoved'),
  '200/5002': ended('calling.result.everyoneLeft'),
  '200/5007': ended('calling.result.organizerLeft'),
  '200/5010': ended('calling.result.onlyOneLeft'),
  '200/5012': ended('calling.result.nobodyElse'),
  '200/5013': ended('calling.result.nobodyJoined'),
  '200/5020': ended('calling.result.nobodyElse'),
  '200/5014': ended('calling.result.noHost'),
  '200/5030': ended('calling.result.breakoutClosed'),
  '200/5855': ended('calling.result.lobbyTimeout'),
  '200/7000': ended('calling.result.rallyHungUp'),
  '200/10550': ended('calling.result.rallyHungUp'),
  '200/7015': ended('calling.result.transferred'),
  '200/540000': ended('calling.result.phoneCallerHungUp'),
  '200/560000': ended('calling.result.phoneCallerHungUp'),
  '408/8537': lost('calling.result.lostContact'),
  '408/1106': lost('calling.result.notConfirmedInTime'),
  '408/10057': explained('noAnswer', 'calling.result.devicesDidNotRespond'),
  '410/301005': lost('calling.result.mediaFailed'),
  '480/10037': explained('unavailable', 'calling.result.notSignedIn'),
  '480/10076': explained('unavailable', 'calling.result.unreachable'),
  '480/10134': explained('unavailable', 'calling.result.notRoutable'),
  '480/10199': explained('forbidden', 'calling.result.privateCallingOff'),
  '403/7504': explained('forbidden', 'calling.result.callingNotAllowed'),
  '500/1005': lost('calling.result.mediaUnreachable'),
};

const CALL_ENDED = sentence('calling.result.ended');

function ended(key: MessageKey): Explanation {
  return { category: 'ended', callEnded: sentence(key), notJoined: sentence('calling.result.endedBeforeJoined') };
}

function lost(key: MessageKey): Explanation {
  return explained('connectionLost', key);
}

function explained(category: ResultCategory, key: MessageKey): Explanation {
  return { category, callEnded: sentence(key), notJoined: sentence(key) };
}

/** The codes as a sentence quotes them: digits as Teams wrote them, `none` for a code or subcode Teams left out. */
function codes(info: ResultSummary): { code: string; subcode: string } {
  return { code: String(info.code ?? 'none'), subcode: info.subcode === undefined ? 'none' : String(info.subcode) };
}

/** By code alone, when the pair is not documented. */
function byCode(info: ResultSummary, permission: string | undefined): Explanation {
  const code = info.code;
  if (code === 0 || code === 200) return ended(CALL_ENDED.key);
  if (code === 603) return explained('declined', 'calling.result.declined');
  if (code === 486) return explained('busy', 'calling.result.busy');
  if (code === 408) return explained('noAnswer', 'calling.result.noAnswer');
  // SIP's "Request terminated": the caller, which for an invite can only be Rally, stopped the ring.
  if (code === 487) return { category: 'noAnswer', callEnded: sentence('calling.result.noAnswer'), notJoined: sentence('calling.result.ringCancelled') };
  if (code === 480) return explained('unavailable', 'calling.result.unavailable');
  if (code === 404) return explained('notFound', 'calling.result.notFound');
  if (code === 484) return explained('invalidNumber', 'calling.result.invalidNumber');
  if (code === 403) {
    const forbidden = permission === undefined ? sentence('calling.result.forbidden') : sentence('calling.result.forbiddenPermission', { permission });
    return { category: 'forbidden', callEnded: forbidden, notJoined: forbidden };
  }
  if (code !== undefined && code >= 500 && code <= 599) {
    const failing = sentence('calling.result.serviceError', codes(info));
    return { category: 'serviceError', callEnded: failing, notJoined: failing };
  }
  return {
    category: 'unknown',
    callEnded: sentence('calling.result.unknownEnd', codes(info)),
    notJoined: sentence('calling.result.unknownNotJoined', codes(info)),
  };
}

function explain(info: ResultSummary, permission?: string): Explanation {
  return DOCUMENTED[`${info.code}/${info.subcode}`] ?? byCode(info, permission);
}

export function resultCategory(info: ResultSummary): ResultCategory {
  return explain(info).category;
}

/** Why a call ended; without a resultInfo Teams gave no reason, and the call simply ended. */
export function callEndedText(info: ResultSummary | undefined): Sentence {
  return info === undefined ? CALL_ENDED : explain(info).callEnded;
}

/**
 * Whether a reason says no more than that the call ended (so "#3 ended." need not add "The call ended."). A record
 * written before Rally spoke languages holds the English sentence.
 */
export function isBareEnd(reason: Words): boolean {
  return typeof reason === 'string' ? reason === 'The call ended.' : typeof reason === 'object' && reason !== null && reason.key === CALL_ENDED.key;
}

/**
 * Why a person did not join: an invite operation that failed, or a call that ended before they answered.
 * `permission` is the Graph permission the request needed, named in the sentence when Graph answers 403.
 */
export function notJoinedText(info: ResultSummary | undefined, options: { permission?: string } = {}): Sentence {
  return info === undefined ? sentence('calling.result.noReason') : explain(info, options.permission).notJoined;
}
