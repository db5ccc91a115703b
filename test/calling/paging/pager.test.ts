// The pager's use cases at their own seam: the real desk, calling service and job runner over memory stores and the
// recording Graph fake, with a clock the test moves. Notifications are stood in for by writing the call record as
// the notification inbox would, then telling the pager (as the call's follow-up job does).
import assert from 'node:assert/strict';
import { dueOfKey } from '../../../src/calling/jobs/jobs.js';
import { applyEvents, callOf } from '../../../src/calling/records/callDocument.js';
import type { StoredCall } from '../../../src/calling/records/callDocument.js';
import type { CallStateEvent } from '../../../src/calling/notifications/notificationEvents.js';
import type { PageRecord } from '../../../src/calling/paging/pageRecord.js';
import { PolicyRefusedError } from '../../../src/calling/policy/callPolicy.js';
import type { UserTarget } from '../../../src/calling/targets/people.js';
import { AT, OPEN_POLICY, PROMPTS, buildCallDesk, chatRequest } from '../../support/callDeskFixture.js';
import type { DeskFixture } from '../../support/callDeskFixture.js';
import { missingPermission, noAnswerWithin } from '../../support/graphRefusals.js';
import { english } from '../../support/english.js';
import { Translator } from '../../../src/i18n/translator.js';

const alice: UserTarget = { kind: 'user', id: 'a11ce000-0000-4000-8000-000000000001', displayName: 'Alice' };
const bob: UserTarget = { kind: 'user', id: 'b0b00000-0000-4000-8000-000000000002', displayName: 'Bob' };
const WAIT_MS = 30_000;

/** Every record of a store, with its key. */
async function entriesOf<T>(store: { keys(): AsyncIterable<string>; get(key: string): Promise<T | undefined> }): Promise<[string, T][]> {
  const found: [string, T][] = [];
  for await (const key of store.keys()) {
    const value = await store.get(key);
    if (value !== undefined) found.push([key, value]);
  }
  return found;
}

