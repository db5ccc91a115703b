// ChatReporter (reportCall, reportPage, tell) at its own seam: a real Chats, the real call and page cards over
// in-memory record stores, and a CloudAdapter whose proactive turns run here (ProactiveAdapter), so what the chat
// gets is read from the activities Rally sent and updated; the news comes from real call records.
import assert from 'node:assert/strict';
import { ActivityTypes, TurnContext } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { ChatReporter } from '../../src/bot/chatReporter.js';
import { callCards } from '../../src/bot/callCards.js';
import { pageCards } from '../../src/bot/pageCards.js';
import { Chats } from '../../src/bot/chats.js';
import type { ConversationRecord } from '../../src/bot/chatRecords.js';
import type { CardRecord } from '../../src/bot/postedCards.js';
import { answerTurnFailure } from '../../src/bot/rallyBot.js';
import { NotYetError } from '../../src/calling/jobs/jobs.js';
import type { CallNews, StoredCall } from '../../src/calling/records/callDocument.js';
import { applyCallEvent, newCallRecord, withInvitees } from '../../src/calling/records/callRecord.js';
import type { CallChange, CallRecord, CallRecordEvent } from '../../src/calling/records/callRecord.js';
import { newOperationRecord } from '../../src/calling/records/operationRecord.js';
import type { OperationKind, OperationRecord } from '../../src/calling/records/operationRecord.js';
import type { PageRecord } from '../../src/calling/paging/pageRecord.js';
import type { CallTarget } from '../../src/calling/targets/people.js';
import { sentence } from '../../src/i18n/sentence.js';
import { LogCapture } from '../support/logCapture.js';
import { MemoryRecordStore } from '../support/memoryRecordStore.js';
import { ProactiveAdapter } from '../support/proactiveAdapter.js';

const AT = '2026-12-06T12:00:00.000Z';
const LATER = '2026-12-06T12:01:00.000Z';
const CHAT = '19:rally-test@thread.v2';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const MEGAN = { id: 'megan-oid', name: 'Megan Bowen' };
const ADELE: CallTarget = { kind: 'user', id: 'adele-oid', displayName: 'Adele Vance' };
const LEE: CallTarget = { kind: 'user', id: 'lee-oid', displayName: 'Lee Gu' };
const ESCALATION_UNKNOWN =
  'Rally stopped while it was moving the one-to-one call into #5, so it cannot tell whether the move happened: the card of #5 shows who is in it.';

function build() {
  const adapter = new ProactiveAdapter();
  const capture = new LogCapture();
  const conversations = new MemoryRecordStore<ConversationRecord>();
  const callCardStore = new MemoryRecordStore<CardRecord>();
  const pageCardStore = new MemoryRecordStore<CardRecord>();
  const chats = new Chats({ adapter, botAppId: 'rally-app', records: { conversations, handledRequests: new MemoryRecordStore() }, pressClaimMs: 15_000, log: capture.log });
  const reporter = new ChatReporter({ chats, cards: callCards(callCardStore, true), pageCards: pageCards(pageCardStore) });
  /** Someone speaks in the chat (in `locale`, when their client names one): Rally remembers it, as a turn does. */
  const hear = (from = '29:megan', chatId = CHAT, locale?: string) =>
    chats.remember(
      new TurnContext(adapter, {
        type: ActivityTypes.Message,
        id: 'm-1',
        text: 'calls',
        ...(locale === undefined ? {} : { locale }),
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        conversation: { id: chatId, isGroup: true, conversationType: 'groupChat', name: '', tenantId: TENANT },
        from: { id: from, name: from },
        recipient: { id: '28:rally', name: 'Rally' },
      }),
    );
  const warnings = () => capture.records().filter((r) => r.level === 40);
  return { adapter, capture, callCardStore, pageCardStore, reporter, hear, warnings };
}

/** A one-to-one call from the chat, ringing Adele; `extra` overrides record fields. */
function oneToOne(extra: Partial<CallRecord> = {}): CallRecord {
  return { ...newCallRecord({ callId: 'call-1', tenantId: TENANT, kind: 'peerToPeer', chatKey: CHAT, handle: '#3', placedBy: MEGAN, targets: [ADELE], at: AT }), ...extra };
}

/** A group call Lee was invited into under `clientContext` invite-1. */
function groupCallInviting(extra: Partial<CallRecord> = {}): CallRecord {
  const group = newCallRecord({ callId: 'group-1', tenantId: TENANT, kind: 'group', chatKey: CHAT, handle: '#5', placedBy: MEGAN, state: 'established', at: AT });
  return { ...withInvitees(group, [LEE], 'invite-1'), ...extra };
}

