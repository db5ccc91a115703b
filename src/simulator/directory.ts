// The scripted world the simulator calls into: people, phone numbers and meetings, and how each one answers.
import { DEFAULT_KEY, dtmfKey } from './tones.js';
import type { DtmfKey } from './tones.js';

/**
 * What a called person or number does when the simulator rings it. `answer`: picks up, and presses a key after a
 * prompt. `answerSilently`: picks up and never presses anything (a pocket answer). `voicemail`: voicemail picks up a
 * one-to-one call (established, no key ever); it takes no invitation or group call, which then goes unanswered.
 */
export type Outcome = 'answer' | 'answerSilently' | 'voicemail' | 'decline' | 'noAnswer' | 'busy';

/** How a person or a phone behaves when called. */
export interface CallScript {
  /** Default `answer`. */
  outcome?: Outcome;
  /**
   * The key pressed after each prompt played to them (playPrompt completed), when their outcome is `answer` and the bot
   * subscribed to tones on that call: `0`-`9`, `*`, `#` (or `A`-`D`). Default `1`.
   */
  presses?: string;
  /**
   * How long the phone rings before the outcome happens; the call is `establishing` meanwhile and a bot hang-up stops
   * it. Absent or 0: the outcome follows at once (paced only by the delivery delay).
   */
  ringsForMs?: number;
}

export interface SimulatedPerson extends CallScript {
  id: string;
  displayName: string;
  userPrincipalName?: string;
  mail?: string;
  /** Their profile's preferred language and region as Graph gives it (`fr-FR`); `null` in Graph when absent. */
  preferredLanguage?: string;
}

export interface SimulatedPhone extends CallScript {
  /** E.164, e.g. `+14255550100`. */
  number: string;
}

export interface MeetingAttendee {
  id: string;
  displayName: string;
}

export interface SimulatedMeeting {
  /** The meeting chat's thread id, matched against `chatInfo.threadId` of an organizerMeetingInfo join. */
  threadId?: string;
  /** When set, an organizerMeetingInfo join must name this organizer (Entra object id); another finds no meeting. */
  organizerId?: string;
  /** Matched against a joinMeetingIdMeetingInfo join. */
  joinMeetingId?: string;
  /** When set, a joinMeetingId join must carry it. */
  passcode?: string;
  /** People already in the meeting when the bot joins. */
  attendees: MeetingAttendee[];
}

export interface DirectoryContents {
  people?: SimulatedPerson[];
  phones?: SimulatedPhone[];
  meetings?: SimulatedMeeting[];
  /**
   * What a call target that is in no list does. Default `answer`, so that a local demo works with whatever ids the
   * chat client hands out; `notFound` terminates the call with Graph's "no callee endpoints" result instead.
   * `GET /users` never invents people: an unknown id is always 404.
   */
  unknownTargets?: Outcome | 'notFound';
  /**
   * What joining a meeting that is in no list does. Default `create`: the meeting is made on first join (and kept), so
   * any link or id works in a demo; `notFound` refuses the join with 404, as Graph does for a meeting that does not exist.
   */
  unknownMeetings?: 'create' | 'notFound';
}

export type TargetOutcome = Outcome | 'notFound';

/** A call target's script with its defaults filled in. */
export interface TargetScript {
  outcome: TargetOutcome;
  presses: DtmfKey;
  /** 0: no ringing. */
  ringsForMs: number;
}

export class Directory {
  private readonly people: SimulatedPerson[];
  private readonly phones: SimulatedPhone[];
  private readonly meetings: SimulatedMeeting[];
  private readonly unknownTargets: TargetOutcome;
  private readonly unknownMeetings: 'create' | 'notFound';

  constructor(contents: DirectoryContents) {
    this.people = [...(contents.people ?? [])];
    this.phones = [...(contents.phones ?? [])];
    // A mistyped script fails when the simulator starts, not as a puzzling call later.
    this.people.forEach((p) => scriptOf(p, `person ${p.id}`));
    this.phones.forEach((p) => scriptOf(p, `phone ${p.number}`));
    this.meetings = [...(contents.meetings ?? [])];
    this.unknownTargets = contents.unknownTargets ?? 'answer';
    this.unknownMeetings = contents.unknownMeetings ?? 'create';
  }

