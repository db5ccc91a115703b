// The page record's transitions are pure compare-and-swaps guarded by the step number: each test builds a record,
// applies one transition, and checks either the new record or that the very same object came back (the store then
// skips the write, which is what makes racing runs settle one way).
import assert from 'node:assert/strict';
import {
  MAX_PAGE_STEPS,
  accepted,
  answered,
  currentStep,
  hangingUp,
  hungUp,
  isOpen,
  moved,
  ringing,
  settled,
  shown,
  stepToHangUp,
  stopped,
  withCall,
} from '../../../src/calling/paging/pageRecord.js';
import type { PageRecord, PageState, PageStep, PageStepStatus } from '../../../src/calling/paging/pageRecord.js';
import type { CallTarget, Person, PhoneTarget, UserTarget } from '../../../src/calling/targets/people.js';
import type { E164 } from '../../../src/calling/targets/phoneNumber.js';

const AT = '2026-11-23T20:00:00.000Z';
const DEADLINE = '2026-11-23T20:00:30.000Z';
const LATER = '2026-11-23T20:00:31.000Z';

const diego: Person = { id: 'u-diego', name: 'Diego Siciliani' };
const adele: UserTarget = { kind: 'user', id: 'adele-0000-4000-8000-000000000001', displayName: 'Adele Vance' };
const lee: UserTarget = { kind: 'user', id: 'lee00000-0000-4000-8000-000000000002', displayName: 'Lee Gu' };
const phone: PhoneTarget = { kind: 'phone', number: '+14255550100' as E164 };

/** Freezes the fixture all the way down: a transition that wrote into the record it was given would throw. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) frozen(child);
  }
  return value;
}

function step(target: CallTarget, extra: Partial<PageStep> = {}): PageStep {
  return { target, status: 'waiting', ...extra };
}

/** A page of three steps (Adele, then Lee, then a phone number), nobody rung yet, unless `extra` says otherwise. */
function page(extra: Partial<PageRecord> = {}): PageRecord {
  return frozen({
    id: 'page-1',
    activityKey: 'message/chat-1/m1',
    chatKey: 'chat-1',
    tenantId: 't1',
    requestedBy: diego,
    steps: [step(adele), step(lee), step(phone)],
    current: 0,
    waitMs: 30_000,
    state: 'paging' as PageState,
    createdAt: AT,
    revision: 0,
    shownRevision: 0,
    ...extra,
  });
}

/** A page whose step `index` is open with `status` and a call (#4), the steps before it passed by without an answer. */
function openAt(index: number, status: 'waiting' | 'ringing' | 'answered' = 'ringing', extra: Partial<PageStep> = { callId: 'call-a', handle: '#4' }): PageRecord {
  const targets = [adele, lee, phone];
  return page({
    current: index,
    revision: 3,
    shownRevision: 3,
    steps: targets.map((target, i) =>
      i < index ? step(target, { status: 'noAnswer' }) : i === index ? step(target, { status, deadline: DEADLINE, ...extra }) : step(target),
    ),
  });
}

/** What became of a record, apart from its revision: for "this and nothing else changed". */
function withoutRevision(record: PageRecord | undefined): Omit<PageRecord, 'revision'> {
  assert.ok(record);
  const { revision: _revision, ...rest } = record;
  return rest;
}

const ENDED: PageState[] = ['accepted', 'exhausted', 'stopped'];

