// The result a bot sees when a call or an invitation does not connect, as Graph reports it in `resultInfo`.
// Codes and subcodes documented in Graph's call-end reason table are used as documented; where Graph documents only
// the SIP code (decline 603, busy 486) the subcode is 0.
import type { TargetOutcome } from './directory.js';
import type { ResultInfo } from './graphShapes.js';

const result = (code: number, subcode: number, message: string): ResultInfo => ({
  '@odata.type': '#microsoft.graph.resultInfo',
  code,
  subcode,
  message,
});

/** Outcomes that can leave a call or an invitation unanswered. */
export type Refusal = Exclude<TargetOutcome, 'answer' | 'answerSilently'>;

const noAnswer = result(408, 10057, 'Call timed out due to no signaling from callee endpoints.');

const failures: Record<Refusal, ResultInfo> = {
  decline: result(603, 0, 'Call was declined by the callee.'),
  busy: result(486, 0, 'Callee is busy.'),
  noAnswer,
  // Voicemail takes one-to-one calls only; an invitation or group call to such a person rings out.
  voicemail: noAnswer,
  notFound: result(480, 10037, 'No callee endpoints were found.'),
};

export const failureResult = (outcome: Refusal): ResultInfo => ({ ...failures[outcome] });

/**
 * Whether the called side picks up. Voicemail answers a one-to-one call (peer-to-peer or PSTN) but not a group call
 * or an invitation: Teams sends neither to voicemail.
 */
export function picksUp(outcome: TargetOutcome, oneToOne: boolean): boolean {
  return outcome === 'answer' || outcome === 'answerSilently' || (outcome === 'voicemail' && oneToOne);
}

/** `DELETE /communications/calls/{id}`: the documented terminated notification of a bot's hang-up. */
export const hungUpByBot = (): ResultInfo => result(200, 5001, 'The conversation has ended.');

/** Everyone else left a group call or meeting. */
export const everyoneLeft = (): ResultInfo => result(200, 5002, 'The conversation has ended as all other participants have left the call.');

/** The other side of a peer-to-peer call hung up. */
export const hungUpByPeer = (): ResultInfo => result(200, 4521, 'Call ended by the other participant in peer-to-peer call.');

/** A peer-to-peer call replaced by an invitation into a group call (`replacesCallId`): its leg moved away. */
export const replacedByGroupCall = (): ResultInfo => result(200, 7015, 'Call ended as the transfer completed successfully.');

/** An invitation whose every ringing invitee the bot cancelled (`DELETE` of their participant): SIP's "Request terminated". */
export const requestTerminated = (): ResultInfo => result(487, 0, 'Request terminated.');

/** `participantId` / `replacesCallId` named something the simulator does not know. */
export const notFoundResult = (message: string): ResultInfo => result(404, 0, message);

/** A group call in which no target answered. */
export const nobodyJoined = (): ResultInfo => result(200, 5013, 'The conversation has ended as no one else has joined the group call.');

/** A prompt played to the end (the playPrompt document's completion notification). */
export const promptPlayed = (): ResultInfo => result(200, 0, 'Action completed successfully.');

/**
 * A prompt the simulator could not fetch or Graph could not play. Graph documents no code for this: the simulator
 * answers 400 with subcode 0 and a sentence naming the uri and what was wrong with it.
 */
export const promptUnplayable = (message: string): ResultInfo => result(400, 0, message);
