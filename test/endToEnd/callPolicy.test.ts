// The calling policy through the real server: each refusal is one line in the chat and nothing reaches Graph.
import assert from 'node:assert/strict';
import { NotificationSigner } from '../../src/simulator/notificationSigner.js';
import { ME, RallyHarness, TENANT_ID } from './rallyHarness.js';
import type { HarnessOptions } from './rallyHarness.js';

const OTHER_TENANT = '9c0ffee0-0000-4000-8000-000000000099';
const SOMEONE_ELSE = '7a7a7a7a-0000-4000-8000-000000000007';

describe('Rally calling policy over HTTP', function () {
  let h: RallyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const start = async (env: HarnessOptions['env']) => (h = await RallyHarness.start({ env }));
  /** Says `text` and answers the one line Rally answered with. */
  const refusalOf = async (harness: RallyHarness, text: string): Promise<string> => {
    const before = harness.connector.posts().length;
    assert.equal(await harness.say(text), 200);
    const posts = harness.connector.posts().slice(before);
    assert.equal(posts.length, 1, `expected one line, got: ${harness.connector.summary().join('\n')}`);
    return String(posts[0]!.activity.text);
  };

  describe('who may call', () => {
    it('refuses a caller not on ALLOWED_CALLERS, and Graph gets no create-call request', async () => {
      const harness = await start({ ALLOWED_CALLERS: SOMEONE_ELSE });
      assert.match(await refusalOf(harness, 'call adelev@contoso.com'), /^You are not allowed to place or change calls with Rally; ask your Teams administrator/);
      assert.match(await refusalOf(harness, 'join https://teams.microsoft.com/meet/123456789?p=abc'), /not allowed to place or change calls/);
      assert.equal(harness.createCallRequests().length, 0);
    });

    it('lets a caller on ALLOWED_CALLERS place calls', async () => {
      const harness = await start({ ALLOWED_CALLERS: `${SOMEONE_ELSE},${ME.aadObjectId.toUpperCase()}` });
      await harness.placeCall('call adelev@contoso.com');
      assert.equal(harness.createCallRequests().length, 1);
    });

    it('refuses a caller who is not on ALLOWED_DIALERS a phone number, but not a person', async () => {
      const harness = await start({ ALLOWED_DIALERS: SOMEONE_ELSE });
      assert.match(await refusalOf(harness, 'call +14255550100'), /^You are not allowed to dial phone numbers/);
      assert.equal(harness.createCallRequests().length, 0);
      await harness.placeCall('call adelev@contoso.com');
    });
  });

  describe('what may be dialed', () => {
    it('refuses a premium-rate number, in a call and in an invite', async () => {
      const harness = await start({});
      assert.equal(await refusalOf(harness, 'call +44 909 879 0000'), 'Rally does not dial premium-rate numbers, so it will not ring +449098790000.');
      assert.equal(harness.createCallRequests().length, 0);

      await harness.placeCall('call adelev@contoso.com alexw@contoso.com');
      assert.match(await refusalOf(harness, 'invite +44 909 879 0000'), /premium-rate/);
      assert.equal(harness.inviteRequests().length, 0);
      await harness.say('invite +14255550100');
      assert.equal(harness.inviteRequests().length, 1, 'an ordinary number is still invited');
    });

    it('refuses a number in a country not on ALLOWED_COUNTRY_CODES', async () => {
      const harness = await start({ ALLOWED_COUNTRY_CODES: '44' });
      assert.equal(await refusalOf(harness, 'call +14255550100'), 'Rally is not allowed to dial numbers in United States, so it will not ring +14255550100.');
      assert.equal(harness.createCallRequests().length, 0);
      await harness.placeCall('call +44 20 7946 0958');
    });
  });

  describe('how often', () => {
    it('refuses the call after CALL_RATE_LIMIT calls and invitations in the window', async () => {
      const harness = await start({ CALL_RATE_LIMIT: '3/1h' });
      await harness.placeCall('call adelev@contoso.com alexw@contoso.com');
      await harness.say('invite +14255550100');
      await harness.placeCall('call adelev@contoso.com');
      assert.match(await refusalOf(harness, 'call adelev@contoso.com'), /^You have started many calls and invitations in a short time; try again in 60 minutes\.$/);
      assert.equal(harness.createCallRequests().length, 2);
      assert.equal(harness.inviteRequests().length, 1);
    });
  });

  describe('which tenants', () => {
    it('answers a message from a tenant not on ALLOWED_TENANTS with one refusal and nothing else', async () => {
      const harness = await start({ ALLOWED_TENANTS: OTHER_TENANT });
      assert.equal(await refusalOf(harness, 'help'), 'Rally is not enabled for your organization.');
      assert.equal(await refusalOf(harness, 'call adelev@contoso.com'), 'Rally is not enabled for your organization.');
      assert.equal(harness.connector.cardPosts().length, 0);
      assert.equal(harness.createCallRequests().length, 0);

      const linesBefore = harness.connector.lines().length;
      const pressed = await harness.press('card-1', 'hangup', { callId: 'some-call' });
      assert.equal(pressed.status, 200);
      assert.equal(pressed.body.value, 'Rally is not enabled for your organization.');
      assert.equal(harness.connector.lines().length, linesBefore, 'the press is answered in place only, not also in the chat');
      assert.equal(harness.sim.requests.length, 0, 'nothing reached Graph');
    });

    it('answers 401 to a notification signed for a tenant not on ALLOWED_TENANTS', async () => {
      const harness = await start({ ALLOWED_TENANTS: OTHER_TENANT });
      const signer = await NotificationSigner.create('rally-local');
      const notify = async (tenantId: string) => {
        const response = await fetch(`${harness.url}/api/calling`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await signer.token(tenantId)}` },
          body: JSON.stringify({ value: [] }),
        });
        await response.text();
        return response.status;
      };
      assert.equal(await notify(TENANT_ID), 401);
      assert.equal(await notify(OTHER_TENANT), 202, 'the same token for an allowed tenant is accepted');
    });
  });
});
