/** One line of a doctor report: what was checked, how it went, and what to do when it failed. */
export interface CheckResult {
  /** `info` is neither good nor bad: a feature switched off on purpose, a check that does not apply here. */
  status: 'pass' | 'fail' | 'info';
  text: string;
  /** What an operator changes to make a failed check pass. */
  fix?: string;
}

export const pass = (text: string): CheckResult => ({ status: 'pass', text });
export const fail = (text: string, fix: string): CheckResult => ({ status: 'fail', text, fix });
export const info = (text: string): CheckResult => ({ status: 'info', text });

const MARKS: Record<CheckResult['status'], string> = { pass: '✔', fail: '✘', info: 'ℹ' };

/** One line per result: the mark, the finding, and for a failure what to fix. */
export function formatReport(results: readonly CheckResult[], lineBreak = '\n'): string {
  return results.map((r) => `${MARKS[r.status]} ${r.text}${r.fix ? ` Fix: ${r.fix}` : ''}`).join(lineBreak);
}

export function anyFailed(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'fail');
}
