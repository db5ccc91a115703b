// Rally's own page prompts: one checked-in recording per language, each a WAV Graph plays, served at a URL of its own
// and handed to Graph with a resourceId of its own (Graph caches a prompt by it).
import assert from 'node:assert/strict';
import { externalPagePrompt, promptResourceId, servedPagePrompts } from '../../src/http/pagePrompt.js';
import { LANGUAGES } from '../../src/i18n/languages.js';

interface WavFacts {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
}

/** The fmt chunk's fields and the data chunk's size, walking the RIFF chunks. */
function wavFacts(wav: Buffer): WavFacts {
  assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
  assert.equal(wav.toString('latin1', 8, 12), 'WAVE');
  assert.equal(wav.readUInt32LE(4), wav.length - 8, 'the RIFF size covers the file');
  let fmt: Omit<WavFacts, 'dataBytes'> | undefined;
  let dataBytes: number | undefined;
  for (let offset = 12; offset + 8 <= wav.length; ) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') fmt = { format: wav.readUInt16LE(offset + 8), channels: wav.readUInt16LE(offset + 10), sampleRate: wav.readUInt32LE(offset + 12), bitsPerSample: wav.readUInt16LE(offset + 22) };
    if (id === 'data') dataBytes = Math.min(size, wav.length - offset - 8);
    offset += 8 + size + (size % 2);
  }
  assert.ok(fmt !== undefined && dataBytes !== undefined, 'a fmt and a data chunk');
  return { ...fmt, dataBytes };
}

describe('page prompts', () => {
  const { prompts, media } = servedPagePrompts('https://rally.contoso.com');

  for (const language of LANGUAGES) {
    it(`serves the ${language} prompt as a WAV Graph plays: PCM, 16-bit, mono, 16 kHz, a few seconds of speech`, () => {
      const path = new URL(prompts[language].uri).pathname;
      const wav = media[path];
      assert.ok(wav, `served at ${path}`);
      const facts = wavFacts(wav);
      assert.deepEqual({ ...facts, dataBytes: undefined }, { format: 1, channels: 1, sampleRate: 16_000, bitsPerSample: 16, dataBytes: undefined });
      const seconds = facts.dataBytes / (16_000 * 2);
      assert.ok(seconds > 4 && seconds < 20, `${language}: ${seconds.toFixed(1)} s`);
      const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
      assert.ok(samples.some((s) => Math.abs(s) > 4_000), `${language}: not silence`);
    });
  }

  it('gives each language its own URL and its own GUID-shaped resourceId, and serves nothing else', () => {
    const uris = LANGUAGES.map((l) => prompts[l].uri);
    const ids = LANGUAGES.map((l) => prompts[l].resourceId);
    assert.equal(new Set(uris).size, LANGUAGES.length);
    assert.equal(new Set(ids).size, LANGUAGES.length);
    for (const id of ids) assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(Object.keys(media).sort(), uris.map((u) => new URL(u).pathname).sort());
    assert.equal(new Set(Object.values(media).map((wav) => wav.toString('base64'))).size, LANGUAGES.length, 'a recording per language');
  });

  it('keeps English at the URL it always had, and every prompt under BOT_PUBLIC_URL', () => {
    assert.equal(prompts.en.uri, 'https://rally.contoso.com/media/page-prompt.wav');
    assert.equal(prompts.fr.uri, 'https://rally.contoso.com/media/page-prompt.fr.wav');
    for (const language of LANGUAGES) assert.ok(prompts[language].uri.startsWith('https://rally.contoso.com/media/'), prompts[language].uri);
  });

  it('derives each resourceId from the language and the bytes: the same across restarts, new when the recording changes', () => {
    const again = servedPagePrompts('https://rally.fabrikam.com').prompts;
    for (const language of LANGUAGES) assert.equal(again[language].resourceId, prompts[language].resourceId, language);
    const wav = media['/media/page-prompt.wav']!;
    const changed = Buffer.from(wav);
    changed.writeUInt8(changed.readUInt8(changed.length - 1) ^ 1, changed.length - 1);
    assert.notEqual(promptResourceId('en', changed), prompts.en.resourceId);
    assert.notEqual(promptResourceId('fr', wav), promptResourceId('en', wav), 'the same bytes in two languages are two prompts');
  });

  it("hands Graph an operator's own prompt (RALLY_PAGE_PROMPT_URL) for every language, without a resourceId, serving nothing", () => {
    const external = externalPagePrompt('https://cdn.contoso.com/page.wav');
    for (const language of LANGUAGES) assert.deepEqual(external.prompts[language], { uri: 'https://cdn.contoso.com/page.wav' });
    assert.deepEqual(external.media, {});
  });
});
