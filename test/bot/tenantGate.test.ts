// tenantGate and tenantIdOf at their own seam: Teams activities through botbuilder's TestAdapter into the gated turn
// handler, with policy settings read by loadPolicySettings; what the chat gets is read from the adapter's replies.
import assert from 'node:assert/strict';
import { ActivityTypes, TestAdapter, TurnContext } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { tenantGate, tenantIdOf } from '../../src/bot/tenantGate.js';
import { loadPolicySettings } from '../../src/config/policySettings.js';
import type { PolicySettings } from '../../src/config/policySettings.js';
import { LogCapture } from '../support/logCapture.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
const REFUSAL = 'Rally is not enabled for your organization.';
const NO_TENANT_WARNING = 'no tenant is allowed (ALLOWED_TENANTS and MicrosoftAppTenantId are unset): Rally refuses every chat';

/** Outside local mode, as an operator would configure it. */
const onlyTenant = () => loadPolicySettings({ ALLOWED_TENANTS: TENANT }, { localMode: false });
const everyone = () => loadPolicySettings({ ALLOWED_TENANTS: '*' }, { localMode: false });

type Where = { conversationTenant?: string; channelDataTenant?: string };

function activity(type: string, where: Where, extra: Partial<Activity> = {}): Partial<Activity> {
  return {
    type,
    channelId: 'msteams',
    conversation: {
      id: '19:rally-test@thread.v2',
      isGroup: true,
      conversationType: 'groupChat',
      name: '',
      ...(where.conversationTenant === undefined ? {} : { tenantId: where.conversationTenant }),
    },
    ...(where.channelDataTenant === undefined ? {} : { channelData: { tenant: { id: where.channelDataTenant } } }),
    from: { id: '29:megan', name: 'Megan Bowen', aadObjectId: 'megan-object-id' },
    recipient: { id: '28:rally', name: 'Rally' },
    ...extra,
  };
}

const message = (where: Where) => activity(ActivityTypes.Message, where, { text: 'call adele' });
const invoke = (where: Where) =>
  activity(ActivityTypes.Invoke, where, { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'hangup', data: { callId: 'call-1' } } } });

/** The gate in front of a turn that answers "turn ran", through a TestAdapter; `deliver` returns what the chat got. */
function gated(policy: PolicySettings) {
  const capture = new LogCapture();
  const ran: string[] = [];
  const handler = tenantGate(policy, capture.log, {
    run: async (context) => {
      ran.push(context.activity.type);
      await context.sendActivity('turn ran');
    },
  });
  const adapter = new TestAdapter(handler);
  const deliver = async (incoming: Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.processActivity(incoming);
    return adapter.activeQueue.splice(0);
  };
  const warnings = () => capture.records().filter((r) => r.level === 40);
  return { ran, deliver, warnings };
}

