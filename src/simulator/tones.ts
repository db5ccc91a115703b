// DTMF keys a simulated person can press, and the tone names Graph reports for them (toneInfo resource; the `tone`
// enumeration of Graph's metadata spells the letter keys in lower case: a, b, c, d).

export type Tone = 'tone0' | 'tone1' | 'tone2' | 'tone3' | 'tone4' | 'tone5' | 'tone6' | 'tone7' | 'tone8' | 'tone9' | 'star' | 'pound' | 'a' | 'b' | 'c' | 'd' | 'flash';

/** A key on a telephone keypad: the digits, `*`, `#`, and the A to D column some keypads have. */
export type DtmfKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** A person who answers and hears a prompt presses this unless their script says otherwise: the "press 1 to accept". */
export const DEFAULT_KEY: DtmfKey = '1';

const TONES: Record<DtmfKey, Tone> = {
  '0': 'tone0',
  '1': 'tone1',
  '2': 'tone2',
  '3': 'tone3',
  '4': 'tone4',
  '5': 'tone5',
  '6': 'tone6',
  '7': 'tone7',
  '8': 'tone8',
  '9': 'tone9',
  '*': 'star',
  '#': 'pound',
  A: 'a',
  B: 'b',
  C: 'c',
  D: 'd',
};

/** `flash` is a hook flash, not a key: Graph may report it, but no simulated person presses it. */
export function isDtmfKey(key: string): key is DtmfKey {
  return Object.hasOwn(TONES, key);
}

export function toneFor(key: DtmfKey): Tone {
  return TONES[key];
}

/** Throws for anything that is not a key, so a mistyped script or test fails where it was written. */
export function dtmfKey(key: string, where: string): DtmfKey {
  if (!isDtmfKey(key)) throw new Error(`${where}: "${key}" is not a DTMF key (0-9, *, #, A-D).`);
  return key;
}
