// The adapter's last resort for a failed turn: a person who asked gets one sentence; a report Rally posted on its own
// gets its failure back, so that it keeps its news and is tried again.
import assert from 'node:assert/strict';
import { ActivityEventNames, ActivityTypes, TestAdapter, TurnContext } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { answerTurnFailure } from '../../src/bot/rallyBot.js';
import { createLogger } from '../../src/log/logger.js';
import { StoreUnavailableError } from '../../src/storage/storageErrors.js';

const base = { channelId: 'msteams', conversation: { id: 'chat-1', isGroup: false, conversationType: 'personal', name: '' }, from: { id: '29:pat', name: 'Pat' }, recipient: { id: '28:rally', name: 'Rally' }, serviceUrl: 'https://smba.trafficmanager.net/emea/' };

function turn(activity: Partial<Activity>): { context: TurnContext; sent: Partial<Activity>[] } {
  const adapter = new TestAdapter();
  const sent: Partial<Activity>[] = [];
  adapter.sendActivities = async (_context, activities) => {
    sent.push(...activities);
    return activities.map(() => ({ id: 'sent' }));
  };
  return { context: new TurnContext(adapter, { ...base, ...activity }), sent };
}

describe('answerTurnFailure', () => {
  const answer = answerTurnFailure(createLogger('silent'));
  const full = new StoreUnavailableError('put', 'calls/x');

  it("answers a person's message with the failure's own sentence", async () => {
    const { context, sent } = turn({ type: ActivityTypes.Message, text: 'calls' });
    await answer(context, full);
    assert.deepEqual(sent.map((a) => a.text), [full.userMessage]);
  });

  it('adds nothing to a turn that has answered already', async () => {
    const { context, sent } = turn({ type: ActivityTypes.Message, text: 'status' });
    await context.sendActivity('the card');
    await answer(context, full);
    assert.deepEqual(sent.map((a) => a.text), ['the card']);
  });

  it('gives a proactive report its failure back and tells the chat nothing', async () => {
    const { context, sent } = turn({ type: ActivityTypes.Event, name: ActivityEventNames.ContinueConversation });
    await assert.rejects(answer(context, full), full);
    assert.deepEqual(sent, []);
  });
});
