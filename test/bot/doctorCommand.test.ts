// `doctor` in chat at its own seam: the checks' sentences said in the asker's language, one paragraph per check, and
// the refusal for anyone not an admin in theirs too.
import assert from 'node:assert/strict';
import { doctorReply } from '../../src/bot/doctorCommand.js';
import type { DoctorAccess } from '../../src/bot/doctorCommand.js';
import type { ChatRequest } from '../../src/calling/index.js';
import { checkPstn } from '../../src/doctor/endpointChecks.js';
import { checkGraphToken } from '../../src/doctor/graphTokenCheck.js';
import { Translator } from '../../src/i18n/translator.js';

const ADMIN = '0b0b0b0b-0000-4000-8000-00000000ad01';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function asking(id: string): ChatRequest {
  return { chatKey: '19:rally-test@thread.v2', tenantId: TENANT, requestedBy: { id, name: 'Megan Bowen' } };
}

/** The real checks that need no network: PSTN off, and a Graph token that cannot be had. */
const access: DoctorAccess = {
  admins: [ADMIN],
  run: async (tenantId) => [
    checkPstn(undefined),
    ...(await checkGraphToken({ tokenProvider: { getToken: async () => Promise.reject(new Error('AADSTS7000215: Invalid client secret.')) }, tenantId, localMode: false })),
  ],
};

describe('doctorReply', () => {
  it("says each check in the admin's language, with what to fix", async () => {
    const reply = await doctorReply(access, asking(ADMIN.toUpperCase()), new Translator({ locale: 'fr-FR' }));
    assert.deepEqual(reply.split('\n\n'), [
      'ℹ RTC désactivé : PSTN_APPLICATION_INSTANCE_ID n’est pas défini, donc Rally n’appelle pas de numéros de téléphone.',
      `✘ Jeton Graph pour le locataire ${TENANT} : impossible d’en obtenir un (AADSTS7000215: Invalid client secret.). Correction : vérifiez MicrosoftAppId et ses identifiants (MicrosoftAppPassword, GRAPH_CERTIFICATE_PATH ou l’identité managée), et qu’un administrateur de ce locataire a donné son consentement à Rally.`,
    ]);
  });

  it('says the same checks in English for an English admin, as the CLI does', async () => {
    const reply = await doctorReply(access, asking(ADMIN), new Translator({ locale: 'en-GB' }));
    assert.match(reply, /^ℹ PSTN off: PSTN_APPLICATION_INSTANCE_ID is not set/);
    assert.match(reply, /\n\n✘ Graph token for tenant .*: could not get one \(AADSTS7000215: Invalid client secret\.\)\. Fix: check MicrosoftAppId/);
  });

  it('refuses anyone not an admin, in their language, and runs no check', async () => {
    let ran = false;
    const watched: DoctorAccess = {
      admins: [ADMIN],
      run: async () => {
        ran = true;
        return [];
      },
    };
    assert.equal(
      await doctorReply(watched, asking('someone-else'), new Translator({ locale: 'ja-JP' })),
      '診断を実行できるのは Rally の管理者のみです。オペレーターが ADMINS 設定で Entra オブジェクト ID によって管理者を指定します。',
    );
    assert.equal(ran, false);
  });
});
