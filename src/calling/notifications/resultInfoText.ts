// One plain sentence for a Graph `resultInfo`, for the chat. Codes are SIP-style; the subcodes named here are the
// ones Microsoft documents (Graph v1.0 "Delete call", call end reason codes, and the 7504 tenant-permission error
// Graph returns when calling is not allowed for the app). Anything else falls back to a sentence with the codes.
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
  callEnded: string;
  /** Why a person did not join (an invite that failed, or a call that ended before they answered). */
  notJoined: string;
}

/** The documented code/subcode pairs that say more than their code alone. */
const DOCUMENTED: Record<string, Explanation> = {
  '200/4097': ended('The other participant hung up.'),
  '200/4521': ended('The other participant hung up.'),
  '200/18503': ended('The other participant left the call.'),
  '200/5000': ended('A participant removed Rally from the call.'),
  '200/5300': ended('A participant removed Rally from the call.'),
  '200/5002': ended('The call ended because everyone else left.'),
  '200/5007': ended('The call ended because the person who started the group call left.'),
  '200/5010': ended('The call ended because only one participant was left.'),
  '200/5012': ended('The call ended because no one else was in it.'),
  '200/5013': ended('The call ended because no one else joined.'),
  '200/5020': ended('The call ended because no one else was in it.'),
  '200/5014': ended('The call ended because Teams could not find a host for the group call.'),
  '200/5030': ended('The breakout room closed because its time was up.'),
  '200/5855': ended('Rally waited in the meeting lobby too long and was removed.'),
  '200/7000': ended('Rally hung up.'),
  '200/10550': ended('Rally hung up.'),
  '200/7015': ended('The call was transferred.'),
  '200/540000': ended('The phone caller hung up.'),
  '200/560000': ended('The phone caller hung up.'),
  '408/8537': lost('The call dropped because Teams lost contact with it.'),
  '408/1106': lost('The call dropped because Rally did not confirm it in time.'),
  '408/10057': explained('noAnswer', 'No one answered: their Teams devices did not respond.'),
  '410/301005': lost('The call dropped because the media connection failed.'),
  '480/10037': explained('unavailable', 'They are not signed in to Teams anywhere that can ring.'),
  '480/10076': explained('unavailable', 'They could not be reached.'),
  '480/10134': explained('unavailable', 'Teams could not route the call to them.'),
  '480/10199': explained('forbidden', 'They cannot be called: a Teams policy turns off private calling for them.'),
  '403/7504': explained(
    'forbidden',
    'Rally is not allowed to use Teams calling in this organization: an admin must grant its calling permissions.',
  ),
  '500/1005': lost('The call dropped because Teams could not reach Rally\'s media connection.'),
};

function ended(sentence: string): Explanation {
  return { category: 'ended', callEnded: sentence, notJoined: 'The call ended before they joined.' };
}

function lost(sentence: string): Explanation {
  return { category: 'connectionLost', callEnded: sentence, notJoined: sentence };
}

function explained(category: ResultCategory, sentence: string): Explanation {
  return { category, callEnded: sentence, notJoined: sentence };
}

function codes(info: ResultSummary): string {
  return `code ${info.code ?? 'none'}${info.subcode === undefined ? '' : `, subcode ${info.subcode}`}`;
}

/** By code alone, when the pair is not documented. */
function byCode(info: ResultSummary, permission: string | undefined): Explanation {
  const code = info.code;
  if (code === 0 || code === 200) return ended('The call ended.');
  if (code === 603) return explained('declined', 'They declined the call.');
  if (code === 486) return explained('busy', 'They are busy on another call.');
  if (code === 408) return explained('noAnswer', 'No one answered.');
  // SIP's "Request terminated": the caller, which for an invite can only be Rally, stopped the ring.
  if (code === 487) return { category: 'noAnswer', callEnded: 'No one answered.', notJoined: 'The ring was cancelled before they answered.' };
  if (code === 480) return explained('unavailable', 'They are not available right now.');
  if (code === 404) return explained('notFound', 'Teams could not find that call or person; the call may already have ended.');
  if (code === 484) return explained('invalidNumber', 'The phone number is incomplete or not valid.');
  if (code === 403) {
    return explained(
      'forbidden',
      permission === undefined
        ? 'Rally is not allowed to do that: a Teams policy or a missing Graph permission blocks it.'
        : `Rally is not allowed to do that: an admin must grant it the Graph permission ${permission}, or a Teams policy blocks it.`,
    );
  }
  if (code !== undefined && code >= 500 && code <= 599) {
    return explained('serviceError', `Microsoft Teams had a problem on its side (${codes(info)}); try again in a moment.`);
  }
  return {
    category: 'unknown',
    callEnded: `The call ended for a reason Rally does not recognise (Teams ${codes(info)}).`,
    notJoined: `They did not join, for a reason Rally does not recognise (Teams ${codes(info)}).`,
  };
}

function explain(info: ResultSummary, permission?: string): Explanation {
  return DOCUMENTED[`${info.code}/${info.subcode}`] ?? byCode(info, permission);
}

export function resultCategory(info: ResultSummary): ResultCategory {
  return explain(info).category;
}

/** Why a call ended; without a resultInfo Teams gave no reason, and the call simply ended. */
export function callEndedText(info: ResultSummary | undefined): string {
  return info === undefined ? 'The call ended.' : explain(info).callEnded;
}

/**
 * Why a person did not join: an invite operation that failed, or a call that ended before they answered.
 * `permission` is the Graph permission the request needed, named in the sentence when Graph answers 403.
 */
export function notJoinedText(info: ResultSummary | undefined, options: { permission?: string } = {}): string {
  return info === undefined ? 'They did not join, and Teams gave no reason.' : explain(info, options.permission).notJoined;
}
