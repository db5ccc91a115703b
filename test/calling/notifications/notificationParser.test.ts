import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { NotificationEvent, NotifiedParticipant, ParticipantIdentity } from '../../../src/calling/notifications/notificationEvents.js';
import {
  InvalidNotificationError,
  MAX_ENTRIES_PER_NOTIFICATION,
  MAX_NOTIFICATIONS_PER_BODY,
  parseCommsNotifications,
} from '../../../src/calling/notifications/notificationParser.js';
import { applyCallEvent, newCallRecord, withInvitees } from '../../../src/calling/records/callRecord.js';
import type { CallRecordEvent } from '../../../src/calling/records/callRecord.js';
import { RallyError } from '../../../src/errors/rallyError.js';

type Json = { [key: string]: unknown };

function example(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./notificationExamples/${name}.json`, import.meta.url), 'utf8')) as Json;
}

/** One notification in an envelope. */
function body(notification: Json): Json {
  return { '@odata.type': '#microsoft.graph.commsNotifications', value: [notification] };
}

/** A body Rally cannot use: a broken envelope is refused whole; a broken notification is left out and named. */
function invalid(input: unknown, problem: RegExp): void {
  let read: ReturnType<typeof parseCommsNotifications>;
  try {
    read = parseCommsNotifications(input);
  } catch (error) {
    assert.ok(error instanceof InvalidNotificationError, `expected InvalidNotificationError, got ${String(error)}`);
    assert.ok(error instanceof RallyError);
    assert.equal(error.code, 'invalidNotification');
    assert.match(error.message, problem);
    return;
  }
  assert.match(read.skipped.join('\n'), problem);
  assert.ok(read.events.every((e) => e.kind === 'roster' && e.participants.length === 0), 'nothing of the unreadable part is applied');
}

const CONTEXT = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f';
const INVITE_CALL = 'ab6233a5-20b7-4c5e-bea2-ce56c9776429';
const GROUP_CALL = '7531d31f-d10d-44de-802f-c569dbca451c';
const MEETING_CALL = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
const DELTA_CALL = '421f7700-f4ad-4ea9-a3fc-c1d2195675ad';
const SHARING_CALL = '421f4c00-4436-4c3a-9d9a-c4924cf98e67';
const SESSION = 'F7D9EF30FF0A9BD3F64B274387FB8FF8E96B6CFBA8F87F8305A74DE99AF007BC';

function unnamedParticipant(kind: 'user' | 'phone' | 'app', id: string, displayName?: string): NotifiedParticipant {
  return {
    key: `${kind}:${id}`,
    identity: { kind, id, ...(displayName === undefined ? {} : { displayName }) },
    isMuted: false,
    isInLobby: false,
  };
}

const john: NotifiedParticipant = {
  key: '0d7664b6-6432-43ed-8d27-d9e7adec188c',
  participantId: '0d7664b6-6432-43ed-8d27-d9e7adec188c',
  identity: { kind: 'user', id: '112f7296-5fa4-42ca-bae8-6a692b15d4b8', displayName: 'John' },
  isMuted: true,
  isInLobby: false,
};
const bot: NotifiedParticipant = {
  key: '05491616-385f-44a8-9974-18cc5f9933c1',
  participantId: '05491616-385f-44a8-9974-18cc5f9933c1',
  identity: { kind: 'app', id: '2891555a-92ff-42e6-80fa-6e1300c6b5c6', displayName: 'Calling Bot' },
  isMuted: false,
  isInLobby: false,
};
const guest: NotifiedParticipant = {
  key: '05491616-385f-44a8-9974-18cc5f9933c1',
  participantId: '05491616-385f-44a8-9974-18cc5f9933c1',
  identity: { kind: 'guest', id: 'd7a3b999-17ac-4bca-9e77-e6a730d2ec2e', displayName: 'Guest User' },
  isMuted: false,
  isInLobby: true,
};

function completed(callId: string, operationId: string | null, participants: ParticipantIdentity[]): NotificationEvent {
  return {
    kind: 'operation',
    callId,
    changeType: 'deleted',
    operationId,
    operationType: 'inviteParticipantsOperation',
    status: 'completed',
    clientContext: CONTEXT,
    participants,
  };
}

const EXPECTED: Record<string, NotificationEvent[]> = {
  'invite-1-operation-completed': [
    completed(INVITE_CALL, 'eec3812a-fdc3-4fb4-825c-a06c9f35414e', [
      { kind: 'user', id: '278405a3-f568-4b3e-b684-009193463064', displayName: 'string' },
    ]),
  ],
  // The document shows the invited user as an `application` identity without a participant id.
  'invite-1-roster': [{ kind: 'roster', callId: INVITE_CALL, participants: [unnamedParticipant('app', '278405a3-f568-4b3e-b684-009193463064')] }],
  'invite-2-operation-completed': [
    completed(GROUP_CALL, null, [
      { kind: 'user', id: '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', displayName: 'string' },
      { kind: 'user', id: '1e126418-44a0-4a94-a6f8-0efe1ad71acb', displayName: 'string' },
    ]),
  ],
  'invite-2-roster': [
    {
      kind: 'roster',
      callId: GROUP_CALL,
      participants: [
        unnamedParticipant('app', '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'),
        unnamedParticipant('user', '1e126418-44a0-4a94-a6f8-0efe1ad71acb', 'string'),
      ],
    },
  ],
  'invite-3-operation-completed': [
    completed(INVITE_CALL, '278405a3-f568-4b3e-b684-009193463064', [
      { kind: 'user', id: '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', displayName: 'string' },
    ]),
  ],
  'invite-3-roster': [
    {
      kind: 'roster',
      callId: 'a7ebfb2d-871e-419c-87af-27290b22e8db',
      participants: [unnamedParticipant('user', '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', 'string')],
    },
  ],
  'invite-4-operation-completed': [completed(INVITE_CALL, 'eec3812a-fdc3-4fb4-825c-a06c9f35414e', [{ kind: 'phone', id: '+12345678901' }])],
  'invite-4-roster': [{ kind: 'roster', callId: INVITE_CALL, participants: [unnamedParticipant('phone', '+12345678901')] }],
  'invite-5-operation-completed': [
    completed(INVITE_CALL, '278405a3-f568-4b3e-b684-009193463064', [{ kind: 'user', id: '682b6c37-0729-4fab-ace6-d730d5d9137e' }]),
  ],
  'invite-5-roster': [{ kind: 'roster', callId: INVITE_CALL, participants: [unnamedParticipant('user', '682b6c37-0729-4fab-ace6-d730d5d9137e')] }],
  'peer-to-peer-establishing': [
    { kind: 'callState', callId: '2e1a0b00-2db4-4022-9570-243709c565ab', changeType: 'updated', state: 'establishing' },
  ],
  'peer-to-peer-established': [
    { kind: 'callState', callId: '2e1a0b00-b3c5-4b0f-99b3-c133bc1e6116', changeType: 'updated', state: 'established' },
  ],
  'content-sharing-started': [{ kind: 'contentSharing', callId: SHARING_CALL, changeType: 'created', sessionIds: [SESSION] }],
  'content-sharing-updated': [{ kind: 'contentSharing', callId: SHARING_CALL, changeType: 'updated', sessionIds: [SESSION] }],
  'content-sharing-ended': [{ kind: 'contentSharing', callId: SHARING_CALL, changeType: 'deleted', sessionIds: [SESSION] }],
  'meeting-establishing': [{ kind: 'callState', callId: MEETING_CALL, changeType: 'updated', state: 'establishing' }],
  'meeting-established': [{ kind: 'callState', callId: MEETING_CALL, changeType: 'updated', state: 'established' }],
  'meeting-roster': [{ kind: 'roster', callId: MEETING_CALL, participants: [john, bot] }],
  'meeting-roster-delta': [
    {
      kind: 'rosterDelta',
      callId: DELTA_CALL,
      sequenceNumber: 1,
      participants: [
        { ...john, rosterSequenceNumber: 1 },
        { ...bot, rosterSequenceNumber: 1, removed: { reason: 'Removed from roster' } },
      ],
    },
  ],
  'guest-roster': [{ kind: 'roster', callId: '2f1a1100-726f-4705-a071-30fb8f6b568f', participants: [guest] }],
  'guest-roster-delta': [{ kind: 'rosterDelta', callId: DELTA_CALL, sequenceNumber: 2, participants: [guest] }],
  'call-terminating': [{ kind: 'callState', callId: '57dab8b1-894c-409a-b240-bd8beae78896', changeType: 'updated', state: 'terminating' }],
  'call-terminated': [
    {
      kind: 'callState',
      callId: '57dab8b1-894c-409a-b240-bd8beae78896',
      changeType: 'deleted',
      state: 'terminated',
      resultInfo: { code: 200, subcode: 5001, message: 'The conversation has ended.' },
    },
  ],
};

describe('parseCommsNotifications', () => {
  describe('every documented notification', () => {
    for (const [name, events] of Object.entries(EXPECTED)) {
      it(name, () => {
        assert.deepEqual(parseCommsNotifications(example(name)).events, events);
      });
    }
  });

  it('reads every notification of a batch, in order', () => {
    const establishing = example('meeting-establishing');
    const roster = example('meeting-roster');
    const batch = { value: [...(establishing['value'] as unknown[]), ...(roster['value'] as unknown[])] };
    assert.deepEqual(parseCommsNotifications(batch).events, [...EXPECTED['meeting-establishing']!, ...EXPECTED['meeting-roster']!]);
  });

  it('reads the deprecated /app/calls resource when resourceUrl is missing', () => {
    const notification = (example('invite-1-operation-completed')['value'] as Json[])[0]!;
    delete notification['resourceUrl'];
    assert.equal(notification['resource'], `/app/calls/${INVITE_CALL}/operations/eec3812a-fdc3-4fb4-825c-a06c9f35414e`);
    assert.deepEqual(parseCommsNotifications(body(notification)).events, EXPECTED['invite-1-operation-completed']);
  });

  it('reads a failed operation: status in any case, resultInfo codes as strings or integers', () => {
    const event = (status: string, code: unknown, subcode: unknown) =>
      parseCommsNotifications(
        body({
          changeType: 'deleted',
          resourceUrl: `/communications/calls/${INVITE_CALL}/operations/op-1`,
          resourceData: {
            '@odata.type': '#microsoft.graph.inviteParticipantsOperation',
            id: 'op-1',
            status,
            clientContext: CONTEXT,
            resultInfo: { code, subcode, message: 'Call declined.' },
            extra: { ignored: true },
          },
        }),
      ).events;
    const expected: NotificationEvent[] = [
      {
        kind: 'operation',
        callId: INVITE_CALL,
        changeType: 'deleted',
        operationId: 'op-1',
        operationType: 'inviteParticipantsOperation',
        status: 'failed',
        clientContext: CONTEXT,
        resultInfo: { code: 603, subcode: 10, message: 'Call declined.' },
        participants: [],
      },
    ];
    assert.deepEqual(event('Failed', '603', '10'), expected);
    assert.deepEqual(event('FAILED', 603, 10), expected);
    assert.equal((event('Running', 0, 0)[0] as { status: string }).status, 'running');
  });

  it('a deleted call without a state is a terminated call', () => {
    assert.deepEqual(parseCommsNotifications(body({ changeType: 'deleted', resourceUrl: '/communications/calls/c1', resourceData: {} })).events, [
      { kind: 'callState', callId: 'c1', changeType: 'deleted', state: 'terminated' },
    ]);
  });

  it('a call update without a state, or with unknownFutureValue, carries no state', () => {
    for (const resourceData of [{ '@odata.type': '#microsoft.graph.call' }, { state: 'unknownFutureValue' }, { state: null }]) {
      assert.deepEqual(parseCommsNotifications(body({ changeType: 'updated', resourceUrl: '/communications/calls/c1', resourceData })).events, [
        { kind: 'callState', callId: 'c1', changeType: 'updated' },
      ]);
    }
  });

  describe('key presses (subscribeToTone) and prompts (playPrompt)', () => {
    const TONE_CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
    /** The tone notification exactly as Graph's subscribeToTone page documents it. */
    const documentedTone = (): Json => ({
      '@odata.type': '#microsoft.graph.commsNotifications',
      value: [
        {
          '@odata.type': '#microsoft.graph.commsNotification',
          changeType: 'updated',
          resourceUrl: `/communications/calls/${TONE_CALL}`,
          resourceData: {
            '@odata.type': '#microsoft.graph.call',
            state: 'established',
            toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 1, tone: 'tone1' },
          },
        },
      ],
    });
    const toneNotification = (toneInfo: unknown, callId = TONE_CALL): Json => ({
      changeType: 'updated',
      resourceUrl: `/communications/calls/${callId}`,
      resourceData: { '@odata.type': '#microsoft.graph.call', state: 'established', toneInfo },
    });
    /** The operation-completed notification of Graph's playPrompt page: no operation id in resourceData. */
    const documentedPromptDone = (): Json => ({
      '@odata.type': '#microsoft.graph.commsNotifications',
      value: [
        {
          '@odata.type': '#microsoft.graph.commsNotification',
          changeType: 'deleted',
          resourceUrl: '/communications/calls/57DAB8B1894C409AB240BD8BEAE78896/operations/0FE0623FD62842EDB4BD8AC290072CC5',
          resourceData: {
            '@odata.type': '#microsoft.graph.playPromptOperation',
            '@odata.id': '/communications/calls/57DAB8B1894C409AB240BD8BEAE78896/operations/0FE0623FD62842EDB4BD8AC290072CC5',
            '@odata.etag': 'W/"54451"',
            resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code: 200, subcode: 0, message: 'Action completed successfully.' },
            clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
            status: 'completed',
          },
        },
      ],
    });

    it('the documented tone notification is one callState event with the state and the key press', () => {
      assert.deepEqual(parseCommsNotifications(documentedTone()), {
        events: [{ kind: 'callState', callId: TONE_CALL, changeType: 'updated', state: 'established', keyPress: { tone: 'tone1', sequenceId: 1 } }],
        skipped: [],
      });
    });

    it('keeps a tone name Rally does not know as sent, and reads a call update without toneInfo as before', () => {
      const read = parseCommsNotifications({
        value: [toneNotification({ sequenceId: 0, tone: 'star' }), toneNotification({ sequenceId: 7, tone: 'flash' }), toneNotification(null)],
      });
      assert.deepEqual(read.events, [
        { kind: 'callState', callId: TONE_CALL, changeType: 'updated', state: 'established', keyPress: { tone: 'star', sequenceId: 0 } },
        { kind: 'callState', callId: TONE_CALL, changeType: 'updated', state: 'established', keyPress: { tone: 'flash', sequenceId: 7 } },
        { kind: 'callState', callId: TONE_CALL, changeType: 'updated', state: 'established' },
      ]);
      assert.deepEqual(read.skipped, []);
    });

    it('a toneInfo of the wrong shape leaves out its notification, named in skipped, and keeps the others', () => {
      const read = parseCommsNotifications({
        value: [
          toneNotification({ sequenceId: '1', tone: 'tone1' }, 'c-string'),
          toneNotification({ sequenceId: 2 }, 'c-missing'),
          toneNotification({ sequenceId: -1, tone: 'tone1' }, 'c-negative'),
          toneNotification({ sequenceId: 1.5, tone: 'tone1' }, 'c-fraction'),
          toneNotification({ sequenceId: 3, tone: 'x'.repeat(17) }, 'c-long'),
          toneNotification('tone1', 'c-text'),
          ...(documentedTone()['value'] as Json[]),
        ],
      });
      assert.deepEqual(read.events, parseCommsNotifications(documentedTone()).events);
      const skipped = read.skipped.join('\n');
      for (const [index, field] of [[0, 'toneInfo.sequenceId'], [1, 'toneInfo.tone'], [2, 'toneInfo.sequenceId'], [3, 'toneInfo.sequenceId'], [4, 'toneInfo.tone'], [5, 'toneInfo']] as const) {
        assert.ok(skipped.includes(`value[${index}].resourceData.${field}`), `value[${index}] named for ${field}: ${skipped}`);
      }
      assert.equal(read.skipped.some((line) => line.startsWith('value[6]')), false);
    });

    it('a single tone notification of the wrong shape is not a thrown error', () => {
      invalid(body(toneNotification({ sequenceId: '1', tone: 'tone1' })), /value\[0\]\.resourceData\.toneInfo\.sequenceId/);
      invalid(body(toneNotification({ sequenceId: 1 })), /value\[0\]\.resourceData\.toneInfo\.tone/);
      assert.doesNotThrow(() => parseCommsNotifications(body(toneNotification({ sequenceId: '1' }))));
    });

    it('the documented playPrompt completion is an operation event', () => {
      assert.deepEqual(parseCommsNotifications(documentedPromptDone()), {
        events: [
          {
            kind: 'operation',
            callId: '57DAB8B1894C409AB240BD8BEAE78896',
            changeType: 'deleted',
            operationId: null,
            operationType: 'playPromptOperation',
            status: 'completed',
            clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
            resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
            participants: [],
          },
        ],
        skipped: [],
      });
    });

    it('the playPrompt completion is harmless to the call it played on', () => {
      const callId = '57DAB8B1894C409AB240BD8BEAE78896';
      const placed = newCallRecord({
        callId,
        tenantId: 't1',
        kind: 'peerToPeer',
        chatKey: 'chat-1',
        handle: '#4',
        placedBy: { id: 'u1', name: 'Pat' },
        targets: [{ kind: 'user', id: 'adele', displayName: 'Adele Vance' }],
        at: '2026-11-23T20:00:00.000Z',
      });
      const established = applyCallEvent(placed, { kind: 'callState', callId, changeType: 'updated', state: 'established' }, '2026-11-23T20:00:05.000Z').record;
      const invited = withInvitees(established, [{ kind: 'user', id: 'lee', displayName: 'Lee Gu' }], 'invite-ctx');
      for (const record of [placed, established, invited]) {
        for (const event of parseCommsNotifications(documentedPromptDone()).events) {
          assert.notEqual(event.kind, 'ignored');
          const update = applyCallEvent(record, event as CallRecordEvent, '2026-11-23T20:00:09.000Z');
          assert.equal(update.record, record);
          assert.deepEqual(update.changes, []);
        }
      }
    });
  });

  it('resources Rally does not follow are ignored, not errors', () => {
    const events = parseCommsNotifications({
      value: [
        { changeType: 'updated', resourceUrl: '/communications/calls/c1/audioRoutingGroups/g1', resourceData: { anything: 1 } },
        { changeType: 'created', resourceUrl: '/communications/onlineMeetings/m1', resourceData: null },
        {
          changeType: 'deleted',
          resourceUrl: '/communications/calls/c1/operations/op-9',
          resourceData: { status: 'unknownFutureValue', clientContext: 'x' },
        },
      ],
    }).events;
    assert.deepEqual(
      events.map((e) => e.kind),
      ['ignored', 'ignored', 'ignored'],
    );
    assert.equal((events[1] as { resourceUrl: string }).resourceUrl, '/communications/onlineMeetings/m1');
  });

  it('accepts an empty batch', () => {
    assert.deepEqual(parseCommsNotifications({ value: [] }).events, []);
  });

  describe('refuses a malformed body with InvalidNotificationError', () => {
    it('not an envelope', () => {
      invalid(null, /\(body\)/);
      invalid('value', /\(body\)/);
      invalid([], /\(body\)/);
      invalid({}, /value/);
      invalid({ '@odata.type': '#microsoft.graph.call', value: [] }, /commsNotifications/);
    });

    it('a notification without a resource or with an unknown changeType', () => {
      invalid(body({ changeType: 'updated', resourceData: {} }), /value\[0\]: needs a resourceUrl/);
      invalid(body({ changeType: 'moved', resourceUrl: '/communications/calls/c1', resourceData: {} }), /value\[0\]\.changeType/);
      invalid(body({ changeType: 'updated', resourceUrl: '/communications/calls/c1' }), /value\[0\]\.resourceData/);
    });

    it('wrong types in what Rally reads', () => {
      invalid(body({ changeType: 'updated', resourceUrl: '/communications/calls/c1', resourceData: { state: 'ringing' } }), /resourceData\.state/);
      invalid(body({ changeType: 'updated', resourceUrl: '/communications/calls/c1', resourceData: [] }), /resourceData/);
      invalid(
        body({ changeType: 'deleted', resourceUrl: '/communications/calls/c1', resourceData: { state: 'terminated', resultInfo: { code: 'abc' } } }),
        /resourceData\.resultInfo\.code/,
      );
      invalid(
        body({ changeType: 'deleted', resourceUrl: '/communications/calls/c1/operations/o', resourceData: { status: 'done', clientContext: 'x' } }),
        /resourceData\.status/,
      );
      invalid(
        body({ changeType: 'deleted', resourceUrl: '/communications/calls/c1/operations/o', resourceData: { status: 'completed', clientContext: 7 } }),
        /resourceData\.clientContext/,
      );
      invalid(body({ changeType: 'created', resourceUrl: '/communications/calls/c1/contentsharingsessions', resourceData: [{}] }), /resourceData\[0\]\.id/);
    });

    it('roster entries Rally cannot key or read', () => {
      const roster = (resourceData: unknown) => body({ changeType: 'updated', resourceUrl: '/communications/calls/c1/participants', resourceData });
      invalid(roster({}), /resourceData/);
      invalid(roster([{ id: null, info: { identity: {} } }]), /resourceData\[0\]: a participant needs an id/);
      invalid(roster([{ id: '', info: { identity: { user: { id: '' } } } }]), /resourceData\[0\]: a participant needs an id/);
      invalid(roster([{ id: 'p1' }]), /resourceData\[0\]\.info/);
      invalid(roster([{ id: 'p1', info: { identity: {} }, isMuted: 'yes' }]), /resourceData\[0\]\.isMuted/);
      invalid(roster([{ '@odata.type': '#microsoft.graph.deltaParticipants', participants: [] }]), /resourceData\[0\]\.sequenceNumber/);
      invalid(
        roster([{ '@odata.type': '#microsoft.graph.deltaParticipants', sequenceNumber: 1, participants: [] }, { id: 'p1', info: { identity: {} } }]),
        /mixes deltaParticipants/,
      );
    });

    it('leaves out each unreadable notification of a batch, names every one, and keeps the readable ones', () => {
      const good = (example('meeting-established')['value'] as Json[])[0]!;
      const bad = { changeType: 'updated', resourceUrl: '/communications/calls/c1', resourceData: { state: 1 } };
      const read = parseCommsNotifications({ value: [good, bad, bad] });
      assert.deepEqual(read.events, parseCommsNotifications({ value: [good] }).events);
      assert.equal(read.events.length, 1);
      assert.match(read.skipped.join('\n'), /value\[1\]\.resourceData\.state[^]*value\[2\]\.resourceData\.state/);
    });

    it('accepts the documented shapes it cannot use: a content-sharing item with no resourceData, a participant with only an id', () => {
      const sharing = { '@odata.type': '#microsoft.graph.commsNotification', changeType: 'deleted', resourceUrl: '/communications/calls/c1/contentsharingsessions/s1' };
      const roster = {
        '@odata.type': '#microsoft.graph.commsNotification',
        changeType: 'updated',
        resource: '/app/calls/c1/participants',
        resourceData: [
          { '@odata.type': '#microsoft.graph.participant', id: 'p1' },
          { '@odata.type': '#microsoft.graph.participant', id: 'p2', info: { identity: { user: { id: 'u2', displayName: 'Two' } } }, isMuted: false, isInLobby: false },
        ],
      };
      const read = parseCommsNotifications({ value: [sharing, roster] });
      assert.equal(read.skipped.length, 2);
      assert.deepEqual(read.events.map((e) => e.kind), ['roster']);
      assert.deepEqual((read.events[0] as { participants: { key: string }[] }).participants.map((p) => p.key), ['p2']);
    });
  });

  describe('refuses oversized input rather than processing it', () => {
    const participant = (i: number) => ({ id: `p${i}`, info: { identity: { user: { id: `u${i}` } } } });

    it(`more than ${MAX_NOTIFICATIONS_PER_BODY} notifications`, () => {
      const notification = (example('meeting-established')['value'] as Json[])[0]!;
      assert.equal(parseCommsNotifications({ value: Array(MAX_NOTIFICATIONS_PER_BODY).fill(notification) }).events.length, MAX_NOTIFICATIONS_PER_BODY);
      invalid({ value: Array(MAX_NOTIFICATIONS_PER_BODY + 1).fill(notification) }, /value/);
    });

    it(`a roster of more than ${MAX_ENTRIES_PER_NOTIFICATION} participants, full or delta`, () => {
      const many = Array.from({ length: MAX_ENTRIES_PER_NOTIFICATION + 1 }, (_, i) => participant(i));
      const url = '/communications/calls/c1/participants';
      invalid(body({ changeType: 'updated', resourceUrl: url, resourceData: many }), /resourceData/);
      const delta = (participants: unknown[], sequenceNumber: number) => ({ '@odata.type': '#microsoft.graph.deltaParticipants', sequenceNumber, participants });
      invalid(body({ changeType: 'updated', resourceUrl: url, resourceData: [delta(many, 1)] }), /resourceData\[0\]\.participants/);
      const half = many.slice(0, MAX_ENTRIES_PER_NOTIFICATION / 2 + 1);
      invalid(body({ changeType: 'updated', resourceUrl: url, resourceData: [delta(half, 1), delta(half, 2)] }), /more than 1000 participants/);
    });
  });

  describe('reads a full roster\'s participants as a delta roster reads them', () => {
    // A full roster checks plainly well-formed participants by hand, a delta roster always through the schema: a
    // participant must come out the same either way, and one the schema refuses must be left out of a full roster.
    const url = '/communications/calls/c1/participants';
    const participantsOf = (read: ReturnType<typeof parseCommsNotifications>): NotifiedParticipant[] =>
      read.events.flatMap((e) => (e.kind === 'roster' || e.kind === 'rosterDelta' ? e.participants : []));
    const full = (participant: unknown) => participantsOf(parseCommsNotifications(body({ changeType: 'updated', resourceUrl: url, resourceData: [participant] })));
    const delta = (participant: unknown) =>
      participantsOf(
        parseCommsNotifications(
          body({ changeType: 'updated', resourceUrl: url, resourceData: [{ '@odata.type': '#microsoft.graph.deltaParticipants', sequenceNumber: 1, participants: [participant] }] }),
        ),
      );
    // Each field is mostly well-formed, so that many participants are wholly so and the rest wrong in one or two places.
    const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
    const text = mostly(fc.oneof(fc.constantFrom(undefined, null, '', 'x'.repeat(2048)), fc.string()), fc.constantFrom('x'.repeat(2049), 7, true, {}));
    const flag = mostly(fc.constantFrom(undefined, null, true, false), fc.constantFrom('true', 0, 1));
    const whole = mostly(fc.oneof(fc.constantFrom(undefined, null), fc.integer()), fc.constantFrom(1.5, '12', 'x', Number.MAX_SAFE_INTEGER + 1, Number.NaN));
    const identity = mostly(fc.oneof(fc.constantFrom(undefined, null), fc.record({ id: text, displayName: text, '@odata.type': fc.string() }, { requiredKeys: [] })), fc.constantFrom('user', []));
    const identitySet = mostly(
      fc.record({ user: identity, phone: identity, guest: identity, applicationInstance: identity, application: identity, device: identity }, { requiredKeys: [] }),
      fc.constantFrom(undefined, null, [], 'x'),
    );
    const participant = mostly(
      fc.record(
        {
          id: text,
          info: mostly(fc.record({ identity: identitySet, languageId: fc.string() }, { requiredKeys: ['identity'] }), fc.constantFrom(undefined, null, [])),
          isMuted: flag,
          isInLobby: flag,
          rosterSequenceNumber: whole,
          removedState: mostly(fc.oneof(fc.constantFrom(undefined, null), fc.record({ reason: text }, { requiredKeys: [] })), fc.constantFrom('gone', [])),
          mediaStreams: fc.jsonValue(),
        },
        { requiredKeys: ['info'] },
      ),
      fc.constantFrom(null, [], 'p'),
    );

    it('on participants of arbitrary, mostly almost valid, shapes', () => {
      fc.assert(
        fc.property(participant, (p) => {
          let expected: NotifiedParticipant[] = [];
          try {
            expected = delta(p);
          } catch (error) {
            if (!(error instanceof InvalidNotificationError)) throw error;
          }
          assert.deepEqual(full(p), expected);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('never fails with anything but InvalidNotificationError', () => {
    function parsesOrRefuses(input: unknown): void {
      try {
        parseCommsNotifications(input);
      } catch (error) {
        if (!(error instanceof InvalidNotificationError)) throw error;
      }
    }

    it('on arbitrary values', () => {
      fc.assert(fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), parsesOrRefuses), { numRuns: 500 });
    });

    it('on envelopes of arbitrary notifications', () => {
      const resourceUrl = fc.oneof(
        fc.constantFrom('/communications/calls/c1', '/communications/calls/c1/participants', '/communications/calls/c1/operations/o', '/communications/calls/c1/contentsharingsessions', '/app/calls/c1'),
        fc.string(),
      );
      const notification = fc.record(
        { changeType: fc.constantFrom('created', 'updated', 'deleted', 'x'), resourceUrl, resource: resourceUrl, resourceData: fc.jsonValue() },
        { requiredKeys: ['changeType', 'resourceData'] },
      );
      fc.assert(fc.property(fc.array(notification, { maxLength: 5 }), (value) => parsesOrRefuses({ value })), { numRuns: 500 });
    });

    it('on documented bodies with one value replaced by garbage', () => {
      const bodies = Object.keys(EXPECTED).map(example);
      const paths = (node: unknown, path: (string | number)[] = []): (string | number)[][] =>
        typeof node === 'object' && node !== null
          ? Object.entries(node).flatMap(([key, child]) => [[...path, Array.isArray(node) ? Number(key) : key], ...paths(child, [...path, Array.isArray(node) ? Number(key) : key])])
          : [];
      const mutation = fc.integer({ min: 0, max: bodies.length - 1 }).chain((i) =>
        fc.tuple(fc.constant(i), fc.constantFrom(...paths(bodies[i])), fc.jsonValue()),
      );
      fc.assert(
        fc.property(mutation, ([i, path, garbage]) => {
          const mutated = structuredClone(bodies[i]) as Json;
          const parent = path.slice(0, -1).reduce<Json>((node, key) => node[key as string] as Json, mutated);
          parent[path.at(-1) as string] = garbage;
          parsesOrRefuses(mutated);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
