// Makes a WAV the shape Graph's service-hosted media plays (PCM, 16-bit, mono, 16 kHz) from a 16-bit mono WAV of any
// rate, e.g. espeak-ng's output. Linear interpolation is enough for speech; no audio tool is needed on the machine that
// makes the prompts.
import { Buffer } from 'node:buffer';

/** The sample rate Graph plays prompts at. */
export const PROMPT_SAMPLE_RATE = 16_000;

/** The same speech as a canonical 44-byte-header PCM WAV at 16 kHz. */
export function resampleWav(source: Buffer): Buffer {
  if (source.toString('ascii', 0, 4) !== 'RIFF' || source.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let rate = 0;
  let samples: Int16Array | undefined;
  while (offset + 8 <= source.length) {
    const id = source.toString('ascii', offset, offset + 4);
    const size = source.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (source.readUInt16LE(offset + 8) !== 1 || source.readUInt16LE(offset + 10) !== 1 || source.readUInt16LE(offset + 22) !== 16) throw new Error('needs 16-bit mono PCM');
      rate = source.readUInt32LE(offset + 12);
    }
    // espeak-ng writes 0x7fffffff as the data size when it streams: the data runs to the end of the file.
    if (id === 'data') {
      const start = offset + 8;
      const end = Math.min(source.length, start + size);
      samples = new Int16Array(source.buffer.slice(source.byteOffset + start, source.byteOffset + start + ((end - start) & ~1)));
    }
    offset += 8 + size + (size % 2);
  }
  if (samples === undefined || rate === 0) throw new Error('a WAV file needs a fmt and a data chunk');
  const length = Math.floor((samples.length * PROMPT_SAMPLE_RATE) / rate);
  const data = Buffer.alloc(length * 2);
  for (let i = 0; i < length; i++) {
    const at = (i * rate) / PROMPT_SAMPLE_RATE;
    const low = Math.floor(at);
    const high = Math.min(low + 1, samples.length - 1);
    data.writeInt16LE(Math.round(samples[low]! + (samples[high]! - samples[low]!) * (at - low)), i * 2);
  }
  const header = wavHeader(data.length, PROMPT_SAMPLE_RATE);
  return Buffer.concat([header, data]);
}

/** The 44-byte header of a 16-bit mono PCM WAV holding `dataBytes` of samples at `rate` (`declaredSize`: what it says it holds). */
export function wavHeader(dataBytes: number, rate: number, declaredSize = dataBytes): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(declaredSize, 40);
  return header;
}
