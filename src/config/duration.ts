// Durations as operators write them in settings: a whole number and one unit (`30s`, `15m`, `7d`).

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof UNIT_MS;

/** Whether `text` is a duration in one of `units`. */
export function isDuration(text: string, units: readonly DurationUnit[]): boolean {
  const match = /^([1-9]\d{0,8})([a-z])$/.exec(text);
  return match !== null && (units as readonly string[]).includes(match[2]!);
}

/** Milliseconds of a duration `isDuration` accepted. */
export function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as DurationUnit];
}
