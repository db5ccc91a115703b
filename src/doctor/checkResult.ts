import { sentence } from '../i18n/sentence.js';
import type { Sentence } from '../i18n/sentence.js';
import type { Translator } from '../i18n/translator.js';

/**
 * One line of a doctor report: what was checked, how it went, and what to do when it failed, as sentences: the chat
 * says them in the admin's language, `npm run doctor` in English.
 */
export interface CheckResult {
  /** `info` is neither good nor bad: a feature switched off on purpose, a check that does not apply here. */
  status: 'pass' | 'fail' | 'info';
  text: Sentence;
  /** What an operator changes to make a failed check pass. */
  fix?: Sentence;
}

export const pass = (text: Sentence): CheckResult => ({ status: 'pass', text });
export const fail = (text: Sentence, fix: Sentence): CheckResult => ({ status: 'fail', text, fix });
export const info = (text: Sentence): CheckResult => ({ status: 'info', text });

const MARKS: Record<CheckResult['status'], string> = { pass: '✔', fail: '✘', info: 'ℹ' };

/** One line per result, in `t`'s language: the mark, the finding, and for a failure what to fix. */
export function formatReport(results: readonly CheckResult[], t: Translator, lineBreak = '\n'): string {
  return results
    .map(({ status, text, fix }) => t.say(fix ? sentence('doctor.report.lineWithFix', { mark: MARKS[status], text, fix }) : sentence('doctor.report.line', { mark: MARKS[status], text })))
    .join(lineBreak);
}

export function anyFailed(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'fail');
}