/** Applies notifications to `record` as the calling layer does: the record they make, and its news. */
function notified(record: CallRecord, ...events: CallRecordEvent[]): { call: StoredCall; news: CallChange[] } {
  let call = record;
  const news: CallChange[] = [];
  for (const event of events) {
    const update = applyCallEvent(call, event, LATER);
    call = update.record;
    news.push(...update.changes);
  }
  return { call, news };
}

const state = (callId: string, to: 'established' | 'terminated', resultInfo?: { code: number; subcode?: number; message?: string }): CallRecordEvent => ({
  kind: 'callState',
  callId,
  changeType: 'updated',
  state: to,
  ...(resultInfo ? { resultInfo } : {}),
});

function operation(kind: OperationKind, status: OperationRecord['status'], participants: CallTarget[], message?: string): CallNews {
  const running = newOperationRecord({ clientContext: 'op-1', callId: 'group-1', tenantId: TENANT, chatKey: CHAT, kind, participants, requestedBy: MEGAN, at: AT });
  return { kind: 'operationFinished', operation: { ...running, status, ...(message === undefined ? {} : { resultInfo: { code: 500, message } }) } };
}

type Card = { refresh?: { action: { data: Record<string, unknown> }; userIds: string[] }; body: unknown };

function cardOf(activity: Partial<Activity>): Card {
  assert.equal(activity.attachments?.length, 1, 'one card');
  return activity.attachments[0]!.content as Card;
}

/** What the adapter did, in order: `post <callId|pageId>`, `update <activity id> <callId|pageId>`, or `say <line>`. */
function story(adapter: ProactiveAdapter): string[] {
  const item = (activity: Partial<Activity>) => {
    const data = cardOf(activity).refresh!.action.data;
    return String(data.callId ?? data.pageId);
  };
  return adapter.deliveries.map((d) => {
    if (d.kind === 'updated') return `update ${d.activity.id} ${item(d.activity)}`;
    return d.activity.attachments ? `post ${item(d.activity)}` : `say ${d.activity.text}`;
  });
}

/** The page of Adele, then Lee; `extra` overrides record fields. */
function page(extra: Partial<PageRecord> = {}): PageRecord {
  return {
    id: 'page-1',
    activityKey: `message/${CHAT}/m-1`,
    chatKey: CHAT,
    tenantId: TENANT,
    requestedBy: MEGAN,
    steps: [
      { target: ADELE, status: 'declined', reason: 'They declined the call.' },
      { target: LEE, status: 'ringing', callId: 'call-lee', handle: '#4' },
    ],
    current: 1,
    waitMs: 30_000,
    state: 'paging',
    createdAt: AT,
    revision: 3,
    shownRevision: 2,
    ...extra,
  };
}

const accepted = (): PageRecord =>
  page({
    steps: [
      { target: ADELE, status: 'declined', reason: 'They declined the call.' },
      { target: LEE, status: 'accepted', callId: 'call-lee', handle: '#4' },
    ],
    state: 'accepted',
    endedAt: LATER,
    outcomeUntold: true,
    outcomeRevision: 4,
    revision: 4,
  });

/** Graph's result of the invite `invite-1` into `group-1`: it failed with `code`. */
function inviteFailed(code: number) {
  return { kind: 'operation' as const, callId: 'group-1', changeType: 'deleted' as const, operationId: null, status: 'failed' as const, clientContext: 'invite-1', resultInfo: { code }, participants: [] };
}

