// Scripted failures for guardrail tests: the next matching Graph requests fail in a chosen way.

export type FaultAction =
  /**
   * Answer with this status in Graph's error shape, optionally with `Retry-After` (seconds); `code` and `message` set
   * the body's `error.code` and `error.message` (default: the status's usual code and "Simulated failure N.").
   */
  | { status: number; retryAfterSeconds?: number; code?: string; message?: string }
  /** Never answer (until the simulator closes): exercises the caller's timeout. */
  | { hang: true }
  /** Destroy the connection without an answer. */
  | { reset: true }
  /** Carry the request out (the call is created and notifies), but answer only after this long: Graph slow past a timeout. */
  | { answerAfterMs: number };

export type FaultSpec = FaultAction & {
  /** HTTP method to match; any when omitted. */
  method?: string;
  /** Path below the version (e.g. `/communications/calls`): a string matches exactly, a RegExp by test; any when omitted. */
  path?: string | RegExp;
  /** How many matching requests fail; default 1. */
  times?: number;
};

export class FaultPlan {
  private readonly pending: { spec: FaultSpec; left: number }[] = [];

  add(spec: FaultSpec): void {
    this.pending.push({ spec, left: spec.times ?? 1 });
  }

  /** The fault for this request, if one is due; each use counts down its `times`. */
  take(method: string, path: string): FaultAction | undefined {
    const index = this.pending.findIndex(({ spec }) => matches(spec, method, path));
    const due = this.pending[index];
    if (!due) return undefined;
    if (--due.left <= 0) this.pending.splice(index, 1);
    return due.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method) return false;
  if (spec.path === undefined) return true;
  return typeof spec.path === 'string' ? spec.path === path : spec.path.test(path);
}