  /** By object id, user principal name or mail, as `GET /users/{id | userPrincipalName}` resolves. */
  findPerson(idOrName: string): SimulatedPerson | undefined {
    const wanted = idOrName.toLowerCase();
    return this.people.find((p) => [p.id, p.userPrincipalName, p.mail].some((v) => v?.toLowerCase() === wanted));
  }

  userScript(id: string): TargetScript {
    const person = this.people.find((p) => p.id.toLowerCase() === id.toLowerCase());
    return person ? scriptOf(person, `person ${person.id}`) : this.unknownScript();
  }

  phoneScript(number: string): TargetScript {
    const phone = this.phones.find((p) => p.number === number);
    return phone ? scriptOf(phone, `phone ${phone.number}`) : this.unknownScript();
  }

  private unknownScript(): TargetScript {
    return { outcome: this.unknownTargets, presses: DEFAULT_KEY, ringsForMs: 0 };
  }

  /** An unknown meeting joined by its organizer's details starts with the organizer present; undefined with `unknownMeetings: 'notFound'`. */
  meetingByThread(threadId: string, organizer: MeetingAttendee): SimulatedMeeting | undefined {
    return this.meetings.find((m) => m.threadId === threadId) ?? this.remember({ threadId, attendees: [organizer] });
  }

  meetingById(joinMeetingId: string): SimulatedMeeting | undefined {
    return this.meetings.find((m) => m.joinMeetingId === joinMeetingId) ?? this.remember({ joinMeetingId, attendees: [] });
  }

  /** A meeting made through Graph (onlineMeetings), joinable from now on whatever `unknownMeetings` says. */
  addMeeting(meeting: SimulatedMeeting): void {
    this.meetings.push(meeting);
  }

  /** An unknown meeting is created on first join (and kept), so any link works in a demo; unless told otherwise. */
  private remember(meeting: SimulatedMeeting): SimulatedMeeting | undefined {
    if (this.unknownMeetings === 'notFound') return undefined;
    this.meetings.push(meeting);
    return meeting;
  }
}

function scriptOf(script: CallScript, where: string): TargetScript {
  const ringsForMs = script.ringsForMs ?? 0;
  if (!Number.isFinite(ringsForMs) || ringsForMs < 0) throw new Error(`${where}: ringsForMs must be a number of milliseconds, 0 or more.`);
  return { outcome: script.outcome ?? 'answer', presses: dtmfKey(script.presses ?? DEFAULT_KEY, `${where} presses`), ringsForMs };
}

const demoPerson = (id: string, displayName: string, alias: string, outcome: Outcome, script: CallScript = {}): SimulatedPerson => ({
  id,
  displayName,
  userPrincipalName: `${alias}@contoso.com`,
  mail: `${alias}@contoso.com`,
  outcome,
  ...script,
});

/**
 * A small cast for a pleasant local demo: most people answer (and press 1 when asked), the others show the other
 * outcomes, so that paging the on-call walks a whole ladder: Lee Gu rings out for 45 s, Johanna Lorenz picks up and
 * says nothing, Pradeep Gupta's voicemail answers.
 */
export const demoDirectory: DirectoryContents = {
  people: [
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01', 'Adele Vance', 'adelev', 'answer'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02', 'Alex Wilber', 'alexw', 'answer'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a03', 'Megan Bowen', 'meganb', 'decline'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a04', 'Lee Gu', 'leeg', 'noAnswer', { ringsForMs: 45_000 }),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a05', 'Nestor Wilke', 'nestorw', 'busy'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a07', 'Johanna Lorenz', 'johannal', 'answerSilently'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a08', 'Pradeep Gupta', 'pradeepg', 'voicemail'),
  ],
  phones: [
    { number: '+14255550100', outcome: 'answer' },
    { number: '+14255550101', outcome: 'busy' },
    { number: '+14255550102', outcome: 'noAnswer' },
  ],
  meetings: [
    // Graph's own joinMeetingId example (001); the README's local-mode walk-through joins it with this id and passcode.
    {
      joinMeetingId: '1234567',
      passcode: 'psw123',
      attendees: [
        { id: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01', displayName: 'Adele Vance' },
        { id: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02', displayName: 'Alex Wilber' },
      ],
    },
  ],
};
