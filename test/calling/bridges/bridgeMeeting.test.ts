// The bridge's meeting at its own seam: the subject Rally asks Graph for, what it keeps of Graph's createOrGet answer
// (and what it refuses to keep), how it joins it, and the lines the chat gets about it.
import assert from 'node:assert/strict';
import {
  accessPolicySentence,
  bridgeMeetingOf,
  bridgeSubject,
  joinLine,
  meetingToJoin,
  spacedMeetingId,
} from '../../../src/calling/bridges/bridgeMeeting.js';
import type { BridgeAsk, BridgeMeeting } from '../../../src/calling/bridges/bridgeMeeting.js';
import { InvalidRequestError } from '../../../src/calling/errors.js';
import type { OnlineMeeting } from '../../../src/calling/requests/graphTypes.js';
import { LANGUAGES } from '../../../src/i18n/languages.js';
import { Translator } from '../../../src/i18n/translator.js';
import { english } from '../../support/english.js';

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ORGANIZER = '5b1f0f8c-2d6e-4c55-9a61-0a1b2c3d4e5f';
const OPENED = new Date('2026-11-23T20:05:42.123Z');
const THREAD = '19:meeting_MjA5YjYzNDUtOWUyZC00ZTc0LTg3YjItNzU5ZmFlYTI2YmI4@thread.v2';
const JOIN_URL = `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=%7b%22Tid%22%3a%22${TENANT_ID}%22%7d`;
const ask: BridgeAsk = { subject: 'Asked subject', organizerId: ORGANIZER, language: 'fr-FR' };

/** Graph's createOrGet answer, as its document shows one (trimmed to what Rally reads), with `overrides` applied. */
function answer(overrides: Record<string, unknown> = {}): OnlineMeeting {
  return {
    id: 'MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi',
    externalId: 'intent-1',
    subject: 'Sev1: checkout down',
    joinWebUrl: JOIN_URL,
    chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId: THREAD, messageId: '0', replyChainMessageId: null },
    joinMeetingIdSettings: { isPasscodeRequired: true, joinMeetingId: '123456789012', passcode: 'Ab12Cd' },
    participants: { organizer: { identity: { user: { id: 'a1b2c3d4-0000-4000-8000-0000000000aa', tenantId: TENANT_ID } }, upn: 'megan@contoso.com' } },
    ...overrides,
  } as OnlineMeeting;
}

function refusedWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError, `expected InvalidRequestError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.userMessage, pattern);
    return true;
  };
}

const bridge: BridgeMeeting = {
  subject: 'Sev1',
  joinWebUrl: JOIN_URL,
  threadId: THREAD,
  messageId: '0',
  organizerId: ORGANIZER,
  tenantId: TENANT_ID,
  joinMeetingId: '123456789012',
  passcode: 'Ab12Cd',
};

describe('bridge meeting', () => {
  describe('bridgeSubject', () => {
    it('is the title given, trimmed', () => {
      assert.equal(bridgeSubject('  Sev1: checkout, payments down \t', 'Checkout team', OPENED), 'Sev1: checkout, payments down');
    });

    const inEnglish = new Translator();
    const say = (title: string | undefined, chat: string | undefined, at = OPENED, t = inEnglish): string => t.say(bridgeSubject(title, chat, at));

    it("without a title, is the chat's name and when it was opened, to the minute, with its zone", () => {
      assert.match(say(undefined, 'Checkout team'), /^Checkout team · bridge Nov 23, 2026, 8:05\sPM UTC$/u);
      assert.equal(say('   ', '  Checkout team  '), say(undefined, 'Checkout team'), 'a blank title is no title');
    });

    it('without a title or a chat name, is "Bridge" and when it was opened', () => {
      assert.match(say(undefined, undefined), /^Bridge Nov 23, 2026, 8:05\sPM UTC$/u);
      assert.equal(say('', '   '), say(undefined, undefined), 'a blank chat name is no name');
    });

    it("is said in the requester's language and zone, whatever the offset the date was made with", () => {
      const french = new Translator({ locale: 'fr-FR', timeZone: 'Europe/Paris' });
      assert.equal(say(undefined, 'Équipe paiement', new Date('2026-11-24T01:35:00+05:30'), french), 'Équipe paiement · pont 23 nov. 2026, 21:05 UTC+1');
      assert.equal(say(undefined, undefined, OPENED, new Translator({ locale: 'ja-JP', timeZone: 'Asia/Tokyo' })), 'ブリッジ 2026年11月24日 5:05 JST');
    });

    it('refuses a title of 201 characters with bridgeTitleTooLong, and takes one of 200', () => {
      assert.throws(() => bridgeSubject('x'.repeat(201), 'Checkout team', OPENED), refusedWith('bridgeTitleTooLong', /at most 200 characters/));
      assert.equal(bridgeSubject('x'.repeat(200), 'Checkout team', OPENED), 'x'.repeat(200));
      assert.equal(bridgeSubject(` ${'x'.repeat(200)} `, undefined, OPENED), 'x'.repeat(200), 'the length is counted once trimmed');
    });

    it("keeps a subject made from a long chat name within the title's bound", () => {
      for (const locale of LANGUAGES) {
        const subject = say(undefined, 'n'.repeat(500), OPENED, new Translator({ locale, timeZone: 'America/Argentina/ComodRivadavia' }));
        assert.ok(subject.length <= 200, `${locale}: ${subject.length} characters`);
        assert.match(subject, /^n{150} · /u, locale);
      }
    });
  });

  describe('bridgeMeetingOf', () => {
    it("keeps the join link, the chat thread, the meeting id and passcode, and Graph's organizer", () => {
      assert.deepEqual(bridgeMeetingOf(answer(), ask, TENANT_ID), {
        subject: 'Sev1: checkout down',
        joinWebUrl: JOIN_URL,
        threadId: THREAD,
        messageId: '0',
        organizerId: 'a1b2c3d4-0000-4000-8000-0000000000aa',
        tenantId: TENANT_ID,
        joinMeetingId: '123456789012',
        passcode: 'Ab12Cd',
      });
    });

    it('tolerates the nulls Graph writes: the subject, organizer and message id asked for stand in, no id or passcode is kept', () => {
      const meeting = bridgeMeetingOf(
        answer({
          subject: null,
          chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId: THREAD, messageId: null, replyChainMessageId: null },
          joinMeetingIdSettings: null,
          participants: null,
        }),
        ask,
        TENANT_ID,
      );
      assert.deepEqual(meeting, { subject: 'Asked subject', joinWebUrl: JOIN_URL, threadId: THREAD, messageId: '0', organizerId: ORGANIZER, tenantId: TENANT_ID });
      assert.ok(!('joinMeetingId' in meeting) && !('passcode' in meeting), 'no key for what Graph did not give');
    });

    it('tolerates null parts of the settings and the organizer', () => {
      const meeting = bridgeMeetingOf(
        answer({ joinMeetingIdSettings: { joinMeetingId: '987654321', passcode: null, isPasscodeRequired: false }, participants: { organizer: { identity: { user: null } } } }),
        ask,
        TENANT_ID,
      );
      assert.equal(meeting.joinMeetingId, '987654321');
      assert.ok(!('passcode' in meeting));
      assert.equal(meeting.organizerId, ORGANIZER);
      assert.equal(bridgeMeetingOf(answer({ participants: { organizer: null } }), ask, TENANT_ID).organizerId, ORGANIZER);
    });

    it('refuses an answer without an https join link, with bridgeMeetingUnreadable', () => {
      for (const joinWebUrl of [undefined, null, '', 'http://teams.microsoft.com/l/meetup-join/x', 'javascript:alert(1)', 42]) {
        assert.throws(() => bridgeMeetingOf(answer({ joinWebUrl }), ask, TENANT_ID), refusedWith('bridgeMeetingUnreadable', /did not say how to join it/), String(joinWebUrl));
      }
    });

    it("refuses an answer without the meeting chat's thread id, with bridgeMeetingUnreadable", () => {
      for (const chatInfo of [undefined, null, {}, { threadId: '' }, { threadId: null, messageId: '0' }, { threadId: 7 }]) {
        assert.throws(() => bridgeMeetingOf(answer({ chatInfo }), ask, TENANT_ID), refusedWith('bridgeMeetingUnreadable'), JSON.stringify(chatInfo));
      }
    });
  });

  it("meetingToJoin joins as any meeting: the meeting chat's thread and message, and its organizer in the bridge's tenant", () => {
    assert.deepEqual(meetingToJoin(bridge), { kind: 'organizer', threadId: THREAD, messageId: '0', organizer: { id: ORGANIZER, tenantId: TENANT_ID } });
  });

  describe('joinLine', () => {
    it('gives the link, and the meeting id in groups of three with the passcode', () => {
      assert.equal(english(joinLine(bridge)), `Everyone can join it here: [Join the bridge](${JOIN_URL}) (meeting ID 123 456 789 012, passcode Ab12Cd).`);
    });

    it('leaves out the passcode, or the id, that Graph did not give', () => {
      const { passcode: _p, ...noPasscode } = bridge;
      assert.equal(english(joinLine(noPasscode)), `Everyone can join it here: [Join the bridge](${JOIN_URL}) (meeting ID 123 456 789 012).`);
      const { joinMeetingId: _id, ...noId } = bridge;
      assert.equal(english(joinLine(noId)), `Everyone can join it here: [Join the bridge](${JOIN_URL}).`, 'a passcode alone means nothing');
    });
  });

  it('spacedMeetingId groups the digits in threes, as Teams invitations print them', () => {
    assert.equal(spacedMeetingId('123456789012'), '123 456 789 012');
    assert.equal(spacedMeetingId('123'), '123');
    assert.equal(spacedMeetingId(''), '');
  });

  it("accessPolicySentence names Rally's app id in the commands an admin must run, and says nothing was created", () => {
    const sentence = english(accessPolicySentence('0a1b2c3d-0000-4000-8000-00000000b07a'));
    assert.match(sentence, /New-CsApplicationAccessPolicy -Identity Rally-Bridges -AppIds "0a1b2c3d-0000-4000-8000-00000000b07a"/);
    assert.match(sentence, /Grant-CsApplicationAccessPolicy -PolicyName Rally-Bridges -Global/);
    assert.match(sentence, /Nothing was created\.$/);
    assert.doesNotMatch(english(accessPolicySentence('other-app')), /0a1b2c3d/);
  });
});