describe('Pager', () => {
  let f: DeskFixture;
  beforeEach(() => {
    f = buildCallDesk();
  });

  const request = (activity = 'message/chat-1/m1') => ({ ...chatRequest(), activityKey: activity });
  const page = async (id: string): Promise<PageRecord> => {
    const stored = await f.pages.get(id);
    assert.ok(stored);
    return stored;
  };
  /** Starts a page and lets the job it started run to the end. */
  const start = async (targets = [alice, bob], options: { into?: { kind: 'handle'; number: number } } = {}) => {
    const started = await f.pager.start(request(), targets, { waitMs: WAIT_MS, ...options });
    await f.runner.idle();
    return started.id;
  };
  const created = () => f.api.all('createCall').map((r) => r.body.targets?.[0]?.identity.user?.id);
  /** The call the current step rings, as stored. */
  const stepCall = async (pageId: string, step: number): Promise<StoredCall> => {
    const callId = (await page(pageId)).steps[step]!.callId;
    assert.ok(callId, `step ${step} has a call`);
    const call = callOf(await f.calls.get(callId));
    assert.ok(call);
    return call;
  };
  /** A notification about `callId` applied as the inbox applies it, then handed to the pager as the follow-up does. */
  const notify = async (callId: string, event: Omit<CallStateEvent, 'kind' | 'callId' | 'changeType'>) => {
    const updated = await f.calls.update(callId, (document) => applyEvents(document, callId, [{ event: { kind: 'callState', callId, changeType: 'updated', ...event }, at: AT }], AT).document);
    await f.pager.callChanged(callOf(updated)!);
    await f.runner.idle();
  };
  /** Moves the clock and runs what became due. */
  const later = async (ms: number) => {
    f.clock.advance(ms);
    await f.runner.tick();
    await f.runner.idle();
  };

  it('records the page, rings the first step through an intent and schedules its wait', async () => {
    const id = await start();
    assert.deepEqual(created(), [alice.id]);
    const stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'ringing');
    assert.equal(stored.steps[0]!.deadline, new Date(Date.parse(AT) + WAIT_MS).toISOString());
    const waits = (await entriesOf(f.pageJobs)).map(([key, job]) => ({ due: dueOfKey(key), name: job.name }));
    assert.deepEqual(waits, [{ due: Date.parse(AT) + WAIT_MS, name: `pageWait:${id}:0` }]);
    assert.ok(f.reports.pages.length > 0, 'the card was shown');
    const call = await stepCall(id, 0);
    assert.deepEqual(call.page, { pageId: id, step: 0 });
    assert.equal(call.pendingKeyPrompt, true);
  });

  it('a redelivered message finds its page and rings nobody again', async () => {
    const first = await start();
    const again = await f.pager.start(request(), [alice, bob], { waitMs: WAIT_MS });
    await f.runner.idle();
    assert.equal(again.id, first);
    assert.deepEqual(created(), [alice.id]);
  });

  it('asks once for a key press when the person picks up, and accepts on 1', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    await notify(callId, { state: 'established' });
    assert.equal(f.api.all('subscribeToTone').length, 1);
    assert.equal(f.api.all('playPrompt').length, 1);
    assert.equal(f.api.all('playPrompt')[0]!.body.prompts[0]!.mediaInfo.uri, 'https://rally.contoso.com/media/page-prompt.wav');
    assert.equal((await page(id)).steps[0]!.status, 'answered');
    await notify(callId, { state: 'established', keyPress: { tone: 'tone5', sequenceId: 1 } });
    assert.equal((await page(id)).state, 'paging', 'another key is not an acceptance');
    await notify(callId, { state: 'established', keyPress: { tone: 'tone1', sequenceId: 2 } });
    const accepted = await page(id);
    assert.equal(accepted.state, 'accepted');
    assert.equal(accepted.steps[0]!.status, 'accepted');
    assert.equal(accepted.move, undefined, 'no group call in the chat: they stay on their call with Rally');
    const ownCall = callOf(await f.calls.get(callId));
    assert.equal(ownCall?.page, undefined, 'an ordinary call of the chat from now on');
    assert.equal(ownCall?.needsCard, true, 'with a card of its own');
    assert.ok(f.jobs.followUps.includes(callId), 'whose follow-up posts it');
    assert.deepEqual(created(), [alice.id], 'Bob is never rung');
    assert.equal(f.reports.pages.at(-1)!.outcome, true, 'the chat is told the outcome');
  });

  it("records each step's prompt language when the page starts, and plays that language's prompt with its own resourceId", async () => {
    const french = { ...alice, languages: { preferred: 'fr-FR' } };
    const started = await f.pager.start({ ...request(), locale: 'de-DE', timeZone: 'Europe/Berlin' }, [french, bob], { waitMs: WAIT_MS });
    await f.runner.idle();
    const stored = await page(started.id);
    assert.deepEqual(stored.steps.map((s) => s.language), ['fr', 'de'], "Alice's own language, then the requester's for Bob");
    assert.equal(stored.locale, 'de-DE', "the requester's language is kept on the page");

    const first = (await stepCall(started.id, 0)).callId;
    await notify(first, { state: 'established' });
    await notify(first, { state: 'established', keyPress: { tone: 'tone2', sequenceId: 1 } });
    const second = (await stepCall(started.id, 1)).callId;
    await notify(second, { state: 'established' });
    const played = f.api.all('playPrompt').map((r) => r.body.prompts[0]!.mediaInfo);
    assert.deepEqual(played, [
      { '@odata.type': '#microsoft.graph.mediaInfo', ...PROMPTS.fr },
      { '@odata.type': '#microsoft.graph.mediaInfo', ...PROMPTS.de },
    ]);
  });

  it('prompts in the language recorded on the step, whatever the person\'s languages say by then', async () => {
    const id = await start([{ ...alice, languages: { lastSeen: 'ja-JP' } }]);
    // The step as an earlier release, or an earlier run, recorded it.
    await f.pages.update(id, (current) => current && { ...current, steps: current.steps.map((s) => ({ ...s, language: 'es' as const })) });
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    assert.equal(f.api.all('playPrompt')[0]!.body.prompts[0]!.mediaInfo.uri, PROMPTS.es.uri);
  });

  it('declines on 2 at once: the step is shown declined from the keypad, its call hung up, and the next one rung', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    await notify(callId, { state: 'established', keyPress: { tone: 'tone2', sequenceId: 1 } });
    const stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'declined');
    assert.equal(stored.steps[0]!.viaKeypad, true);
    assert.equal(stored.current, 1, 'without waiting for the wait to run out');
    assert.deepEqual(f.api.all('hangUp').map((r) => r.callId), [callId]);
    assert.deepEqual(created(), [alice.id, bob.id]);
  });

  it('takes the first of 1 and 2 that was pressed: a 1 after a 2 accepts nothing', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    await f.calls.update(callId, (document) => ({ ...callOf(document)!, keyPresses: [{ tone: 'tone2', sequenceId: 1 }, { tone: 'tone1', sequenceId: 2 }] }));
    await notify(callId, { state: 'established' });
    assert.equal((await page(id)).steps[0]!.status, 'declined');
  });

  it('the wait settles an answered step as "did not press 1", hangs it up and rings the next', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    await later(WAIT_MS);
    const stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'noConfirm');
    assert.deepEqual(f.api.all('hangUp').map((r) => r.callId), [callId]);
    assert.equal(stored.current, 1);
    assert.deepEqual(created(), [alice.id, bob.id]);
  });

  it('an acceptance and a wait that race settle one way: a 1 after the wait ran out is not an acceptance', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    await later(WAIT_MS);
    await notify(callId, { state: 'established', keyPress: { tone: 'tone1', sequenceId: 1 } });
    const stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'noConfirm');
    assert.equal(stored.state, 'paging');
  });

  it('a decline rings the next step at once, and its wait running out later changes nothing', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'terminated', resultInfo: { code: 603, subcode: 0, message: 'Call was declined by the callee.' } });
    let stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'declined');
    assert.equal(stored.current, 1);
    assert.deepEqual(f.api.all('hangUp'), [], 'an ended call is not hung up');
    await later(WAIT_MS);
    stored = await page(id);
    assert.equal(stored.steps[1]!.status, 'noAnswer', 'the second step\'s own wait ran out');
    assert.equal(stored.state, 'exhausted');
    assert.equal(stored.outcomeUntold, undefined, 'told');
  });

  it('a key prompt Graph refuses ends the step with the reason and the ladder goes on', async () => {
    f.api.subscribeToTone = async () => {
      throw missingPermission('Calls.AccessMedia.All');
    };
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await notify(callId, { state: 'established' });
    const stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'failed');
    assert.match(english(stored.steps[0]!.reason!), /Calls\.AccessMedia\.All/);
    assert.deepEqual(f.api.all('hangUp').map((r) => r.callId), [callId], 'the call that cannot be confirmed is hung up');
    assert.deepEqual(created(), [alice.id, bob.id]);
  });

  it('Skip on a card that shows an older step does not skip the next one', async () => {
    const id = await start();
    await f.pager.skip(request('action/skip-1'), id, 0);
    await f.runner.idle();
    assert.equal((await page(id)).current, 1);
    await f.pager.skip(request('action/skip-2'), id, 0);
    await f.runner.idle();
    const stored = await page(id);
    assert.equal(stored.current, 1, 'the stale press changed nothing');
    assert.equal(stored.steps[1]!.status, 'ringing');
  });

  it("keeps the requester's locale and time zone on the page, and on each step's intent and call", async () => {
    const started = await f.pager.start({ ...request(), locale: 'pt-BR', timeZone: 'America/Sao_Paulo' }, [alice, bob], { waitMs: WAIT_MS });
    await f.runner.idle();
    const stored = await page(started.id);
    assert.deepEqual([stored.locale, stored.timeZone], ['pt-BR', 'America/Sao_Paulo']);
    const intents = (await entriesOf(f.intents)).map(([, intent]) => [intent.locale, intent.timeZone]);
    assert.deepEqual(intents, [['pt-BR', 'America/Sao_Paulo']], "the first step's intent");
    const call = await stepCall(started.id, 0);
    assert.deepEqual([call.locale, call.timeZone], ['pt-BR', 'America/Sao_Paulo']);
  });

  it('Skip keeps who skipped the step, said in the language of whoever reads the card', async () => {
    const id = await start();
    await f.pager.skip({ ...request('action/skip-1'), requestedBy: { id: 'd1e90000-0000-4000-8000-000000000003', name: 'Diego Siciliani' } }, id, 0);
    await f.runner.idle();
    const reason = (JSON.parse(JSON.stringify(await page(id))) as PageRecord).steps[0]!.reason!;
    assert.equal(english(reason), 'Skipped by Diego Siciliani');
    assert.equal(new Translator({ locale: 'fr' }).say(reason), 'Passé par Diego Siciliani');
  });

  it('Stop ends the page, hangs up the ringing call and rings nobody more', async () => {
    const id = await start();
    const { callId } = await stepCall(id, 0);
    await f.pager.stop(request('action/stop'), id);
    await f.runner.idle();
    const stored = await page(id);
    assert.equal(stored.state, 'stopped');
    assert.equal(stored.stoppedBy?.name, chatRequest().requestedBy.name);
    assert.deepEqual(f.api.all('hangUp').map((r) => r.callId), [callId]);
    await later(WAIT_MS);
    assert.deepEqual(created(), [alice.id]);
  });

  it('a page of another chat is not found, and nothing changes', async () => {
    const id = await start();
    await assert.rejects(f.pager.stop({ ...chatRequest('chat-2'), activityKey: 'x' }, id), /This chat has no such page/);
    assert.equal((await page(id)).state, 'paging');
  });

  it('refuses a person who may not place calls before anything is recorded', async () => {
    f = buildCallDesk({ policy: { ...OPEN_POLICY, allowedCallers: ['someone-else'] } });
    await assert.rejects(f.pager.start(request(), [alice], { waitMs: WAIT_MS }), PolicyRefusedError);
    assert.equal((await entriesOf(f.pages)).length, 0);
    assert.deepEqual(created(), []);
  });

  it('a step whose create-call answer was lost is linked when its notifications name the call, and hung up if it was passed by', async () => {
    f.api.createCall = async (tenantId, body) => {
      f.api.requests.push({ method: 'createCall', tenantId, body });
      throw noAnswerWithin(15);
    };
    const id = await start();
    let stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'ringing');
    assert.equal(stored.steps[0]!.callId, undefined);
    await later(WAIT_MS);
    stored = await page(id);
    assert.equal(stored.steps[0]!.status, 'noAnswer');
    assert.equal(stored.current, 1);
    // The first call's notifications reach Rally only now: the call is adopted and, passed by, hung up.
    const [intent] = (await entriesOf(f.intents)).map(([, value]) => value).filter((i) => i.page?.step === 0);
    assert.ok(intent);
    const call = await f.protocol.record(intent, 'late-call', 'establishing');
    await f.pager.callChanged(call);
    await f.runner.idle();
    assert.deepEqual(f.api.all('hangUp').map((r) => r.callId), ['late-call']);
  });

  it('refuses a ladder that is too long or a wait out of bounds, ringing nobody', async () => {
    const six = [alice, bob, alice, bob, alice, bob];
    await assert.rejects(f.pager.start(request(), six), /at most 5/);
    await assert.rejects(f.pager.start(request(), [alice], { waitMs: 0 }), /5 seconds to 5 minutes/);
    await assert.rejects(f.pager.start(request(), [alice], { waitMs: 3 * 3_600_000 }), /5 seconds to 5 minutes/);
    assert.deepEqual(created(), []);
  });
});
