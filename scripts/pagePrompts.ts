// `npm run prompts`: makes every language's page prompt WAV (assets/prompts/) from `prompt.page` in its catalog, with
// espeak-ng (`apt-get install espeak-ng`; made with 1.51) and resampled to what Graph plays (PCM, 16-bit, mono, 16 kHz).
// Run it after changing a prompt's words, and check the WAVs in: Rally serves them as they are.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pagePromptAsset } from '../src/http/pagePrompt.js';
import { LANGUAGES } from '../src/i18n/languages.js';
import { Translator } from '../src/i18n/translator.js';
import { speechOf } from './pagePrompts/promptSpeech.js';
import { resampleWav } from './pagePrompts/resampleWav.js';

function speak(voice: string, text: string): Buffer {
  const spoken = spawnSync('espeak-ng', ['-v', voice, '-s', '135', '--stdout', text], { maxBuffer: 64 * 1024 * 1024 });
  if (spoken.error) throw new Error(`espeak-ng could not be run (${spoken.error.message}): install it, e.g. apt-get install espeak-ng`);
  if (spoken.status !== 0) throw new Error(`espeak-ng -v ${voice} failed: ${spoken.stderr.toString().trim()}`);
  return spoken.stdout;
}

for (const language of LANGUAGES) {
  const { voice, text } = speechOf(language, new Translator({ locale: language }).t('prompt.page'));
  const file = pagePromptAsset(language);
  const wav = resampleWav(speak(voice, text));
  writeFileSync(file, wav);
  console.log(`${language}: ${fileURLToPath(file)} (${((wav.length - 44) / 32_000).toFixed(1)} s, espeak-ng -v ${voice})`);
}
