// The scripted world the simulator calls into: people, phone numbers and meetings, and how each one answers.

/** What a called person or number does when the simulator rings it. */
export type Outcome = 'answer' | 'decline' | 'noAnswer' | 'busy';

export interface SimulatedPerson {
  id: string;
  displayName: string;
  userPrincipalName?: string;
  mail?: string;
  /** Default `answer`. */
  outcome?: Outcome;
}

export interface SimulatedPhone {
  /** E.164, e.g. `+14255550100`. */
  number: string;
  outcome?: Outcome;
}

export interface MeetingAttendee {
  id: string;
  displayName: string;
}

export interface SimulatedMeeting {
  /** The meeting chat's thread id, matched against `chatInfo.threadId` of an organizerMeetingInfo join. */
  threadId?: string;
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

export class Directory {
  private readonly people: SimulatedPerson[];
  private readonly phones: SimulatedPhone[];
  private readonly meetings: SimulatedMeeting[];
  private readonly unknownTargets: TargetOutcome;
  private readonly unknownMeetings: 'create' | 'notFound';

  constructor(contents: DirectoryContents) {
    this.people = [...(contents.people ?? [])];
    this.phones = [...(contents.phones ?? [])];
    this.meetings = [...(contents.meetings ?? [])];
    this.unknownTargets = contents.unknownTargets ?? 'answer';
    this.unknownMeetings = contents.unknownMeetings ?? 'create';
  }

  /** By object id, user principal name or mail, as `GET /users/{id | userPrincipalName}` resolves. */
  findPerson(idOrName: string): SimulatedPerson | undefined {
    const wanted = idOrName.toLowerCase();
    return this.people.find((p) => [p.id, p.userPrincipalName, p.mail].some((v) => v?.toLowerCase() === wanted));
  }

  userOutcome(id: string): TargetOutcome {
    const person = this.people.find((p) => p.id.toLowerCase() === id.toLowerCase());
    return person ? (person.outcome ?? 'answer') : this.unknownTargets;
  }

  phoneOutcome(number: string): TargetOutcome {
    const phone = this.phones.find((p) => p.number === number);
    return phone ? (phone.outcome ?? 'answer') : this.unknownTargets;
  }

  /** An unknown meeting joined by its organizer's details starts with the organizer present; undefined with `unknownMeetings: 'notFound'`. */
  meetingByThread(threadId: string, organizer: MeetingAttendee): SimulatedMeeting | undefined {
    return this.meetings.find((m) => m.threadId === threadId) ?? this.remember({ threadId, attendees: [organizer] });
  }

  meetingById(joinMeetingId: string): SimulatedMeeting | undefined {
    return this.meetings.find((m) => m.joinMeetingId === joinMeetingId) ?? this.remember({ joinMeetingId, attendees: [] });
  }

  /** An unknown meeting is created on first join (and kept), so any link works in a demo; unless told otherwise. */
  private remember(meeting: SimulatedMeeting): SimulatedMeeting | undefined {
    if (this.unknownMeetings === 'notFound') return undefined;
    this.meetings.push(meeting);
    return meeting;
  }
}

const demoPerson = (id: string, displayName: string, alias: string, outcome: Outcome): SimulatedPerson => ({
  id,
  displayName,
  userPrincipalName: `${alias}@contoso.com`,
  mail: `${alias}@contoso.com`,
  outcome,
});

/** A small cast for a pleasant local demo: most people answer, a few show the other outcomes. */
export const demoDirectory: DirectoryContents = {
  people: [
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a01', 'Adele Vance', 'adelev', 'answer'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a02', 'Alex Wilber', 'alexw', 'answer'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a03', 'Megan Bowen', 'meganb', 'decline'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a04', 'Lee Gu', 'leeg', 'noAnswer'),
    demoPerson('6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a05', 'Nestor Wilke', 'nestorw', 'busy'),
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
