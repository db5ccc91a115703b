// The calling desk as the chat surface uses it: what it refuses, what it records, and what it asks Graph for. Calls
// are seeded into the stores as the desk records them, so each use case is tested without placing a call first.
import assert from 'node:assert/strict';
import { CallNotFoundError, WhichCallError } from '../../src/calling/errors.js';
import { CallingApiError, InvalidRequestError } from '../../src/calling/errors.js';
import { PolicyRefusedError } from '../../src/calling/policy/callPolicy.js';
import { handleText, withHandle } from '../../src/calling/records/callHandles.js';
import { callOf } from '../../src/calling/records/callDocument.js';
import { newCallRecord } from '../../src/calling/records/callRecord.js';
import type { CallKind, CallRecord } from '../../src/calling/records/callRecord.js';
import type { OperationRecord } from '../../src/calling/records/operationRecord.js';
import type { RosterEntry } from '../../src/calling/records/roster.js';
import type { CallState } from '../../src/calling/requests/graphTypes.js';
import { meetingById } from '../../src/calling/targets/meetingLink.js';
import type { E164 } from '../../src/calling/targets/phoneNumber.js';
import type { UserTarget } from '../../src/calling/targets/people.js';
import type { AuditRecord } from '../../src/calling/policy/auditTrail.js';
import type { RallyError } from '../../src/errors/rallyError.js';
import { AT, OPEN_POLICY, REQUESTER, TENANT_ID, buildCallDesk, chatRequest } from '../support/callDeskFixture.js';
import type { DeskFixture } from '../support/callDeskFixture.js';
import { missingPermission, noAnswerWithin } from '../support/graphRefusals.js';
import { reasonsInEnglish } from '../support/reasonsInEnglish.js';
import { sentence } from '../../src/i18n/sentence.js';
import { Translator } from '../../src/i18n/translator.js';

const adele: UserTarget = { kind: 'user', id: 'a1b2c3d4-0000-4000-8000-00000000ade1', displayName: 'Adele Vance' };
const alex: UserTarget = { kind: 'user', id: 'a1b2c3d4-0000-4000-8000-00000000a1e8', displayName: 'Alex Wilber' };
const callIdRef = (id: string) => ({ kind: 'callId' as const, id });
const handleRef = (number: number) => ({ kind: 'handle' as const, number });

/** A call of `chatKey` as the desk would have recorded it, with the chat's next handle. */
async function seedCall(
  f: DeskFixture,
  callId: string,
  kind: CallKind,
  options: { state?: CallState; chatKey?: string; targets?: UserTarget[]; roster?: RosterEntry[] } = {},
): Promise<CallRecord> {
  const chatKey = options.chatKey ?? 'chat-1';
  const chat = withHandle(await f.chats.get(chatKey), callId, AT);
  f.chats.put(chatKey, chat);
  const record = newCallRecord({
    callId,
    tenantId: TENANT_ID,
    kind,
    chatKey,
    handle: handleText(chat, callId)!,
    placedBy: REQUESTER,
    targets: options.targets ?? [],
    state: options.state ?? 'established',
    at: AT,
  });
  record.roster = options.roster ?? [];
  f.calls.put(callId, record);
  return record;
}

function inRoster(user: UserTarget, participantId: string): RosterEntry {
  return { key: participantId, participantId, kind: 'user', identityId: user.id, displayName: user.displayName!, muted: false, inLobby: false };
}

/** For assert.rejects: an error of `type` whose chat sentence is `message`. */
function refusedWith(message: RegExp | string, type: abstract new (...args: never[]) => RallyError = InvalidRequestError) {
  return (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.userMessage, message);
    else assert.match(error.userMessage, message);
    return true;
  };
}

