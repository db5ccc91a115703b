import assert from 'node:assert/strict';
import { callEndedText, isBareEnd, notJoinedText, resultCategory } from '../../../src/calling/notifications/resultInfoText.js';
import { Translator } from '../../../src/i18n/translator.js';
import { english } from '../../support/english.js';

describe('resultInfoText', () => {
  describe('callEndedText', () => {
    const cases: [string, { code?: number; subcode?: number }, RegExp][] = [
      ['a normal end (Delete call example)', { code: 200, subcode: 5001 }, /^The call ended\.$/],
      ['the other party hanging up', { code: 200, subcode: 4521 }, /other participant hung up/],
      ['Rally hanging up', { code: 200, subcode: 7000 }, /Rally hung up/],
      ['a PSTN caller hanging up', { code: 200, subcode: 560000 }, /phone caller hung up/],
      ['the lobby timeout', { code: 200, subcode: 5855 }, /lobby/],
      ['an undocumented success subcode', { code: 200, subcode: 1 }, /^The call ended\.$/],
      ['code 0', { code: 0 }, /^The call ended\.$/],
      ['a decline', { code: 603 }, /declined/],
      ['busy', { code: 486 }, /busy/],
      ['no answer', { code: 408 }, /No one answered/],
      ['a cancelled ring', { code: 487 }, /No one answered/],
      ['private calling disabled by policy', { code: 480, subcode: 10199 }, /policy turns off private calling/],
      ['no endpoint to ring', { code: 480, subcode: 10037 }, /not signed in/],
      ['a lost media connection', { code: 410, subcode: 301005 }, /media connection failed/],
      ['a server error', { code: 503, subcode: 7 }, /problem on its side \(code 503, subcode 7\)/],
    ];
    for (const [what, info, expected] of cases) {
      it(what, () => assert.match(english(callEndedText(info)), expected));
    }

    it('no resultInfo: the call simply ended', () => {
      assert.equal(english(callEndedText(undefined)), 'The call ended.');
    });

    it('an unknown code is named, not guessed at', () => {
      assert.equal(english(callEndedText({ code: 499, subcode: 12 })), 'The call ended for a reason Rally does not recognise (Teams code 499, subcode 12).');
      assert.match(english(callEndedText({ message: 'x' })), /code none/);
    });
  });

  describe('notJoinedText', () => {
    it('a normal end before they answered is not "the conversation has ended"', () => {
      assert.equal(english(notJoinedText({ code: 200, subcode: 5001 })), 'The call ended before they joined.');
    });

    it('names the missing permission on 403 when the caller knows it', () => {
      assert.match(english(notJoinedText({ code: 403 }, { permission: 'Calls.InitiateGroupCall.All' })), /Calls\.InitiateGroupCall\.All/);
      assert.match(english(notJoinedText({ code: 403 })), /missing Graph permission/);
      assert.match(english(notJoinedText({ code: 403, subcode: 7504 })), /admin must grant its calling permissions/);
    });

    it('a failure without resultInfo says Teams gave no reason', () => {
      assert.match(english(notJoinedText(undefined)), /no reason/);
    });

    it('an invalid phone number', () => {
      assert.match(english(notJoinedText({ code: 484 })), /phone number/);
    });

    it('a ring Rally cancelled ("Request terminated") is not "no one answered"', () => {
      assert.equal(english(notJoinedText({ code: 487, subcode: 0, message: 'Request terminated.' })), 'The ring was cancelled before they answered.');
      assert.equal(resultCategory({ code: 487 }), 'noAnswer');
    });
  });

  it('says the reason in the language of whoever reads it, codes and all', () => {
    const french = new Translator({ locale: 'fr-FR' });
    assert.equal(french.say(callEndedText({ code: 200, subcode: 4521 })), 'L’autre participant a raccroché.');
    assert.equal(french.say(notJoinedText({ code: 603 })), 'La personne a refusé l’appel.');
    assert.equal(french.say(callEndedText({ code: 499, subcode: 12 })), 'L’appel a pris fin pour une raison que Rally ne reconnaît pas (Teams : code 499, sous-code 12).');
  });

  describe('isBareEnd', () => {
    it('knows a reason that says only that the call ended, whichever way it was written', () => {
      assert.equal(isBareEnd(callEndedText(undefined)), true);
      assert.equal(isBareEnd(callEndedText({ code: 200, subcode: 5001 })), true);
      assert.equal(isBareEnd('The call ended.'), true, 'as a record older than sentences holds it');
    });

    it('knows a reason that says more', () => {
      assert.equal(isBareEnd(callEndedText({ code: 200, subcode: 4521 })), false);
      assert.equal(isBareEnd('The other participant hung up.'), false);
      assert.equal(isBareEnd(null as never), false, 'a record that holds something else');
    });
  });

  it('resultCategory tells a decline from a failure', () => {
    assert.equal(resultCategory({ code: 603 }), 'declined');
    assert.equal(resultCategory({ code: 486 }), 'busy');
    assert.equal(resultCategory({ code: 404 }), 'notFound');
    assert.equal(resultCategory({ code: 200, subcode: 5001 }), 'ended');
    assert.equal(resultCategory({ code: 42 }), 'unknown');
  });
});
