import type { AuditRecord, AuditTrail } from '../calling/policy/auditTrail.js';
import type { Logger } from './logger.js';

/** The message every audit line carries; an operator's log pipeline selects `audit` records by the `audit` field or this. */
export const AUDIT_MESSAGE = 'audit';

/** Audit records as pino lines at info level, through the same redaction as every other line. */
export function pinoAuditTrail(log: Logger): AuditTrail {
  return { record: (entry: AuditRecord) => log.info(entry, AUDIT_MESSAGE) };
}