describe('CallDesk', () => {
  let f: DeskFixture;
  beforeEach(() => {
    f = buildCallDesk();
  });

  describe('invite', () => {
    it('into a one-to-one call escalates it: a group call rings the person, and the one-to-one party moves in later', async () => {
      await seedCall(f, 'p2p-call', 'peerToPeer');
      const outcome = await f.desk.invite(chatRequest(), undefined, [alex]);
      assert.equal(outcome.kind, 'escalated');
      const create = f.api.only('createCall');
      assert.deepEqual(create.body.targets?.map((t) => t.identity.user?.id), [alex.id]);
      assert.equal(outcome.kind === 'escalated' && outcome.groupCall.pendingEscalation?.peerToPeerCallId, 'p2p-call');
    });

    it('into a phone call says Graph cannot make it a group call, and asks Graph nothing', async () => {
      await seedCall(f, 'pstn-call', 'pstn');
      await assert.rejects(f.desk.invite(chatRequest(), undefined, [alex]), refusedWith(/^#1 is a phone call, and Microsoft Graph cannot turn a phone call into a group call/));
      assert.deepEqual(f.api.requests, []);
    });

    it('sends one invite for one activity, however often it is delivered', async () => {
      await seedCall(f, 'group-call', 'group');
      const request = { ...chatRequest(), activityKey: 'message/chat-1/msg-7' };
      await Promise.all([f.desk.invite(request, undefined, [alex]), f.desk.invite(request, undefined, [alex])]);
      await f.desk.invite(request, undefined, [alex]);
      assert.equal(f.api.all('inviteParticipants').length, 1);
      await f.desk.invite({ ...request, activityKey: 'message/chat-1/msg-8' }, undefined, [alex]);
      assert.equal(f.api.all('inviteParticipants').length, 2, 'another message is another invite');
    });

    it('asks which call when the chat has more than one going on, and asks Graph nothing', async () => {
      await seedCall(f, 'group-1', 'group');
      await seedCall(f, 'group-2', 'group');
      await assert.rejects(f.desk.invite(chatRequest(), undefined, [alex]), refusedWith(/^This chat has 2 calls going on \(#1, #2\): which one\?/, WhichCallError));
      assert.deepEqual(f.api.requests, []);
    });

    it("keeps the requester's locale and time zone on the invite's operation", async () => {
      await seedCall(f, 'group-call', 'group');
      const outcome = await f.desk.invite({ ...chatRequest(), locale: 'ja-JP', timeZone: 'Asia/Tokyo' }, undefined, [alex]);
      const { operation } = outcome as Extract<typeof outcome, { kind: 'invited' }>;
      const stored = await f.operations.get(operation.clientContext);
      assert.deepEqual([stored?.locale, stored?.timeZone], ['ja-JP', 'Asia/Tokyo']);
    });

    it('records the operation and the ringing invitee before the invite leaves for Graph', async () => {
      await seedCall(f, 'group-call', 'group', { targets: [adele] });
      // Graph's result notification can overtake its answer, so what it refers to must be stored by then.
      let storedWhenSent: { operation?: OperationRecord; call?: CallRecord } | undefined;
      const send = f.api.inviteParticipants.bind(f.api);
      f.api.inviteParticipants = async (tenantId, callId, body) => {
        storedWhenSent = { operation: await f.operations.get(body.clientContext), call: await f.desk.callInChat(chatRequest(), callIdRef(callId)) };
        return send(tenantId, callId, body);
      };

      const outcome = await f.desk.invite(chatRequest(), undefined, [alex]);
      assert.equal(outcome.kind, 'invited');
      const { operation } = outcome as Extract<typeof outcome, { kind: 'invited' }>;

      const sent = f.api.only('inviteParticipants');
      assert.equal(sent.callId, 'group-call');
      assert.deepEqual(sent.body.participants.map((p) => p.identity.user?.id), [alex.id]);
      assert.equal(sent.body.clientContext, operation.clientContext);
      assert.equal(storedWhenSent?.operation?.callId, 'group-call');
      assert.deepEqual(storedWhenSent?.operation?.participants, [alex]);
      const invitee = storedWhenSent?.call?.invitees.find((i) => i.target.kind === 'user' && i.target.id === alex.id);
      assert.deepEqual([invitee?.outcome, invitee?.clientContext], ['ringing', operation.clientContext]);
    });

    it('forgets the operation and the invitee when Graph refuses the invite', async () => {
      await seedCall(f, 'group-call', 'group', { targets: [adele] });
      const refused = missingPermission('Calls.InitiateGroupCall.All');
      const send = f.api.inviteParticipants.bind(f.api);
      f.api.inviteParticipants = async (tenantId, callId, body) => {
        await send(tenantId, callId, body);
        throw refused;
      };

      await assert.rejects(f.desk.invite(chatRequest(), handleRef(1), [alex]), (error) => error === refused);

      const { clientContext } = f.api.only('inviteParticipants').body;
      assert.equal(await f.operations.get(clientContext), undefined);
      const call = await f.desk.callInChat(chatRequest(), handleRef(1));
      assert.deepEqual(call.invitees.map((i) => i.target), [adele]);
    });
    it('keeps the operation of an invite whose answer was lost, so a redelivery sends nothing, and shows nobody ringing', async () => {
      await seedCall(f, 'group-call', 'group', { targets: [adele] });
      const lost = noAnswerWithin(1);
      const send = f.api.inviteParticipants.bind(f.api);
      f.api.inviteParticipants = async (tenantId, callId, body) => {
        await send(tenantId, callId, body);
        throw lost;
      };
      const request = { ...chatRequest(), activityKey: 'message/chat-1/msg-lost' };

      await assert.rejects(f.desk.invite(request, handleRef(1), [alex]), (error) => error === lost);
      await f.desk.invite(request, handleRef(1), [alex]);

      assert.equal(f.api.all('inviteParticipants').length, 1, 'the redelivery sent nothing');
      const { clientContext } = f.api.only('inviteParticipants').body;
      assert.equal((await f.operations.get(clientContext))?.status, 'running');
      const call = await f.desk.callInChat(chatRequest(), handleRef(1));
      assert.deepEqual(call.invitees.map((i) => i.target), [adele]);
    });

    it('keeps an invitee whose result came before the lost answer turned into an error', async () => {
      await seedCall(f, 'group-call', 'group', { targets: [adele] });
      const send = f.api.inviteParticipants.bind(f.api);
      f.api.inviteParticipants = async (tenantId, callId, body) => {
        await send(tenantId, callId, body);
        // Graph's result notification overtook the answer that never came: Alex joined.
        await f.calls.update(callId, (document) => {
          const call = callOf(document)!;
          return { ...call, invitees: call.invitees.map((i) => (i.clientContext === body.clientContext ? { ...i, outcome: 'joined' as const } : i)) };
        });
        throw noAnswerWithin(1);
      };

      await assert.rejects(f.desk.invite(chatRequest(), handleRef(1), [alex]), CallingApiError);

      const call = await f.desk.callInChat(chatRequest(), handleRef(1));
      assert.deepEqual(call.invitees.map((i) => [i.target, i.outcome]), [[adele, 'ringing'], [alex, 'joined']]);
    });

    it('keeps the participant Graph\'s answer names for each person it rings, so that ring can be cancelled', async () => {
      await seedCall(f, 'group-call', 'group', { targets: [adele] });
      const phone = { kind: 'phone' as const, number: '+14255550100' as E164 };
      const send = f.api.inviteParticipants.bind(f.api);
      f.api.inviteParticipants = async (tenantId, callId, body) => ({
        ...(await send(tenantId, callId, body)),
        participants: [
          { id: 'p-alex', identity: { user: { id: alex.id.toUpperCase() } } },
          { id: 'p-phone', identity: { phone: { id: '+14255550100' } } },
        ],
      });

      const outcome = await f.desk.invite(chatRequest(), undefined, [alex, phone]);

      const stored = await f.desk.callInChat(chatRequest(), handleRef(1));
      const ids = stored.invitees.map((i) => [i.target, i.participantId]);
      assert.deepEqual(ids, [[adele, undefined], [alex, 'p-alex'], [phone, 'p-phone']], 'the call\'s own targets have none');
      assert.deepEqual(outcome.kind === 'invited' && outcome.call.invitees.map((i) => i.participantId), [undefined, 'p-alex', 'p-phone'], 'the card gets them at once');
    });

    it('writes nothing more when Graph\'s answer names no participant (the documents print null)', async () => {
      await seedCall(f, 'group-call', 'group');
      const writes = f.calls.writes;
      await f.desk.invite(chatRequest(), undefined, [alex]);
      assert.equal(f.calls.writes, writes + 1, 'only the ringing invitee, before the invite left');
    });
  });

  describe('move', () => {
    it('refuses to move someone from a call into the same call', async () => {
      await seedCall(f, 'meeting-a', 'meeting', { roster: [inRoster(adele, 'p-adele')] });
      await assert.rejects(f.desk.move(chatRequest(), adele, handleRef(1), handleRef(1)), refusedWith('Name two different calls to move someone between.'));
      assert.deepEqual(f.api.requests, []);
    });

    it('refuses someone who is not in the call they are moved from', async () => {
      await seedCall(f, 'meeting-a', 'meeting', { roster: [inRoster(alex, 'p-alex')] });
      await seedCall(f, 'meeting-b', 'meeting');
      await assert.rejects(f.desk.move(chatRequest(), adele, handleRef(1), handleRef(2)), refusedWith('Adele Vance is not in #1 right now.'));
      assert.deepEqual(f.api.requests, []);
    });

    it("keeps the requester's locale and time zone on the move's operation", async () => {
      await seedCall(f, 'meeting-a', 'meeting', { roster: [inRoster(adele, 'p-adele')] });
      await seedCall(f, 'meeting-b', 'meeting');
      const { operation } = await f.desk.move({ ...chatRequest(), locale: 'es-MX', timeZone: 'America/Mexico_City' }, adele, handleRef(1), handleRef(2));
      const stored = await f.operations.get(operation.clientContext);
      assert.deepEqual([stored?.kind, stored?.locale, stored?.timeZone], ['move', 'es-MX', 'America/Mexico_City']);
    });

    it('invites the person into the second call by their participant id in the first', async () => {
      await seedCall(f, 'meeting-a', 'meeting', { roster: [inRoster(alex, 'p-alex'), inRoster(adele, 'p-adele')] });
      await seedCall(f, 'meeting-b', 'meeting');

      await f.desk.move(chatRequest(), adele, handleRef(1), handleRef(2));

      const sent = f.api.only('inviteParticipants');
      assert.equal(sent.callId, 'meeting-b');
      const [participant] = sent.body.participants;
      assert.equal(participant?.participantId, 'p-adele');
      assert.equal(participant?.replacesCallId, 'meeting-a');
      assert.equal(participant?.identity.user?.id, adele.id);
    });
  });

  describe('hangUp', () => {
    it('hangs up the chat\'s one live call when none is named', async () => {
      await seedCall(f, 'ended-call', 'group', { state: 'terminated' });
      await seedCall(f, 'live-call', 'group');
      await f.desk.hangUp(chatRequest(), undefined);
      assert.equal(f.api.only('hangUp').callId, 'live-call');
    });

    it('never guesses which of two live calls to hang up: it asks, naming both', async () => {
      await seedCall(f, 'older-call', 'group');
      await seedCall(f, 'newer-call', 'group');
      await assert.rejects(f.desk.hangUp(chatRequest(), undefined), refusedWith(/^This chat has 2 calls going on \(#1, #2\): which one\? Say "hangup #1"/, WhichCallError));
      assert.deepEqual(f.api.requests, []);
    });

    it('is refused with CallNotFoundError when the chat has no live call', async () => {
      await seedCall(f, 'ended-call', 'group', { state: 'terminated' });
      await assert.rejects(f.desk.hangUp(chatRequest(), undefined), refusedWith(/^This chat has no call going on/, CallNotFoundError));
      assert.deepEqual(f.api.requests, []);
    });

    it('says a named call has ended', async () => {
      await seedCall(f, 'ended-call', 'group', { state: 'terminated' });
      await assert.rejects(f.desk.hangUp(chatRequest(), handleRef(1)), refusedWith('#1 has ended.', CallNotFoundError));
      assert.deepEqual(f.api.requests, []);
    });

    describe('a call still being confirmed (its create answer was lost)', () => {
      const lostAnswer = () => {
        const createCall = f.api.createCall.bind(f.api);
        f.api.createCall = async (tenantId, body) => {
          await createCall(tenantId, body);
          throw noAnswerWithin(1);
        };
      };

      it('records the wish on its intent, sends nothing now, and hangs the call up once it is known', async () => {
        lostAnswer();
        await assert.rejects(f.desk.placeCall({ ...chatRequest(), activityKey: 'message/chat-1/lost' }, [adele]), (error: RallyError) => /may be ringing/.test(error.userMessage));
        assert.deepEqual(await f.desk.hangUp(chatRequest(), undefined), { kind: 'whenConfirmed' });
        assert.equal(f.api.all('hangUp').length, 0);

        const [intentId] = (await f.chats.get('chat-1'))!.confirming!;
        const intent = (await f.intents.get(intentId!))!;
        assert.equal(intent.hangUpAskedBy?.id, REQUESTER.id);
        const call = await f.protocol.record({ ...intent, step: 'sent' }, 'found-call', 'establishing', { needsCard: true });
        assert.equal(call.pendingHangUp, true);
        assert.equal(call.endedBy?.id, REQUESTER.id);
        assert.deepEqual(f.jobs.followUps, ['found-call'], 'the hang-up is a durable step of the follow-up');
        assert.equal((await f.chats.get('chat-1'))!.confirming, undefined, 'the chat no longer waits for it');

        await f.desk.continueHangUp(call);
        assert.deepEqual(f.api.all('hangUp').map((r) => r.callId), ['found-call']);
        assert.equal((await f.desk.call('found-call'))!.pendingHangUp, undefined);
      });

      it('says there is no call when none is being confirmed either', async () => {
        await assert.rejects(f.desk.hangUp(chatRequest(), undefined), CallNotFoundError);
      });

      it("tells the chat when Graph refuses to hang it up, and the call goes on with nobody named as ending it", async () => {
        await seedCall(f, 'found-call', 'group');
        await f.calls.update('found-call', (d) => ({ ...callOf(d)!, pendingHangUp: true, endedBy: REQUESTER }));
        f.api.hangUp = async () => {
          throw missingPermission('Calls.JoinGroupCall.All');
        };
        await f.desk.continueHangUp((await f.desk.call('found-call'))!);
        const call = (await f.desk.call('found-call'))!;
        assert.equal(call.pendingHangUp, undefined);
        assert.equal(call.endedBy, undefined);
        assert.deepEqual(reasonsInEnglish(call.unreported), [{ kind: 'hangUpFailed', reason: "Rally lacks the Microsoft Graph application permission Calls.JoinGroupCall.All; ask an admin to grant it to Rally's app registration and give admin consent." }]);
      });
    });
  });

  describe('mute and remove', () => {
    const lee: UserTarget = { kind: 'user', id: 'a1b2c3d4-0000-4000-8000-0000000001ee', displayName: 'Lee Gu' };
    const adeleById: UserTarget = { kind: 'user', id: adele.id.toUpperCase() };
    const person = (target: UserTarget) => ({ kind: 'person' as const, target });
    const participant = (participantId: string) => ({ kind: 'participant' as const, participantId });

    /** A group call #1 with Adele and Alex in it, and Lee still ringing under an invite Graph named `p-lee` for. */
    async function groupCall(options: { kind?: CallKind; chatKey?: string } = {}): Promise<void> {
      const record = await seedCall(f, 'group-call', options.kind ?? 'group', { targets: [adele, alex], roster: [inRoster(adele, 'p-adele'), inRoster(alex, 'p-alex')], ...(options.chatKey ? { chatKey: options.chatKey } : {}) });
      record.invitees.push({ target: lee, outcome: 'ringing', clientContext: 'ctx-lee', participantId: 'p-lee' });
      f.calls.put('group-call', record);
    }

    it('mutes someone in the chat\'s one group call by their participant id, and names them', async () => {
      await seedCall(f, 'p2p-call', 'peerToPeer');
      await groupCall();
      const change = await f.desk.mute(chatRequest(), undefined, person(alex));
      assert.deepEqual([change.kind, change.call.callId, change.name], ['muting', 'group-call', 'Alex Wilber']);
      const sent = f.api.only('muteParticipant');
      assert.deepEqual([sent.callId, sent.participantId, typeof sent.body.clientContext], ['group-call', 'p-alex', 'string']);
    });

    it('finds a person by object id in any case, named as the roster names them, and in a meeting', async () => {
      await groupCall({ kind: 'meeting' });
      const change = await f.desk.mute(chatRequest(), handleRef(1), person(adeleById));
      assert.equal(change.name, 'Adele Vance');
      assert.equal(f.api.only('muteParticipant').participantId, 'p-adele');
    });

    it('mutes by the participant id a card button carries', async () => {
      await groupCall();
      const change = await f.desk.mute(chatRequest(), callIdRef('group-call'), participant('p-adele'));
      assert.equal(change.name, 'Adele Vance');
      assert.equal(f.api.only('muteParticipant').participantId, 'p-adele');
    });

    it('names nobody neither Rally nor the roster names, for each language to say who in its own words', async () => {
      await groupCall();
      const record = callOf(await f.calls.get('group-call'))!;
      const unnamed: RosterEntry = { key: 'p-anon', participantId: 'p-anon', kind: 'user', muted: false, inLobby: false };
      f.calls.put('group-call', { ...record, roster: [...record.roster, unnamed] });
      const change = await f.desk.mute(chatRequest(), undefined, participant('p-anon'));
      assert.deepEqual([change.kind, change.name], ['muting', undefined]);
      f.calls.put('group-call', { ...record, roster: [...record.roster, { ...unnamed, muted: true }] });
      const refusal = await f.desk.mute(chatRequest(), undefined, participant('p-anon')).then(() => assert.fail('muted twice'), (error: RallyError) => error);
      assert.equal(refusal.userMessage, 'That person is already muted in #1.');
      assert.equal(new Translator({ locale: 'fr' }).say(refusal.sentence), 'Le micro de cette personne est déjà coupé dans #1.');
    });

    it('removes someone in the call, and cancels the invite of someone still ringing', async () => {
      await groupCall();
      const removed = await f.desk.remove(chatRequest(), undefined, person(alex));
      const cancelled = await f.desk.remove(chatRequest(), handleRef(1), participant('p-lee'));
      assert.deepEqual([removed.kind, removed.name], ['removing', 'Alex Wilber']);
      assert.deepEqual([cancelled.kind, cancelled.name], ['cancellingInvite', 'Lee Gu']);
      assert.deepEqual(f.api.all('removeParticipant').map((r) => [r.callId, r.participantId]), [['group-call', 'p-alex'], ['group-call', 'p-lee']]);
    });

    const refusals: [string, () => Promise<unknown>, RegExp | string, (abstract new (...args: never[]) => RallyError)?][] = [
      ['mute on a one-to-one call', async () => {
        await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [alex], roster: [inRoster(alex, 'p-alex')] });
        return f.desk.mute(chatRequest(), undefined, person(alex));
      }, '#1 is a one-to-one call, and Microsoft Graph can mute people only in group calls and meetings.'],
      ['mute on a phone call', async () => {
        await seedCall(f, 'pstn-call', 'pstn');
        return f.desk.mute(chatRequest(), handleRef(1), person(alex));
      }, '#1 is a phone call, and Microsoft Graph can mute people only in group calls and meetings.'],
      ['remove on a one-to-one call', async () => {
        await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [alex] });
        return f.desk.remove(chatRequest(), undefined, person(alex));
      }, '#1 is a one-to-one call: removing the other person would end it, so say "hangup #1" instead.'],
      ['mute on someone not in the call', async () => {
        await groupCall();
        return f.desk.mute(chatRequest(), undefined, person({ kind: 'user', id: 'someone-else', displayName: 'Nestor Wilke' }));
      }, 'Nestor Wilke is not in #1 right now.'],
      ['mute on someone still ringing', async () => {
        await groupCall();
        return f.desk.mute(chatRequest(), undefined, person(lee));
      }, 'Lee Gu is not in #1 right now.'],
      ['mute on someone muted already', async () => {
        await groupCall();
        const record = callOf(await f.calls.get('group-call'))!;
        f.calls.put('group-call', { ...record, roster: record.roster.map((e) => ({ ...e, muted: true })) });
        return f.desk.mute(chatRequest(), undefined, person(alex));
      }, 'Alex Wilber is already muted in #1.'],
      ['remove on someone not in the call, or a stale button', async () => {
        await groupCall();
        return f.desk.remove(chatRequest(), undefined, participant('p-gone'));
      }, 'That person is not in #1 right now.'],
      ['remove on a ring Graph named no participant for', async () => {
        await seedCall(f, 'group-call', 'group', { targets: [adele, lee], roster: [inRoster(adele, 'p-adele')] });
        return f.desk.remove(chatRequest(), undefined, person(lee));
      }, 'Microsoft Graph gave Rally no way to cancel the ring to Lee Gu; it stops by itself when they answer or it times out.'],
      ['remove on an ended call', async () => {
        await seedCall(f, 'group-call', 'group', { state: 'terminated', targets: [alex], roster: [inRoster(alex, 'p-alex')] });
        return f.desk.remove(chatRequest(), handleRef(1), person(alex));
      }, '#1 has ended.', CallNotFoundError],
      ['remove with no call going on', async () => f.desk.remove(chatRequest(), undefined, person(alex)), /^This chat has no call going on/, CallNotFoundError],
      ['mute in a call of another chat', async () => {
        await groupCall({ chatKey: 'chat-2' });
        return f.desk.mute(chatRequest(), callIdRef('group-call'), person(alex));
      }, /^This chat has no call group-call\./, CallNotFoundError],
    ];
    for (const [what, attempt, sentence, type] of refusals) {
      it(`refuses ${what} in one sentence, and asks Graph nothing`, async () => {
        await assert.rejects(attempt(), refusedWith(sentence, type));
        assert.deepEqual(f.api.requests, []);
      });
    }

    it('asks which call when the chat has two group calls going on', async () => {
      await groupCall();
      await seedCall(f, 'meeting', 'meeting');
      await assert.rejects(f.desk.remove(chatRequest(), undefined, person(alex)), refusedWith(/^This chat has 2 calls going on \(#1, #2\): which one\? Say "remove … from #1"/, WhichCallError));
      assert.deepEqual(f.api.requests, []);
    });

    it('asks which call in the reader\'s own command words', async () => {
      await groupCall();
      await seedCall(f, 'meeting', 'meeting');
      const refusal = await f.desk.mute(chatRequest(), undefined, person(alex)).then(() => assert.fail('muted in a call of two'), (error: RallyError) => error);
      assert.match(new Translator({ locale: 'fr' }).say(refusal.sentence), /lequel \? Dites par exemple « muet … dans #1 »\.$/);
      assert.match(new Translator({ locale: 'ja' }).say(refusal.sentence), /たとえば「ミュート … in #1」と入力してください。$/);
    });

    it('takes the right to change calls', async () => {
      f = buildCallDesk({ policy: { ...OPEN_POLICY, allowedCallers: ['00000000-0000-4000-8000-0000000000ff'] } });
      await groupCall();
      await assert.rejects(f.desk.mute(chatRequest(), undefined, person(alex)), refusedWith(/not allowed to place or change calls/, PolicyRefusedError));
      await assert.rejects(f.desk.remove(chatRequest(), undefined, person(alex)), PolicyRefusedError);
      assert.deepEqual(f.api.requests, []);
    });

    it('passes on Graph\'s refusal, and records nothing', async () => {
      await groupCall();
      const gone = new CallingApiError('participantNotFound', sentence('graph.participantGone'), { status: 404 });
      f.api.removeParticipant = async () => {
        throw gone;
      };
      const writes = f.calls.writes;
      await assert.rejects(f.desk.remove(chatRequest(), undefined, person(alex)), (error) => error === gone);
      assert.equal(f.calls.writes, writes);
    });

    it('audits each request, with whom the chat named', async () => {
      const records: AuditRecord[] = [];
      f = buildCallDesk({ audit: { record: (entry) => records.push(entry) } });
      await groupCall();
      await f.desk.mute(chatRequest(), undefined, person(alex));
      await assert.rejects(f.desk.remove(chatRequest(), undefined, person(lee)).then(() => f.desk.remove(chatRequest(), undefined, participant('p-gone'))));
      assert.deepEqual(
        records.map((r) => [r.audit, r.users, r.callId, r.outcome, r.code]),
        [
          ['participantMuted', [alex.id], 'group-call', 'accepted', undefined],
          ['participantRemoved', [lee.id], 'group-call', 'accepted', undefined],
          ['participantRemoved', [], 'group-call', 'refused', 'notInCall'],
        ],
      );
    });
  });

  describe('status and liveCalls', () => {
    it('lists the chat\'s live calls newest first, without the ended ones', async () => {
      await seedCall(f, 'first-call', 'group');
      await seedCall(f, 'ended-call', 'group', { state: 'terminated' });
      await seedCall(f, 'third-call', 'meeting', { state: 'establishing' });
      await seedCall(f, 'other-chat-call', 'group', { chatKey: 'chat-2' });

      const live = await f.desk.liveCalls(chatRequest());

      assert.deepEqual(live.map((c) => c.callId), ['third-call', 'first-call']);
    });

    it('shows the most recent live call, or the named one even when it has ended', async () => {
      await seedCall(f, 'ended-call', 'group', { state: 'terminated' });
      await seedCall(f, 'live-call', 'group');
      await seedCall(f, 'ended-later', 'group', { state: 'terminated' });

      assert.equal((await f.desk.status(chatRequest(), undefined)).callId, 'live-call');
      assert.equal((await f.desk.status(chatRequest(), handleRef(1))).callId, 'ended-call');
    });
  });

  describe('callInChat', () => {
    it('does not find a call of another chat, by id or by handle', async () => {
      await seedCall(f, 'their-call', 'group', { chatKey: 'chat-2' });
      await assert.rejects(f.desk.callInChat(chatRequest(), callIdRef('their-call')), refusedWith(/^This chat has no call their-call\./, CallNotFoundError));
      await assert.rejects(f.desk.callInChat(chatRequest(), handleRef(1)), refusedWith(/^This chat has no call #1\./, CallNotFoundError));
      assert.equal((await f.desk.callInChat(chatRequest('chat-2'), handleRef(1))).callId, 'their-call');
    });
  });

  describe('policy', () => {
    it('refuses before anything is sent to Graph or recorded', async () => {
      f = buildCallDesk({ policy: { ...OPEN_POLICY, allowedCallers: ['00000000-0000-4000-8000-0000000000ff'] } });
      await seedCall(f, 'group-call', 'group');
      const writes = f.operations.writes;

      await assert.rejects(f.desk.invite(chatRequest(), undefined, [alex]), refusedWith(/not allowed to place or change calls/, PolicyRefusedError));
      await assert.rejects(f.desk.placeCall(chatRequest(), [alex]), PolicyRefusedError);

      assert.deepEqual(f.api.requests, []);
      assert.equal(f.operations.writes, writes);
    });
  });

  describe('openBridge', () => {
    const allIntents = async () => {
      const found = [];
      for await (const key of f.intents.keys()) found.push(await f.intents.get(key));
      return found;
    };

    it("makes the requester's meeting with the subject given, in the language their Teams client named, and joins it", async () => {
      const call = await f.desk.openBridge({ ...chatRequest(), activityKey: 'message/chat-1/msg-b', locale: 'fr-FR' }, 'Sev1: checkout down');
      const [made] = f.api.all('createOrGetMeeting');
      assert.deepEqual([made?.organizerId, made?.body.subject, made?.language], [REQUESTER.id, 'Sev1: checkout down', 'fr-FR']);
      assert.equal(f.api.all('createCall').length, 1);
      assert.equal(call.bridge?.subject, 'Sev1: checkout down');
      const [intent] = await allIntents();
      const { meeting: _meeting, ...asked } = intent!.bridge!;
      assert.deepEqual(asked, { subject: 'Sev1: checkout down', organizerId: REQUESTER.id, language: 'fr-FR' }, 'what was asked is on its intent');
    });

    it('without a locale asks Graph in no language of its own', async () => {
      await f.desk.openBridge({ ...chatRequest(), activityKey: 'message/chat-1/msg-c' }, 'Sev2');
      const made = f.api.all('createOrGetMeeting')[0]!;
      assert.ok(!('language' in made), JSON.stringify(made));
      const [intent] = await allIntents();
      assert.ok(intent?.bridge && !('language' in intent.bridge), 'none recorded either');
    });

    it('refuses someone Teams named by no Entra object id, since Graph needs an organizer, and sends or records nothing', async () => {
      for (const id of ['29:1a2b3c-teams-id', '', 'not-a-guid', '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5']) {
        const request = { ...chatRequest(), requestedBy: { id, name: 'Megan Bowen' }, activityKey: `message/chat-1/${id}` };
        await assert.rejects(f.desk.openBridge(request, 'Sev1'), (error: unknown) => {
          assert.ok(error instanceof InvalidRequestError, String(error));
          assert.equal(error.code, 'bridgeNeedsOrganizer', id);
          return true;
        });
      }
      assert.deepEqual(f.api.requests, []);
      assert.deepEqual(await allIntents(), []);
    });

    it('refuses someone the policy does not let place calls, before anything is sent or recorded', async () => {
      f = buildCallDesk({ policy: { ...OPEN_POLICY, allowedCallers: ['00000000-0000-4000-8000-0000000000ff'] } });
      await assert.rejects(f.desk.openBridge({ ...chatRequest(), activityKey: 'message/chat-1/msg-p' }, 'Sev1'), refusedWith(/not allowed to place or change calls/, PolicyRefusedError));
      assert.deepEqual(f.api.requests, []);
      assert.deepEqual(await allIntents(), []);
    });
  });

  // Loose on purpose: these use cases are being reshaped; only the Graph request each one makes is pinned here.
  describe('the Graph request each call-placing use case makes', () => {
    const targetIds = (body: { targets?: { identity: { user?: { id?: string } | null } }[] }) => body.targets?.map((t) => t.identity.user?.id);

    it('placeCall rings the people named', async () => {
      await f.desk.placeCall(chatRequest(), [adele]);
      assert.deepEqual(targetIds(f.api.only('createCall').body), [adele.id]);
    });

    it('joinMeeting joins the meeting by its id', async () => {
      await f.desk.joinMeeting(chatRequest(), meetingById('123 456 789', 'abc'));
      const { meetingInfo } = f.api.only('createCall').body;
      assert.ok(meetingInfo && 'joinMeetingId' in meetingInfo);
      assert.equal(meetingInfo.joinMeetingId, '123456789');
    });

    it('escalate whose group call is already established when recorded (its notifications came first) leaves the invite to the follow-up job, and succeeds', async () => {
      await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [adele] });
      // The group call's notifications beat Graph's answer: Rally keeps them in a placeholder until it records the call.
      const createCall = f.api.createCall.bind(f.api);
      f.api.createCall = async (tenantId, body) => {
        const call = await createCall(tenantId, body);
        await f.calls.update(call.id, () => ({
          placeholder: true,
          callId: call.id,
          createdAt: AT,
          events: [{ event: { kind: 'callState', callId: call.id, changeType: 'updated', state: 'established' }, at: AT }],
        }));
        return call;
      };

      const group = await f.desk.escalate(chatRequest(), undefined, [alex]);

      assert.equal(group.state, 'established');
      assert.equal(group.pendingEscalation?.peerToPeerCallId, 'p2p-call');
      assert.deepEqual(f.api.all('inviteParticipants'), [], 'no invite inside the command');
      assert.deepEqual(f.jobs.followUps, [group.callId], 'the follow-up job takes the escalation\'s second step');
    });

    it('invite of a person and a phone number into a one-to-one call: the group call rings the person, and the number is invited once the party moved in', async () => {
      await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [adele] });
      const phone = { kind: 'phone' as const, number: '+14255550100' as E164 };

      const outcome = await f.desk.invite(chatRequest(), undefined, [alex, phone]);
      assert.equal(outcome.kind, 'escalated');
      assert.deepEqual(targetIds(f.api.only('createCall').body), [alex.id], 'a group call rings Teams users only');

      const group = outcome.kind === 'escalated' ? outcome.groupCall : assert.fail('not escalated');
      f.api.requests.length = 0;
      const established = callOf(await f.calls.update(group.callId, (d) => d && { ...callOf(d)!, state: 'established' }));
      await f.escalation.continue(established!);
      const invites = f.api.all('inviteParticipants').map((q) => q.body.participants.map((p) => p.identity.user?.id ?? p.identity.phone?.id));
      assert.deepEqual(invites, [[adele.id], ['+14255550100']], 'the party moves in first, then the number is invited');
    });

    describe('the escalation\'s second step', () => {
      const phone = { kind: 'phone' as const, number: '+14255550100' as E164 };
      const invited = () => f.api.all('inviteParticipants').map((q) => q.body.participants.map((p) => p.identity.user?.id ?? p.identity.phone?.id));

      async function establishedEscalation() {
        await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [adele] });
        const outcome = await f.desk.invite(chatRequest(), undefined, [alex, phone]);
        const group = outcome.kind === 'escalated' ? outcome.groupCall : assert.fail('not escalated');
        return callOf(await f.calls.update(group.callId, (d) => d && { ...callOf(d)!, state: 'established' }))!;
      }

      it('sends each of its invites once, however often it runs: at once, or again from an older copy of the call', async () => {
        const group = await establishedEscalation();
        await Promise.all([f.escalation.continue(group), f.escalation.continue(group)]);
        await f.escalation.continue(group);
        assert.deepEqual(invited(), [[adele.id], ['+14255550100']]);
        assert.equal(callOf(await f.calls.get(group.callId))?.pendingEscalation, undefined);
      });

      it('is taken over once the claim of a run cut short before its move was recorded lapses, and sent then', async () => {
        const group = await establishedEscalation();
        const update = f.operations.update.bind(f.operations);
        f.operations.update = async () => {
          throw new Error('store unavailable');
        };
        await assert.rejects(f.escalation.continue(group), /store unavailable/);
        f.operations.update = update;
        assert.deepEqual(f.jobs.laterFollowUps, [{ callId: group.callId, at: new Date(f.clock.now() + 35_000) }], 'the look-again is recorded');

        const current = async () => callOf(await f.calls.get(group.callId))!;
        await f.escalation.continue(await current());
        f.clock.advance(34_999);
        await f.escalation.continue(await current());
        assert.deepEqual(invited(), [], 'nobody else sends while the claim is fresh');

        f.clock.advance(1);
        await f.escalation.continue(await current());
        assert.deepEqual(invited(), [[adele.id], ['+14255550100']]);
        const after = await current();
        assert.equal(after.pendingEscalation, undefined);
        assert.deepEqual((after.unreported ?? []).filter((n) => n.kind.startsWith('escalation')), [], 'nothing to say: the move went as asked');
      });

      it('is taken over after a run that died sending the move: the move is not sent again, the chat hears Rally cannot tell, the number is invited', async () => {
        const group = await establishedEscalation();
        const sent: string[] = [];
        let moveSent!: () => void;
        const moving = new Promise<void>((resolve) => (moveSent = resolve));
        const send = f.api.inviteParticipants.bind(f.api);
        f.api.inviteParticipants = async (tenantId, callId, body) => {
          sent.push(body.participants.map((p) => p.identity.user?.id ?? p.identity.phone?.id).join());
          if (sent.length > 1) return send(tenantId, callId, body);
          // The first request never comes back: the run that sent it is as good as dead.
          moveSent();
          return new Promise(() => {});
        };
        void f.escalation.continue(group);
        await moving;

        f.clock.advance(35_000);
        await f.escalation.continue(callOf(await f.calls.get(group.callId))!);
        assert.deepEqual(sent, [adele.id, '+14255550100'], 'the move once, then the number');
        const after = callOf(await f.calls.get(group.callId))!;
        assert.equal(after.pendingEscalation, undefined);
        assert.deepEqual(after.unreported?.at(-1), { kind: 'escalationUnknown' });
      });

      it('ends when Graph refuses the move, with why as news for the group call\'s chat, and invites nobody else', async () => {
        const group = await establishedEscalation();
        const asked: string[] = [];
        f.api.inviteParticipants = async (_tenantId, _callId, body) => {
          asked.push(body.participants.map((p) => p.identity.user?.id ?? p.identity.phone?.id).join());
          throw new CallingApiError('callNotFound', sentence('graph.callGone'), { status: 404 });
        };

        assert.equal(await f.escalation.continue(group), undefined);
        const after = callOf(await f.calls.get(group.callId))!;
        assert.equal(after.pendingEscalation, undefined);
        assert.deepEqual(reasonsInEnglish(after.unreported?.at(-1)), { kind: 'escalationFailed', reason: 'That call no longer exists; it may have ended already.' });
        assert.deepEqual(asked, [adele.id], 'the number is not invited without the party');
      });
    });

    it("keeps the requester's language on the group call, and on the move its escalation sends later", async () => {
      await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [adele] });
      const group = await f.desk.escalate({ ...chatRequest(), locale: 'de-DE', timeZone: 'Europe/Berlin' }, undefined, [alex]);
      const established = callOf(await f.calls.update(group.callId, (d) => d && { ...callOf(d)!, state: 'established' }));
      assert.deepEqual([established?.locale, established?.timeZone], ['de-DE', 'Europe/Berlin']);
      const operation = await f.escalation.continue(established!);
      assert.deepEqual([operation?.kind, operation?.locale, operation?.timeZone], ['escalate', 'de-DE', 'Europe/Berlin']);
    });

    it('escalate starts a group call ringing the new people, then moves the one-to-one party in', async () => {
      await seedCall(f, 'p2p-call', 'peerToPeer', { targets: [adele] });

      const group = await f.desk.escalate(chatRequest(), undefined, [alex]);
      assert.deepEqual(targetIds(f.api.only('createCall').body), [alex.id]);

      f.api.requests.length = 0;
      const established = callOf(await f.calls.update(group.callId, (d) => d && { ...callOf(d)!, state: 'established' }));
      await f.escalation.continue(established!);
      const sent = f.api.only('inviteParticipants');
      assert.equal(sent.callId, group.callId);
      assert.deepEqual(sent.body.participants.map((p) => [p.identity.user?.id, p.replacesCallId]), [[adele.id, 'p2p-call']]);
    });
  });
});
