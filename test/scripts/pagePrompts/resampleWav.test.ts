// The resampler that turns espeak-ng's 22 050 Hz output into the 16 kHz WAV Graph plays.
import assert from 'node:assert/strict';
import { resampleWav, wavHeader } from '../../../scripts/pagePrompts/resampleWav.js';

/** A 16-bit mono PCM WAV of `samples` at `rate`, its data size as given (espeak-ng streams 0x7fffffff). */
function wavOf(samples: number[], rate: number, dataSize = samples.length * 2): Buffer {
  const header = wavHeader(samples.length * 2, rate, dataSize);
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  return Buffer.concat([header, data]);
}

const samplesOf = (wav: Buffer): number[] => Array.from({ length: (wav.length - 44) / 2 }, (_, i) => wav.readInt16LE(44 + i * 2));

describe('resampleWav', () => {
  it('writes 16 kHz mono 16-bit PCM of the same duration, interpolating between samples', () => {
    const out = resampleWav(wavOf([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000], 32_000));
    assert.equal(out.readUInt32LE(24), 16_000);
    assert.equal(out.readUInt16LE(22), 1);
    assert.equal(out.readUInt16LE(34), 16);
    assert.equal(out.readUInt32LE(40), out.length - 44);
    assert.deepEqual(samplesOf(out), [0, 2000, 4000, 6000]);
    assert.deepEqual(samplesOf(resampleWav(wavOf([0, 300, 600], 12_000))), [0, 225, 450, 600]);
  });

  it("reads espeak-ng's streamed data size (0x7fffffff) as running to the end of the file", () => {
    const samples = Array.from({ length: 2205 }, (_, i) => Math.round(8000 * Math.sin(i / 10)));
    const out = resampleWav(wavOf(samples, 22_050, 0x7fffffff));
    assert.equal((out.length - 44) / 2, 1600, 'a tenth of a second at 16 kHz');
  });

  it('refuses what is not a 16-bit mono PCM WAV', () => {
    assert.throws(() => resampleWav(Buffer.from('not a wav file at all, not at all')), /not a WAV file/);
    const stereo = wavOf([0, 0], 16_000);
    stereo.writeUInt16LE(2, 22);
    assert.throws(() => resampleWav(stereo), /16-bit mono PCM/);
  });
});