describe('ChatReporter', () => {
  describe('reportCall: the card', () => {
    it('posts the call its card when it has none, records it, and updates that card in place the next time', async () => {
      const { adapter, callCardStore, reporter, hear } = build();
      await hear();
      const call = oneToOne();
      await reporter.reportCall(call, []);
      assert.deepEqual(story(adapter), ['post call-1']);
      assert.equal((await callCardStore.get('call-1'))?.activityId, 'activity-1');

      const { call: answered, news } = notified(call, state('call-1', 'established'));
      await reporter.reportCall(answered, news);
      assert.deepEqual(story(adapter), ['post call-1', 'update activity-1 call-1']);
      assert.match(JSON.stringify(cardOf(adapter.deliveries[1]!.activity).body), /Connected/, 'the card shows the call as it is now');
    });

    it('updates the card a turn posted, and posts no other', async () => {
      const { adapter, callCardStore, reporter, hear } = build();
      await hear();
      callCardStore.put('call-1', { activityId: 'posted-by-the-turn', postedAt: AT });
      const { call, news } = notified(oneToOne(), state('call-1', 'established'), state('call-1', 'terminated', { code: 200, subcode: 4097 }));
      await reporter.reportCall(call, news);
      assert.deepEqual(story(adapter), ['update posted-by-the-turn call-1', 'say #3 ended. The other participant hung up.']);
      assert.match(JSON.stringify(cardOf(adapter.deliveries[0]!.activity).body), /Ended/);
    });

    it("asks Teams to refresh the card for the chat's people", async () => {
      const { adapter, reporter, hear } = build();
      await hear('29:megan');
      await hear('29:adele');
      await reporter.reportCall(oneToOne(), []);
      assert.deepEqual(cardOf(adapter.deliveries[0]!.activity).refresh?.userIds, ['29:adele', '29:megan']);
    });

    it('says nothing for news the card alone shows', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const news: CallNews[] = [
        { kind: 'stateChanged', from: 'establishing', to: 'established' },
        { kind: 'contentSharingChanged', active: true },
        { kind: 'keyPressed', tone: 'tone1' },
        { kind: 'endReasonUpdated', reason: 'The other participant hung up.' },
        operation('invite', 'running', [LEE]),
      ];
      await reporter.reportCall(oneToOne(), news);
      assert.deepEqual(story(adapter), ['post call-1']);
    });

    it('waits (NotYetError) while another run is posting the card, and tells none of the news before the card shows it', async () => {
      const { adapter, callCardStore, reporter, hear } = build();
      await hear();
      callCardStore.put('call-1', { claim: { by: 'another run', at: new Date().toISOString() } });
      const { call, news } = notified(oneToOne(), state('call-1', 'terminated', { code: 603 }));
      await assert.rejects(reporter.reportCall(call, news), NotYetError);
      assert.deepEqual(adapter.deliveries, []);
    });
  });

  describe('reportCall: the lines', () => {
    it('says who declined, and not again that the call ended because of it', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const { call, news } = notified(oneToOne(), state('call-1', 'terminated', { code: 603 }));
      assert.ok(news.some((n) => n.kind === 'ended'), 'the news holds the end');
      await reporter.reportCall(call, news);
      assert.deepEqual(adapter.lines(), ['Adele Vance declined #3. They declined the call.']);
    });

    it('names a call without a handle "the call" in the middle of a sentence', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const { call, news } = notified(oneToOne({ handle: undefined }), state('call-1', 'terminated', { code: 603 }));
      await reporter.reportCall(call, news);
      assert.deepEqual(adapter.lines(), ['Adele Vance declined the call. They declined the call.']);
    });

    it('says why a group call ended even when someone was still ringing then', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const { call, news } = notified(groupCallInviting(), state('group-1', 'terminated', { code: 200, subcode: 5002, message: 'Everyone left.' }));
      await reporter.reportCall(call, news);
      const lines = adapter.lines();
      assert.ok(lines.some((l) => l.startsWith('#5 ended.')), lines.join(' / '));
      assert.ok(lines.some((l) => l.startsWith('Lee Gu could not join #5.')), lines.join(' / '));
    });

    it('says who could not join, with why', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const { call, news } = notified(groupCallInviting(), inviteFailed(480));
      await reporter.reportCall(call, news);
      assert.deepEqual(adapter.lines(), ['Lee Gu could not join #5. They are not available right now.']);
    });

    it('says that the call ended, with the reason when Teams gave one', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const answered = notified(oneToOne(), state('call-1', 'established')).call;
      const withReason = notified(answered, state('call-1', 'terminated', { code: 200, subcode: 4097 }));
      await reporter.reportCall(withReason.call, withReason.news);
      const withoutReason = notified(answered, state('call-1', 'terminated'));
      await reporter.reportCall(withoutReason.call, withoutReason.news);
      assert.deepEqual(adapter.lines(), ['#3 ended. The other participant hung up.', '#3 ended.']);
    });

    it('names a call without a handle "The call" when it ends', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportCall(oneToOne({ handle: undefined }), [{ kind: 'ended', reason: 'The other participant hung up.' }]);
      assert.deepEqual(adapter.lines(), ['The call ended. The other participant hung up.']);
    });

    it('says nothing of an end that answered a request (Graph no longer knew the call), but updates the card', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const news: CallNews[] = [{ kind: 'ended', reason: 'Teams could not find that call or person; the call may already have ended.', answered: true }];
      await reporter.reportCall(oneToOne({ state: 'terminated' }), news);
      assert.deepEqual(story(adapter), ['post call-1']);
    });

    it('says nothing of the end of a call that moved into a group call', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const { call, news } = notified(
        oneToOne(),
        state('call-1', 'established'),
        { kind: 'movedIntoGroupCall', callId: 'call-1', groupCallId: 'group-1', groupCallHandle: '#5' },
        state('call-1', 'terminated', { code: 200, subcode: 7015 }),
      );
      assert.ok(news.some((n) => n.kind === 'ended'));
      await reporter.reportCall(call, news);
      assert.deepEqual(adapter.lines(), []);
    });

    it('says an invite completed (joined) or failed (could not add), with what Graph said', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportCall(groupCallInviting(), [
        operation('invite', 'completed', [LEE, { kind: 'phone', number: '+14255550100' } as CallTarget]),
        operation('invite', 'failed', [LEE], 'Participant is busy.'),
        operation('invite', 'failed', [ADELE]),
      ]);
      assert.deepEqual(adapter.lines(), [
        'Lee Gu, +14255550100 joined the call.',
        'Could not add Lee Gu. Graph said: Participant is busy.',
        'Could not add Adele Vance. Graph did not say why.',
      ]);
    });

    it("says nothing of an invite whose ring was cancelled (487): the invitee's own line tells it", async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const failed = operation('invite', 'failed', [LEE]) as Extract<CallNews, { kind: 'operationFinished' }>;
      await reporter.reportCall(groupCallInviting(), [{ ...failed, operation: { ...failed.operation, resultInfo: { code: 487, message: 'Request terminated.' } } }]);
      assert.deepEqual(adapter.lines(), []);
    });

    it('says an escalation completed (moved into the group call) or failed (could not move)', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportCall(groupCallInviting(), [operation('escalate', 'completed', [ADELE]), operation('escalate', 'failed', [ADELE], 'Call not found.')]);
      await reporter.reportCall(groupCallInviting({ handle: undefined }), [operation('escalate', 'completed', [ADELE]), operation('move', 'completed', [LEE])]);
      assert.deepEqual(adapter.lines(), [
        'Adele Vance moved into #5.',
        'Could not move Adele Vance. Graph said: Call not found.',
        'Adele Vance moved into the call.',
        'Lee Gu moved into the other meeting.',
      ]);
    });

    it('says why an escalation failed, and when Rally cannot tell whether it happened', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportCall(groupCallInviting(), [{ kind: 'escalationFailed', reason: 'Adele hung up before the move.' }, { kind: 'escalationUnknown' }]);
      await reporter.reportCall(groupCallInviting({ handle: undefined }), [{ kind: 'escalationFailed', reason: 'Adele hung up before the move.' }]);
      assert.deepEqual(adapter.lines(), [
        'Could not move the one-to-one call into #5. Adele hung up before the move.',
        ESCALATION_UNKNOWN,
        'Could not move the one-to-one call into the group call. Adele hung up before the move.',
      ]);
    });

    it('says that a hang-up asked for while the call was being confirmed failed', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportCall(oneToOne(), [{ kind: 'hangUpFailed', reason: 'Microsoft Graph did not answer.' }]);
      await reporter.reportCall(oneToOne({ handle: undefined }), [{ kind: 'hangUpFailed', reason: 'Microsoft Graph did not answer.' }]);
      assert.deepEqual(adapter.lines(), [
        'Could not hang up #3, which you asked for while it was being confirmed. Microsoft Graph did not answer.',
        'Could not hang up the call, which you asked for while it was being confirmed. Microsoft Graph did not answer.',
      ]);
    });

    it('shows the card first, then says each line, in order', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const { call, news } = notified(groupCallInviting(), inviteFailed(603));
      await reporter.reportCall(call, [...news, { kind: 'escalationFailed', reason: 'Adele hung up.' }, operation('invite', 'completed', [ADELE])]);
      assert.deepEqual(story(adapter), [
        'post group-1',
        'say Lee Gu declined #5. They declined the call.',
        'say Could not move the one-to-one call into #5. Adele hung up.',
        'say Adele Vance joined the call.',
      ]);
    });
  });

  describe('reportPage', () => {
    it('posts the page its card, then updates it in place, with no line without `outcome`', async () => {
      const { adapter, pageCardStore, reporter, hear } = build();
      await hear();
      await reporter.reportPage(page(), { outcome: false });
      await reporter.reportPage(accepted(), { outcome: false });
      assert.deepEqual(story(adapter), ['post page-1', 'update activity-1 page-1']);
      assert.equal((await pageCardStore.get('page-1'))?.activityId, 'activity-1');
    });

    it('says the outcome after the card with `outcome: true`', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportPage(accepted(), { outcome: true });
      assert.deepEqual(story(adapter), [
        'post page-1',
        'say Lee Gu accepted the page and is on #4 with Rally. Say "escalate" and a person to bring others in, or "hangup #4".',
      ]);
    });

    it('says that nobody accepted an exhausted page', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const exhausted = page({
        steps: [
          { target: ADELE, status: 'declined', reason: 'They declined the call.' },
          { target: LEE, status: 'noAnswer', callId: 'call-lee', handle: '#4' },
        ],
        current: 2,
        state: 'exhausted',
        endedAt: LATER,
      });
      await reporter.reportPage(exhausted, { outcome: true });
      assert.deepEqual(adapter.lines(), ['Nobody accepted the page: Adele Vance declined and Lee Gu did not answer in 30 s.']);
    });

    it('says nothing with `outcome: true` while the page has no outcome', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.reportPage(page(), { outcome: true });
      assert.deepEqual(story(adapter), ['post page-1']);
    });
  });

  describe('tell', () => {
    it('posts the one line, and no card', async () => {
      const { adapter, callCardStore, reporter, hear } = build();
      await hear();
      await reporter.tell(CHAT, 'Rally is back: calls placed while it was away are shown again.', {});
      assert.deepEqual(story(adapter), ['say Rally is back: calls placed while it was away are shown again.']);
      assert.equal(adapter.deliveries[0]!.activity.type, ActivityTypes.Message);
      assert.equal(adapter.deliveries[0]!.activity.conversation?.id, CHAT, 'into the chat it was told for');
      assert.deepEqual([...(await collect(callCardStore.keys()))], []);
    });

    it('says a sentence in the language of the request it is about', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      await reporter.tell(CHAT, sentence('calling.intent.refused'), { locale: 'fr-FR' });
      assert.deepEqual(story(adapter), ['say Microsoft Graph a refusé cet appel ; aucun appel n’a été passé.']);
    });
  });

  describe('in the language of the request each line is about', () => {
    it("says a French call's lines in French, whatever the chat spoke last", async () => {
      const { adapter, reporter, hear } = build();
      await hear('29:megan', CHAT, 'de-DE');
      const { call, news } = notified(oneToOne({ locale: 'fr-FR', timeZone: 'Europe/Paris' }), state('call-1', 'terminated', { code: 603 }));
      await reporter.reportCall(call, news);
      assert.deepEqual(adapter.lines(), ['Adele Vance a refusé #3. La personne a refusé l’appel.']);
    });

    it("says a call recorded before Rally kept languages in the chat's last language", async () => {
      const { adapter, reporter, hear } = build();
      await hear('29:megan', CHAT, 'de-DE');
      await reporter.reportCall(oneToOne(), [{ kind: 'ended', reason: 'The other participant hung up.' }, { kind: 'escalationUnknown' }]);
      assert.deepEqual(adapter.lines(), [
        '#3 wurde beendet. The other participant hung up.',
        'Rally wurde angehalten, während es den Einzelanruf in #3 verschob, und kann daher nicht sagen, ob das Verschieben geklappt hat: Die Karte von #3 zeigt, wer darin ist.',
      ]);
    });

    it('says a reason kept as a sentence in the language of the line', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      // Read back from a record: what the calling layer keeps for a person to read is a sentence, or older text.
      const reason = sentence('error.somethingWentWrong') as unknown as string;
      await reporter.reportCall(oneToOne({ locale: 'ja-JP' }), [{ kind: 'hangUpFailed', reason }]);
      assert.deepEqual(adapter.lines(), ['確認中に依頼された #3 の切断ができませんでした。こちらで問題が発生したため、何も実行されませんでした。しばらくしてからもう一度お試しください。']);
    });

    it("says an invite's outcome in the language it was asked for in, not the call's", async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const [completed, failed] = [operation('invite', 'completed', [LEE, ADELE]), operation('invite', 'failed', [LEE])] as Extract<CallNews, { kind: 'operationFinished' }>[];
      await reporter.reportCall(groupCallInviting({ locale: 'fr-FR' }), [
        { ...completed!, operation: { ...completed!.operation, locale: 'es-ES' } },
        { ...failed!, operation: { ...failed!.operation, locale: 'zh-CN' } },
      ]);
      assert.deepEqual(adapter.lines(), ['Se unió a la llamada: Lee Gu y Adele Vance.', '无法添加 Lee Gu。Graph 没有说明原因。']);
    });

    it("says a page's outcome in the page's language, or in the chat's for a page recorded without one", async () => {
      const { adapter, reporter, hear } = build();
      await hear('29:megan', CHAT, 'pt-BR');
      await reporter.reportPage({ ...accepted(), locale: 'de-DE' }, { outcome: true });
      await reporter.reportPage({ ...accepted(), id: 'page-2' }, { outcome: true });
      assert.deepEqual(adapter.lines(), [
        'Lee Gu hat die Alarmierung angenommen und ist mit Rally in #4. Sagen Sie „erweitern“ und eine Person, um weitere hinzuzuholen, oder „auflegen #4“.',
        'Lee Gu aceitou o acionamento e está em #4 com o Rally. Diga “ampliar” e uma pessoa para trazer outras, ou “desligar #4”.',
      ]);
    });

    it('tells a line in the language it is given, or else in the chat\'s', async () => {
      const { adapter, reporter, hear } = build();
      await hear('29:megan', CHAT, 'fr-CA');
      await reporter.tell(CHAT, sentence('error.somethingWentWrong'), { locale: 'es-MX' });
      await reporter.tell(CHAT, sentence('error.somethingWentWrong'), {});
      assert.deepEqual(adapter.lines(), [
        'Algo salió mal por mi parte; no se hizo nada. Vuelve a intentarlo en un momento.',
        'Un problème est survenu de mon côté ; aucun appel n’a été passé. Réessayez dans un instant.',
      ]);
    });
  });

  describe('a chat Rally never saw', () => {
    it('is skipped by every report, without throwing, with a warning naming it', async () => {
      const { adapter, callCardStore, pageCardStore, reporter, hear, warnings } = build();
      await hear('29:megan', '19:another-chat@thread.v2');
      const { call, news } = notified(oneToOne(), state('call-1', 'terminated', { code: 603 }));
      await reporter.reportCall(call, news);
      await reporter.reportPage(accepted(), { outcome: true });
      await reporter.tell(CHAT, 'A line.', {});
      assert.deepEqual(adapter.deliveries, []);
      assert.equal(await callCardStore.get('call-1'), undefined, 'no claim is left behind');
      assert.equal(await pageCardStore.get('page-1'), undefined);
      assert.deepEqual(
        warnings().map((w) => [w.chatKey, w.msg]),
        Array.from({ length: 3 }, () => [CHAT, 'no conversation reference for the chat; report dropped']),
      );
    });
  });

  describe('a failure of the Bot Connector', () => {
    it('makes reportCall reject when the line cannot be sent, so that the news stays to be told', async () => {
      const { adapter, callCardStore, reporter, hear } = build();
      await hear();
      callCardStore.put('call-1', { activityId: 'posted-by-the-turn', postedAt: AT });
      const failure = new Error('Bot Connector answered 502');
      adapter.connectorFailure = failure;
      const { call, news } = notified(oneToOne(), state('call-1', 'terminated', { code: 603 }));
      await assert.rejects(reporter.reportCall(call, news), (error) => error === failure);
    });

    it("makes reportCall reject when the card cannot be posted, through the adapter's onTurnError as Rally wires it", async () => {
      const { adapter, capture, callCardStore, reporter, hear } = build();
      adapter.onTurnError = answerTurnFailure(capture.log);
      await hear();
      const failure = new Error('Bot Connector answered 502');
      adapter.connectorFailure = failure;
      await assert.rejects(reporter.reportCall(oneToOne(), []), (error) => error === failure);
      assert.equal((await callCardStore.get('call-1'))?.activityId, undefined, 'no card is recorded as posted');

      adapter.connectorFailure = undefined;
      const later = notified(oneToOne(), state('call-1', 'terminated', { code: 603 }));
      await assert.rejects(reporter.reportCall(later.call, later.news), NotYetError, 'the unfinished post holds the card for a while');
    });

    it('makes reportPage and tell reject', async () => {
      const { adapter, reporter, hear } = build();
      await hear();
      const failure = new Error('Bot Connector answered 502');
      adapter.connectorFailure = failure;
      await assert.rejects(reporter.reportPage(accepted(), { outcome: true }), (error) => error === failure);
      await assert.rejects(reporter.tell(CHAT, 'A line.', {}), (error) => error === failure);
    });
  });
});

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all;
}
