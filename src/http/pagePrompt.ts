// The page prompt Rally serves itself: "This is Rally. You are being paged by your team. Press 1 to accept and join.
// Press 2 to decline.", a WAV in the format Graph's service-hosted media plays (PCM, 16-bit, mono, 16 kHz). Made once
// with `espeak-ng -v en-us -s 135` and `scripts/resampleWav.mjs`; one recording for every page, since Graph plays files
// and does not speak text.
import { readFileSync } from 'node:fs';

export function pagePromptWav(): Buffer {
  return readFileSync(new URL('../../assets/page-prompt.wav', import.meta.url));
}
