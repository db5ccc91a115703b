// Prompt media for playPrompt tests: WAV files built in memory, and a loopback server that serves them.
import { LoopbackServer } from '../support/loopbackServer.js';

export interface WavFormat {
  sampleRate?: number;
  channels?: number;
  bitsPerSample?: number;
  /** Sample frames of silence after the header. */
  frames?: number;
}

/** A canonical 44-byte-header PCM WAV of silence; by default the format Graph plays (mono, 16-bit, 16 kHz). */
export function silentWav({ sampleRate = 16_000, channels = 1, bitsPerSample = 16, frames = 160 }: WavFormat = {}): Buffer {
  const blockAlign = (channels * bitsPerSample) / 8;
  const dataSize = frames * blockAlign;
  const wav = Buffer.alloc(44 + dataSize);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataSize, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(channels, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * blockAlign, 28);
  wav.writeUInt16LE(blockAlign, 32);
  wav.writeUInt16LE(bitsPerSample, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataSize, 40);
  return wav;
}

/** Serves `files` by path (e.g. `/accept.wav`); any other path is 404. Every GET is recorded in `requests`. */
export async function startMediaServer(files: Record<string, Buffer | string>): Promise<LoopbackServer & { uri: (path: string) => string }> {
  const server = await LoopbackServer.start((request, response) => {
    const body = files[request.url];
    if (body === undefined) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': typeof body === 'string' ? 'text/plain' : 'audio/wav', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  return Object.assign(server, { uri: (path: string) => `${server.url}${path}` });
}

export const mediaPrompt = (uri: string, resourceId?: string) => ({
  '@odata.type': '#microsoft.graph.mediaPrompt',
  mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', uri, ...(resourceId === undefined ? {} : { resourceId }) },
});

export const playPromptBody = (uris: string[], clientContext = 'prompt-ctx') => ({ clientContext, prompts: uris.map((uri) => mediaPrompt(uri)) });
