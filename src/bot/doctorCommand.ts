import type { ChatRequest } from '../calling/index.js';
import { formatReport } from '../doctor/checkResult.js';
import type { CheckResult } from '../doctor/checkResult.js';
import { sentence } from '../i18n/sentence.js';
import type { Translator } from '../i18n/translator.js';

/** Who may run `doctor` in chat, and the checks it runs for a tenant. */
export interface DoctorAccess {
  /** Entra object ids, lower case (the ADMINS setting). */
  admins: readonly string[];
  /** `organizerId`: the admin asking, whose meetings a `bridge` would make. */
  run(tenantId: string, organizerId?: string): Promise<CheckResult[]>;
}

export const NOT_AN_ADMIN = sentence('doctor.notAnAdmin');

/** The doctor report for the chat's tenant, one check per line, in the asker's language; a refusal for anyone not an admin. */
export async function doctorReply(access: DoctorAccess, request: ChatRequest, t: Translator): Promise<string> {
  if (!access.admins.includes(request.requestedBy.id.toLowerCase())) return t.say(NOT_AN_ADMIN);
  // Teams keeps single line breaks only inside paragraphs: one paragraph per check.
  return formatReport(await access.run(request.tenantId, request.requestedBy.id), t, '\n\n');
}