describe('tenantGate', () => {
  describe('an allowed tenant', () => {
    it('runs the turn for a message, and logs no refusal', async () => {
      const { ran, deliver, warnings } = gated(onlyTenant());
      const replies = await deliver(message({ conversationTenant: TENANT }));
      assert.deepEqual(ran, [ActivityTypes.Message]);
      assert.deepEqual(replies.map((r) => r.text), ['turn ran']);
      assert.deepEqual(warnings(), []);
    });

    it('runs the turn for an invoke and for other activity types', async () => {
      const { ran, deliver } = gated(onlyTenant());
      await deliver(invoke({ conversationTenant: TENANT }));
      await deliver(activity(ActivityTypes.ConversationUpdate, { conversationTenant: TENANT }, { membersAdded: [{ id: '28:rally', name: 'Rally' }] }));
      assert.deepEqual(ran, [ActivityTypes.Invoke, ActivityTypes.ConversationUpdate]);
    });

    it('is recognised whatever the case of its id', async () => {
      const { ran, deliver } = gated(onlyTenant());
      await deliver(message({ conversationTenant: TENANT.toUpperCase() }));
      assert.deepEqual(ran, [ActivityTypes.Message]);
    });

    it('is read from channelData.tenant.id when the conversation does not carry it', async () => {
      const { ran, deliver } = gated(onlyTenant());
      const replies = await deliver(message({ channelDataTenant: TENANT }));
      assert.deepEqual(ran, [ActivityTypes.Message]);
      assert.deepEqual(replies.map((r) => r.text), ['turn ran']);
    });
  });

  describe('a tenant not allowed', () => {
    it('gets the one refusal sentence for a message, and the turn never runs', async () => {
      const { ran, deliver } = gated(onlyTenant());
      const replies = await deliver(message({ conversationTenant: OTHER_TENANT }));
      assert.deepEqual(ran, []);
      assert.deepEqual(replies.map((r) => [r.type, r.text]), [[ActivityTypes.Message, REFUSAL]]);
    });

    it('gets only an invoke response showing the sentence in place of the card for an invoke (a card refresh too)', async () => {
      const { ran, deliver } = gated(onlyTenant());
      const replies = await deliver(invoke({ conversationTenant: OTHER_TENANT }));
      assert.deepEqual(ran, []);
      assert.equal(replies.length, 1, 'nothing is posted into the chat');
      assert.equal(replies[0]!.type, ActivityTypes.InvokeResponse);
      assert.deepEqual(replies[0]!.value, {
        status: 200,
        body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: REFUSAL },
      });
    });

    it("is refused in the person's language, a message and a button alike", async () => {
      const { deliver } = gated(onlyTenant());
      const [said] = await deliver({ ...message({ conversationTenant: OTHER_TENANT }), locale: 'fr-FR' });
      const [pressed] = await deliver({ ...invoke({ conversationTenant: OTHER_TENANT }), locale: 'ja-JP' });
      assert.equal(said!.text, 'Rally n’est pas activé pour votre organisation.');
      assert.equal((pressed!.value as { body: { value: string } }).body.value, 'Rally は、ご利用の組織では有効になっていません。');
    });

    for (const type of [ActivityTypes.ConversationUpdate, ActivityTypes.InstallationUpdate, ActivityTypes.MessageReaction, ActivityTypes.Event]) {
      it(`gets nothing for ${type}, and the turn never runs`, async () => {
        const { ran, deliver } = gated(onlyTenant());
        const replies = await deliver(activity(type, { conversationTenant: OTHER_TENANT }));
        assert.deepEqual(ran, []);
        assert.deepEqual(replies, []);
      });
    }

    it('is logged with the code, the tenant, the requester and the activity type', async () => {
      const { deliver, warnings } = gated(onlyTenant());
      await deliver(activity(ActivityTypes.ConversationUpdate, { conversationTenant: OTHER_TENANT }));
      assert.deepEqual(
        warnings().map((w) => [w.msg, w.code, w.tenantId, w.requester, w.activityType]),
        [['activity from a tenant not allowed', 'tenantNotAllowed', OTHER_TENANT, 'megan-object-id', ActivityTypes.ConversationUpdate]],
      );
    });

    it('is read from channelData.tenant.id too', async () => {
      const { ran, deliver } = gated(onlyTenant());
      const replies = await deliver(message({ channelDataTenant: OTHER_TENANT }));
      assert.deepEqual(ran, []);
      assert.deepEqual(replies.map((r) => r.text), [REFUSAL]);
    });

    it('includes an activity that names no tenant at all', async () => {
      const { ran, deliver } = gated(onlyTenant());
      const replies = await deliver(message({}));
      assert.deepEqual(ran, []);
      assert.deepEqual(replies.map((r) => r.text), [REFUSAL]);
    });
  });

  describe('the allow-list', () => {
    it('warns once, at construction, when it is empty, and then refuses every tenant', async () => {
      const policy = loadPolicySettings({}, { localMode: false });
      const { ran, deliver, warnings } = gated(policy);
      assert.deepEqual(warnings().map((w) => w.msg), [NO_TENANT_WARNING]);
      const replies = await deliver(message({ conversationTenant: TENANT }));
      assert.deepEqual(ran, []);
      assert.deepEqual(replies.map((r) => r.text), [REFUSAL]);
    });

    it("does not warn at construction when it names a tenant (by default the bot's own)", () => {
      const { warnings } = gated(loadPolicySettings({}, { localMode: false, appTenantId: TENANT }));
      assert.deepEqual(warnings(), []);
    });

    it('EVERYONE (*) allows any tenant, and an activity without one, with no warning', async () => {
      const { ran, deliver, warnings } = gated(everyone());
      await deliver(message({ conversationTenant: OTHER_TENANT }));
      await deliver(invoke({ channelDataTenant: TENANT }));
      await deliver(message({}));
      assert.deepEqual(ran, [ActivityTypes.Message, ActivityTypes.Invoke, ActivityTypes.Message]);
      assert.deepEqual(warnings(), []);
    });
  });
});

describe('tenantIdOf', () => {
  const tenantOf = (incoming: Partial<Activity>) => tenantIdOf(new TurnContext(new TestAdapter(), incoming));

  it('reads conversation.tenantId', () => {
    assert.equal(tenantOf(message({ conversationTenant: TENANT })), TENANT);
  });

  it('reads channelData.tenant.id when the conversation has no tenant', () => {
    assert.equal(tenantOf(message({ channelDataTenant: OTHER_TENANT })), OTHER_TENANT);
  });

  it('prefers conversation.tenantId when both are there', () => {
    assert.equal(tenantOf(message({ conversationTenant: TENANT, channelDataTenant: OTHER_TENANT })), TENANT);
  });

  it('is undefined when neither is', () => {
    assert.equal(tenantOf(message({})), undefined);
    assert.equal(tenantOf({ ...message({}), channelData: { tenant: {} } }), undefined);
  });
});
