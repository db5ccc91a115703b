import assert from 'node:assert/strict';
import { wavProblem } from '../../src/simulator/media.js';
import { silentWav } from './promptMedia.js';

/** A RIFF chunk: id, little-endian size, body, and the pad byte an odd size needs. */
const chunk = (id: string, body: Buffer): Buffer => {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, Buffer.alloc(body.length % 2)]);
};

describe('simulator: which prompt media Graph can play', () => {
  it('accepts single-channel 16-bit PCM at 16 kHz', () => {
    assert.equal(wavProblem(silentWav()), undefined);
  });

  it('finds the fmt chunk behind other chunks, odd-sized ones padded', () => {
    const wav = silentWav();
    const withList = Buffer.concat([wav.subarray(0, 12), chunk('LIST', Buffer.from('INFOISFT', 'latin1')), chunk('junk', Buffer.from('odd', 'latin1')), wav.subarray(12)]);
    assert.equal(wavProblem(withList), undefined);
  });

  it('names what is wrong with anything else', () => {
    assert.match(wavProblem(Buffer.from('press 1 to accept')) ?? '', /is not a WAV file \(no RIFF\/WAVE header\)/);
    assert.match(wavProblem(Buffer.from('RIFF')) ?? '', /no RIFF\/WAVE header/);
    assert.match(wavProblem(silentWav({ sampleRate: 8_000 })) ?? '', /PCM, 1 channel\(s\), 16-bit at 8000 Hz/);
    assert.match(wavProblem(silentWav({ bitsPerSample: 8 })) ?? '', /8-bit at 16000 Hz/);
    const float = silentWav();
    float.writeUInt16LE(3, 20);
    assert.match(wavProblem(float) ?? '', /is format 3, 1 channel/);
    assert.match(wavProblem(silentWav().subarray(0, 30)) ?? '', /fmt chunk is cut short/);
    const noFmt = Buffer.concat([silentWav().subarray(0, 12), chunk('data', Buffer.alloc(4))]);
    assert.match(wavProblem(noFmt) ?? '', /has no fmt chunk/);
  });
});
