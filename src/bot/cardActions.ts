// The data each Action.Execute button carries, read once into a typed action. The buttons are defined in cards/
// (callCard.json, pageCard.json, helpCard.json); Teams adds the card's input fields to the data, so those are read here too.
import { z } from 'zod';
import { InvalidRequestError } from '../calling/index.js';
import { sentence } from '../i18n/sentence.js';

const callButton = z.object({
  callId: z.string().min(1).max(256),
  /** The card revision the button was pressed on (see cardRevision in callCards.ts). */
  rev: z.string().max(64).optional(),
});
const peopleFields = {
  /** The Graph people picker's choice (Teams clients that show it). */
  pickedPeople: z.string().max(1000).optional(),
  /** The free-text people field. */
  people: z.string().max(1000).optional(),
};

/** A button beside one person on a call card. */
const participantButton = callButton.extend({ participantId: z.string().min(1).max(256) });

const pageButton = z.object({
  pageId: z.string().min(1).max(64),
  rev: z.string().max(64).optional(),
});

const schemas = {
  /**
   * Help card: "Run" sends the typed `command`; the preset buttons send a `preset`, read as that command is typed.
   * `copy`: which copy of the help card was pressed (cards posted before copies were named have none).
   */
  runCommand: z.object({ preset: z.enum(['calls', 'status', 'join']).optional(), command: z.string().max(2000).optional(), copy: z.string().max(64).optional() }),
  refresh: callButton,
  hangup: callButton,
  invite: callButton.extend(peopleFields),
  escalate: callButton.extend(peopleFields),
  /** A bridge card's Page: rings the people typed, in turn, into the bridge. */
  pageInto: callButton.extend(peopleFields),
  muteParticipant: participantButton,
  /** Remove, or Cancel beside someone still ringing. */
  removeParticipant: participantButton,
  refreshPage: pageButton,
  /** `step`: the step the card showed ringing, so a press on an old card does not skip the one after it. */
  // A number, or digits as a template may write it; nothing else (blank text would coerce to step 0).
  skipPageStep: pageButton.extend({ step: z.union([z.number(), z.string().regex(/^\d{1,3}$/).transform(Number)]).pipe(z.number().int().min(0).max(100)) }),
  stopPage: pageButton,
};

type Schemas = typeof schemas;
export type CardVerb = keyof Schemas;
export type CardAction = { [V in CardVerb]: { verb: V } & z.infer<Schemas[V]> }[CardVerb];
export type PageCardAction = Extract<CardAction, { verb: 'refreshPage' | 'skipPageStep' | 'stopPage' }>;
export type CallCardAction = Exclude<CardAction, { verb: 'runCommand' } | PageCardAction>;

export function isPageAction(action: CardAction): action is PageCardAction {
  return action.verb === 'refreshPage' || action.verb === 'skipPageStep' || action.verb === 'stopPage';
}

/** The typed action of a button press; a verb or data no card of Rally's sends is refused with one sentence. */
export function readCardAction(verb: unknown, data: unknown): CardAction {
  if (typeof verb !== 'string' || !Object.hasOwn(schemas, verb)) throw unknownButton();
  const parsed = schemas[verb as CardVerb].safeParse(data ?? {});
  if (!parsed.success) throw unknownButton();
  return { verb, ...parsed.data } as CardAction;
}

function unknownButton(): InvalidRequestError {
  return new InvalidRequestError('unknownButton', sentence('chat.error.unknownButton'));
}

/** The people a call card's Invite, Escalate or Page button names: the picker's choice first, then the typed ones. */
export function namedPeople(action: Extract<CardAction, { verb: 'invite' | 'escalate' | 'pageInto' }>): string {
  return [action.pickedPeople, action.people].filter((t) => t !== undefined && t.trim() !== '').join(' ');
}