describe('page record', () => {
  describe('open steps and the current one', () => {
    it('waiting, ringing and answered are open; every settled status is not', () => {
      const statuses: PageStepStatus[] = ['waiting', 'ringing', 'answered', 'accepted', 'declined', 'noAnswer', 'noConfirm', 'hungUp', 'failed', 'refused', 'skipped', 'stopped'];
      assert.deepEqual(
        statuses.filter((status) => isOpen(step(adele, { status }))),
        ['waiting', 'ringing', 'answered'],
      );
    });

    it('the current step is the one at `current` while paging, and none once the page ended', () => {
      const p = openAt(1);
      assert.equal(currentStep(p), p.steps[1]);
      assert.deepEqual(currentStep(openAt(1)), { target: lee, status: 'ringing', deadline: DEADLINE, callId: 'call-a', handle: '#4' });
      for (const state of ENDED) assert.equal(currentStep(page({ state })), undefined, state);
      assert.equal(currentStep(page({ state: 'exhausted', current: 3 })), undefined);
    });

    it(`allows at most ${MAX_PAGE_STEPS} steps`, () => {
      assert.equal(MAX_PAGE_STEPS, 5);
    });
  });

  describe('ringing', () => {
    it('starts the current waiting step ringing, with its deadline, one revision on', () => {
      const p = page();
      const rung = ringing(p, 0, DEADLINE);
      assert.notEqual(rung, p);
      assert.deepEqual(rung?.steps, [step(adele, { status: 'ringing', deadline: DEADLINE }), step(lee), step(phone)]);
      assert.equal(rung?.revision, 1);
      assert.deepEqual(withoutRevision(rung), { ...withoutRevision(p), steps: rung?.steps });
    });

    it('only from waiting: a step already ringing or answered keeps its deadline', () => {
      const rung = ringing(page(), 0, DEADLINE);
      assert.equal(ringing(rung, 0, LATER), rung);
      const picked = openAt(0, 'answered');
      assert.equal(ringing(picked, 0, LATER), picked);
    });

    it('only on the current step of a page that is paging', () => {
      const p = page();
      assert.equal(ringing(p, 1, DEADLINE), p, 'a step after the current one');
      const later = openAt(1, 'waiting', {});
      assert.equal(ringing(later, 0, DEADLINE), later, 'a step before the current one');
      assert.equal(ringing(p, 7, DEADLINE), p, 'no such step');
      for (const state of ENDED) {
        const ended = page({ state });
        assert.equal(ringing(ended, 0, DEADLINE), ended, state);
      }
      assert.equal(ringing(undefined, 0, DEADLINE), undefined);
    });
  });

  describe('withCall', () => {
    it('names the call and its handle on the step being rung', () => {
      const p = openAt(0, 'ringing', {});
      const named = withCall(p, 0, { callId: 'call-a', handle: '#4' });
      assert.deepEqual(named?.steps[0], { target: adele, status: 'ringing', deadline: DEADLINE, callId: 'call-a', handle: '#4' });
      assert.equal(named?.revision, p.revision + 1);
      assert.deepEqual(named?.steps.slice(1), p.steps.slice(1));
    });

    it('leaves the handle out when there is none', () => {
      const named = withCall(openAt(0, 'ringing', {}), 0, { callId: 'call-a' });
      assert.deepEqual(named?.steps[0], { target: adele, status: 'ringing', deadline: DEADLINE, callId: 'call-a' });
      assert.equal(Object.hasOwn(named!.steps[0]!, 'handle'), false);
    });

    it('sets the call once: a second call id for the same step changes nothing', () => {
      const named = withCall(openAt(0, 'ringing', {}), 0, { callId: 'call-a', handle: '#4' });
      assert.equal(withCall(named, 0, { callId: 'call-a', handle: '#4' }), named);
      assert.equal(withCall(named, 0, { callId: 'call-b', handle: '#5' }), named);
    });

    it('on a step already passed by, records the call and marks it to be hung up', () => {
      const p = openAt(1, 'ringing');
      const late = withCall(p, 0, { callId: 'call-late', handle: '#3' });
      assert.deepEqual(late?.steps[0], { target: adele, status: 'noAnswer', callId: 'call-late', handle: '#3', hangUpPending: true });
      assert.equal(late?.current, 1, 'the ladder stays where it is');
      assert.equal(late?.steps[1], p.steps[1]);
      assert.equal(stepToHangUp(late!, AT), 0);
    });

    it('on a page that was stopped or exhausted, the call is hung up; on an accepted page the accepted call is kept', () => {
      for (const state of ['stopped', 'exhausted'] as const) {
        const p = page({ state, current: state === 'stopped' ? 0 : 3, steps: [step(adele, { status: state === 'stopped' ? 'stopped' : 'noAnswer' }), step(lee), step(phone)] });
        assert.equal(withCall(p, 0, { callId: 'call-a' })?.steps[0]?.hangUpPending, true, state);
      }
      const won = page({ state: 'accepted', steps: [step(adele, { status: 'accepted' }), step(lee), step(phone)] });
      const kept = withCall(won, 0, { callId: 'call-a', handle: '#4' });
      assert.deepEqual(kept?.steps[0], { target: adele, status: 'accepted', callId: 'call-a', handle: '#4' });
    });

    it('no page, or no such step, changes nothing', () => {
      const p = page();
      assert.equal(withCall(p, 3, { callId: 'call-a' }), p);
      assert.equal(withCall(p, -1, { callId: 'call-a' }), p);
      assert.equal(withCall(undefined, 0, { callId: 'call-a' }), undefined);
    });
  });

  describe('answered', () => {
    it('the ringing current step is answered, one revision on', () => {
      const p = openAt(1);
      const picked = answered(p, 1);
      assert.deepEqual(picked?.steps[1], { ...p.steps[1], status: 'answered' });
      assert.equal(picked?.revision, p.revision + 1);
      assert.deepEqual(withoutRevision(picked), { ...withoutRevision(p), steps: picked?.steps });
    });

    it('only from ringing, on the current step of a page that is paging', () => {
      const waiting = page();
      assert.equal(answered(waiting, 0), waiting, 'not rung yet');
      const picked = answered(openAt(0), 0);
      assert.equal(answered(picked, 0), picked, 'answered already');
      const p = openAt(1);
      assert.equal(answered(p, 0), p, 'a step passed by');
      assert.equal(answered(p, 2), p, 'a step not rung yet');
      for (const state of ENDED) {
        const ended = { ...openAt(0), state };
        assert.equal(answered(ended, 0), ended, state);
      }
      assert.equal(answered(undefined, 0), undefined);
    });
  });

  describe('settled', () => {
    it('settles the current step with its status and reason, and the ladder moves on', () => {
      const p = openAt(0, 'ringing', {});
      const declined = settled(p, 0, 'declined', LATER, { reason: 'They declined the call.', callEnded: true });
      assert.deepEqual(declined?.steps[0], { target: adele, status: 'declined', deadline: DEADLINE, reason: 'They declined the call.' });
      assert.equal(declined?.current, 1);
      assert.equal(declined?.state, 'paging');
      assert.equal(declined?.revision, p.revision + 1);
      assert.equal(declined?.endedAt, undefined);
      assert.equal(declined?.outcomeUntold, undefined);
      assert.deepEqual(currentStep(declined!), step(lee));
    });

    it('an empty reason is left out', () => {
      const noAnswer = settled(openAt(0, 'ringing', {}), 0, 'noAnswer', LATER, { reason: '' });
      assert.equal(Object.hasOwn(noAnswer!.steps[0]!, 'reason'), false);
    });

    it('marks the step\'s call to be hung up, unless it has no call or the call already ended', () => {
      const withCallUp = settled(openAt(0, 'answered'), 0, 'noConfirm', LATER);
      assert.deepEqual(withCallUp?.steps[0], { target: adele, status: 'noConfirm', deadline: DEADLINE, callId: 'call-a', handle: '#4', hangUpPending: true });
      const ended = settled(openAt(0, 'answered'), 0, 'hungUp', LATER, { callEnded: true });
      assert.equal(ended?.steps[0]?.hangUpPending, undefined);
      const noCall = settled(openAt(0, 'ringing', {}), 0, 'noAnswer', LATER);
      assert.equal(noCall?.steps[0]?.hangUpPending, undefined);
      assert.equal(stepToHangUp(noCall!, LATER), -1);
    });

    it('settles a step that could not be rung (still waiting), and an answered one', () => {
      const refused = settled(page(), 0, 'refused', LATER, { reason: 'The calling policy does not allow it.', callEnded: true });
      assert.deepEqual(refused?.steps[0], { target: adele, status: 'refused', reason: 'The calling policy does not allow it.' });
      assert.equal(refused?.current, 1);
      const silent = settled(openAt(1, 'answered'), 1, 'noConfirm', LATER);
      assert.equal(silent?.steps[1]?.status, 'noConfirm');
      assert.equal(silent?.current, 2);
    });

    it('after the last step the page is exhausted, its outcome to be told', () => {
      const p = openAt(2);
      const last = settled(p, 2, 'noAnswer', LATER);
      assert.equal(last?.state, 'exhausted');
      assert.equal(last?.current, 3, 'current is steps.length once every step was tried');
      assert.equal(last?.endedAt, LATER);
      assert.equal(last?.outcomeUntold, true);
      assert.equal(last?.revision, p.revision + 1);
      assert.equal(last?.steps[2]?.hangUpPending, true);
      assert.equal(currentStep(last!), undefined);
    });

    it('with stopped, the page ends as stopped by who pressed Stop, where it stood', () => {
      const p = openAt(1);
      const halted = settled(p, 1, 'stopped', LATER, { stoppedBy: diego });
      assert.equal(halted?.state, 'stopped');
      assert.deepEqual(halted?.stoppedBy, diego);
      assert.equal(halted?.endedAt, LATER);
      assert.equal(halted?.current, 1, 'Stop does not move the ladder on');
      assert.equal(halted?.steps[1]?.status, 'stopped');
      assert.equal(halted?.steps[1]?.hangUpPending, true);
      assert.deepEqual(halted?.steps[2], step(phone), 'the steps after it were never rung');
      assert.equal(halted?.outcomeUntold, undefined, 'a stopped page has no outcome line');
      assert.equal(halted?.revision, p.revision + 1);
    });

    it('a stale step number, or a page no longer paging, changes nothing', () => {
      const p = openAt(1);
      assert.equal(settled(p, 0, 'noAnswer', LATER), p, 'a step passed by');
      assert.equal(settled(p, 2, 'skipped', LATER), p, 'a step not rung yet');
      assert.equal(settled(p, 9, 'skipped', LATER), p, 'no such step');
      for (const state of ENDED) {
        const ended = { ...p, state };
        assert.equal(settled(ended, 1, 'noAnswer', LATER), ended, state);
        assert.equal(settled(ended, 1, 'stopped', LATER, { stoppedBy: diego }), ended, state);
      }
      assert.equal(settled(undefined, 0, 'noAnswer', LATER), undefined);
    });

    it('applied twice (a redelivery, a second instance), the second changes nothing', () => {
      const once = settled(openAt(0), 0, 'skipped', LATER, { reason: 'Skipped by Diego Siciliani.' });
      assert.equal(settled(once, 0, 'skipped', LATER, { reason: 'Skipped by Diego Siciliani.' }), once);
    });
  });

  describe('accepted', () => {
    it('ends the page as accepted, its outcome untold, with the move into the call pending', () => {
      const p = openAt(1, 'answered');
      const won = accepted(p, 1, LATER, { callId: 'group-1', handle: '#2' });
      assert.equal(won?.state, 'accepted');
      assert.deepEqual(won?.steps[1], { ...p.steps[1], status: 'accepted' });
      assert.equal(won?.steps[1]?.hangUpPending, undefined, 'the accepted call stays up');
      assert.equal(won?.endedAt, LATER);
      assert.equal(won?.outcomeUntold, true);
      assert.deepEqual(won?.move, { callId: 'group-1', handle: '#2', status: 'pending' });
      assert.equal(won?.current, 1);
      assert.equal(won?.revision, p.revision + 1);
      assert.deepEqual(won?.steps[2], step(phone));
    });

    it('without a call to move them into, there is no move', () => {
      const won = accepted(openAt(0, 'answered'), 0, LATER, undefined);
      assert.equal(won?.state, 'accepted');
      assert.equal(Object.hasOwn(won!, 'move'), false);
    });

    it('only on the current open step of a page that is paging', () => {
      const p = openAt(1, 'answered');
      assert.equal(accepted(p, 0, LATER, undefined), p);
      assert.equal(accepted(p, 2, LATER, undefined), p);
      for (const state of ENDED) {
        const ended = { ...p, state };
        assert.equal(accepted(ended, 1, LATER, undefined), ended, state);
      }
      const won = accepted(p, 1, LATER, undefined);
      assert.equal(accepted(won, 1, LATER, { callId: 'group-1' }), won, 'accepted once');
      assert.equal(accepted(undefined, 0, LATER, undefined), undefined);
    });
  });

  describe('moved', () => {
    const acceptedAndTold = () => {
      const won = accepted(openAt(0, 'answered'), 0, LATER, { callId: 'group-1', handle: '#2' })!;
      return frozen(shown(won, won.revision, true));
    };

    it('a pending move was sent: the acceptance already told stands', () => {
      const p = acceptedAndTold();
      assert.equal(p.outcomeUntold, undefined);
      const sent = moved(p);
      assert.deepEqual(sent?.move, { callId: 'group-1', handle: '#2', status: 'sent' });
      assert.equal(sent?.outcomeUntold, undefined);
      assert.equal(sent?.revision, p.revision + 1);
    });

    it('a pending move that failed is to be told, with why', () => {
      const p = acceptedAndTold();
      const failed = moved(p, '#2 has ended, so they stay on their call with Rally.');
      assert.deepEqual(failed?.move, { callId: 'group-1', handle: '#2', status: 'failed', failure: '#2 has ended, so they stay on their call with Rally.' });
      assert.equal(failed?.outcomeUntold, true);
      assert.equal(failed?.revision, p.revision + 1);
    });

    it('only a pending move: one sent, one failed, or none at all changes nothing', () => {
      const sent = moved(acceptedAndTold())!;
      assert.equal(moved(sent), sent);
      assert.equal(moved(sent, 'too late'), sent);
      const failed = moved(acceptedAndTold(), 'no')!;
      assert.equal(moved(failed), failed);
      const noMove = accepted(openAt(0), 0, LATER, undefined);
      assert.equal(moved(noMove), noMove);
      assert.equal(moved(undefined), undefined);
    });
  });

  describe('stopped', () => {
    it('ends a page that is paging at its current step, and hangs up the call ringing there', () => {
      const p = openAt(1);
      const halted = stopped(p, LATER, diego);
      assert.deepEqual(halted, settled(p, 1, 'stopped', LATER, { stoppedBy: diego }));
      assert.equal(halted?.state, 'stopped');
      assert.equal(halted?.steps[1]?.hangUpPending, true);
      assert.equal(stepToHangUp(halted!, LATER), 1);
    });

    it('before anyone rang, the page simply ends with nothing to hang up', () => {
      const halted = stopped(page(), LATER, diego);
      assert.equal(halted?.state, 'stopped');
      assert.deepEqual(halted?.stoppedBy, diego);
      assert.deepEqual(halted?.steps[0], step(adele, { status: 'stopped' }));
      assert.equal(stepToHangUp(halted!, LATER), -1);
    });

    it('on a page that is not paging changes nothing', () => {
      for (const state of ENDED) {
        const ended = page({ state });
        assert.equal(stopped(ended, LATER, diego), ended, state);
      }
      const halted = stopped(openAt(0), LATER, diego);
      assert.equal(stopped(halted, LATER, { id: 'u-2', name: 'Someone else' }), halted, 'Stop pressed twice');
      assert.equal(stopped(undefined, LATER, diego), undefined);
    });
  });

  describe('hanging up a passed-by call', () => {
    const UNTIL = '2026-11-23T20:00:39.000Z';
    const passedBy = (extra: Partial<PageStep> = {}) =>
      page({
        current: 1,
        steps: [step(adele, { status: 'skipped', callId: 'call-a', hangUpPending: true, ...extra }), step(lee, { status: 'ringing' }), step(phone)],
      });

    it('stepToHangUp names a step with a call to hang up, and -1 when there is none', () => {
      assert.equal(stepToHangUp(page(), AT), -1);
      assert.equal(stepToHangUp(openAt(1), AT), -1, 'an open step with a call is not hung up');
      assert.equal(stepToHangUp(passedBy(), AT), 0);
      const noCall = page({ steps: [step(adele, { status: 'skipped', hangUpPending: true }), step(lee), step(phone)] });
      assert.equal(stepToHangUp(noCall, AT), -1, 'nothing to hang up without a call id');
    });

    it('a claim held until a future time hides the step; an expired claim is found again', () => {
      const claimed = passedBy({ hangingUpUntil: UNTIL });
      assert.equal(stepToHangUp(claimed, AT), -1);
      assert.equal(stepToHangUp(claimed, UNTIL), 0, 'a claim lapses at its time');
      assert.equal(stepToHangUp(claimed, '2026-11-23T20:00:40.000Z'), 0);
      const another = { ...claimed, steps: [claimed.steps[0]!, { ...claimed.steps[1]!, status: 'noAnswer' as const, callId: 'call-b', hangUpPending: true as const }, claimed.steps[2]!] };
      assert.equal(stepToHangUp(another, AT), 1, 'another step is not held up by the claim');
    });

    it('hangingUp takes the claim; a second run leaves it alone while it holds; a run takes over once it lapsed', () => {
      const p = passedBy();
      const first = hangingUp(p, 0, AT, UNTIL);
      assert.equal(first?.steps[0]?.hangingUpUntil, UNTIL);
      assert.equal(first?.revision, p.revision, 'the card does not show a hang-up');
      assert.equal(stepToHangUp(first!, AT), -1);
      assert.equal(hangingUp(first, 0, '2026-11-23T20:00:05.000Z', '2026-11-23T20:00:44.000Z'), first, 'held by a live run');
      const takenOver = hangingUp(first, 0, UNTIL, '2026-11-23T20:00:49.000Z');
      assert.notEqual(takenOver, first);
      assert.equal(takenOver?.steps[0]?.hangingUpUntil, '2026-11-23T20:00:49.000Z');
    });

    it('hangingUp and hungUp leave a step with nothing to hang up alone', () => {
      const p = openAt(1);
      assert.equal(hangingUp(p, 1, AT, UNTIL), p);
      assert.equal(hangingUp(p, 5, AT, UNTIL), p);
      assert.equal(hungUp(p, 1), p);
      assert.equal(hungUp(p, 5), p);
      assert.equal(hangingUp(undefined, 0, AT, UNTIL), undefined);
      assert.equal(hungUp(undefined, 0), undefined);
    });

    it('hungUp clears the mark and the claim, and nothing else', () => {
      const p = hangingUp(passedBy(), 0, AT, UNTIL)!;
      const done = hungUp(p, 0);
      assert.deepEqual(done?.steps[0], { target: adele, status: 'skipped', callId: 'call-a' });
      assert.equal(done?.revision, p.revision);
      assert.equal(stepToHangUp(done!, '2027-01-01T00:00:00.000Z'), -1, 'never again');
      assert.equal(hungUp(done, 0), done);
    });
  });

  describe('shown', () => {
    const lease = { owner: 'run-1', until: '2026-11-23T20:00:08.000Z' };

    it('records the revision the chat saw and releases the reporting lease', () => {
      const p = page({ revision: 5, shownRevision: 2, reporting: lease });
      const seen = shown(p, 4, false);
      assert.equal(seen.shownRevision, 4);
      assert.equal(seen.revision, 5, 'news after what was told is still to be shown');
      assert.equal(Object.hasOwn(seen, 'reporting'), false);
      const { reporting: _lease, ...rest } = p;
      assert.deepEqual(seen, { ...rest, shownRevision: 4 });
    });

    it('never moves shownRevision back (a slow run that told an older revision)', () => {
      assert.equal(shown(page({ revision: 6, shownRevision: 6 }), 3, false).shownRevision, 6);
    });

    it('clears outcomeUntold when the outcome was told, and keeps it when it was not', () => {
      const untold = page({ state: 'exhausted', current: 3, revision: 4, outcomeUntold: true, reporting: lease });
      const told = shown(untold, 4, true);
      assert.equal(Object.hasOwn(told, 'outcomeUntold'), false);
      const notTold = shown(untold, 4, false);
      assert.equal(notTold.outcomeUntold, true);
      assert.equal(Object.hasOwn(notTold, 'reporting'), false);
      assert.equal(Object.hasOwn(shown(page({ revision: 1 }), 1, false), 'outcomeUntold'), false, 'nothing to tell stays nothing');
    });

    it('keeps an outcome that arose after the one told (the move failed while the acceptance was being told)', () => {
      // The reporter read the page at the acceptance and told that line; meanwhile the move into #2 failed, which
      // moved() marks to be told. Marking the acceptance told must not swallow the failure: the lease's contract is
      // that a run never marks as told "news that came after".
      const toldSnapshot = accepted(openAt(0, 'answered'), 0, LATER, { callId: 'group-1', handle: '#2' })!;
      const current = frozen({ ...moved(toldSnapshot, '#2 has ended, so they stay on their call with Rally.')!, reporting: lease });
      const seen = shown(current, toldSnapshot.revision, toldSnapshot.outcomeUntold === true);
      assert.equal(seen.shownRevision, toldSnapshot.revision);
      assert.equal(seen.outcomeUntold, true, 'the failed move is still to be told');
    });
  });

  it('revision counts each change the card shows, and only those', () => {
    const revisions: number[] = [];
    let p: PageRecord = page();
    const apply = (next: PageRecord | undefined) => {
      assert.ok(next);
      p = frozen(next);
      revisions.push(p.revision);
    };
    apply(ringing(p, 0, DEADLINE));
    apply(withCall(p, 0, { callId: 'call-a', handle: '#4' }));
    apply(answered(p, 0));
    apply(settled(p, 0, 'noConfirm', LATER));
    apply(ringing(p, 1, DEADLINE));
    apply(withCall(p, 1, { callId: 'call-b', handle: '#5' }));
    apply(accepted(p, 1, LATER, { callId: 'group-1', handle: '#2' }));
    apply(moved(p));
    assert.deepEqual(revisions, [1, 2, 3, 4, 5, 6, 7, 8]);
    // Bookkeeping the card does not show.
    apply(hangingUp(p, 0, LATER, '2026-11-23T20:00:50.000Z'));
    apply(hungUp(p, 0));
    apply(shown(p, p.revision, true));
    assert.deepEqual(revisions.slice(8), [8, 8, 8]);
    assert.equal(p.shownRevision, 8);
  });

  describe('an answer and a timeout that race settle one way', () => {
    it('whichever of accepted and settled comes first, the other is a no-op on its result', () => {
      const p = openAt(0, 'answered');
      const acceptedFirst = accepted(p, 0, LATER, undefined);
      assert.equal(acceptedFirst?.state, 'accepted');
      assert.equal(settled(acceptedFirst, 0, 'noAnswer', LATER), acceptedFirst);

      const timedOutFirst = settled(p, 0, 'noAnswer', LATER);
      assert.equal(timedOutFirst?.state, 'paging');
      assert.equal(timedOutFirst?.current, 1);
      assert.equal(accepted(timedOutFirst, 0, LATER, undefined), timedOutFirst);
      assert.equal(timedOutFirst?.steps[0]?.hangUpPending, true, 'the late answerer\'s call is hung up instead');
    });

    it('a timeout on the last step and an acceptance there: one outcome either way', () => {
      const p = openAt(2, 'answered');
      const won = accepted(p, 2, LATER, undefined);
      assert.equal(settled(won, 2, 'noConfirm', LATER), won);
      const gaveUp = settled(p, 2, 'noConfirm', LATER);
      assert.equal(gaveUp?.state, 'exhausted');
      assert.equal(accepted(gaveUp, 2, LATER, undefined), gaveUp);
    });

    it('Skip pressed on an old card (the step already moved on) changes nothing', () => {
      const movedOn = settled(openAt(0), 0, 'noAnswer', LATER);
      assert.equal(settled(movedOn, 0, 'skipped', LATER, { reason: 'Skipped by Diego Siciliani.' }), movedOn);
    });
  });
});
