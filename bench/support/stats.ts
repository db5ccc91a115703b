// Small numeric helpers the benches share: percentiles of latency samples and how a line is printed.

/** The nearest-rank percentile (0 < p <= 100) of samples in ms; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** `ok  ` or `SLOW` in front of a line that states a goal, as bench/notifications.bench.ts prints them. */
export function verdict(ok: boolean): string {
  return ok ? 'ok  ' : 'SLOW';
}
