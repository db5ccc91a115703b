// Fetches prompt media the way Graph does before playing it, and judges whether Graph could play it: its mediaInfo
// document accepts only WAV, single-channel, 16-bit samples at 16 kHz. Loopback http only, like every other
// connection the simulator makes.
import { request } from 'node:http';
import { LOOPBACK_RULE, isLoopbackHttp } from './requestChecks.js';

const FETCH_TIMEOUT_MS = 10_000;
/** A prompt is seconds of 16 kHz audio; anything this large is a wrong URL, not a prompt. */
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export class PromptMediaFetcher {
  private readonly closing = new AbortController();

  /** Undefined when the media at `uri` could be played; otherwise why not, as a sentence about that uri. */
  async problemWith(uri: string): Promise<string | undefined> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return `The prompt media could not be downloaded from ${uri}: it is not an absolute URL.`;
    }
    // Decided before any connection: the simulator never reaches beyond this machine.
    if (!isLoopbackHttp(url)) return `The prompt media could not be downloaded from ${uri}: the simulator only fetches media from ${LOOPBACK_RULE}.`;
    let body: Buffer;
    try {
      body = await download(url, this.closing.signal);
    } catch (error) {
      return `The prompt media could not be downloaded from ${uri}: ${error instanceof Error ? error.message : String(error)}.`;
    }
    const problem = wavProblem(body);
    return problem === undefined ? undefined : `The prompt media at ${uri} ${problem}.`;
  }

  /** Abandons downloads in flight, so closing the simulator never waits for a slow media server. */
  close(): void {
    this.closing.abort();
  }
}

/**
 * Why a body is not a WAV Graph can play, or undefined: a RIFF/WAVE file whose `fmt ` chunk says PCM, one channel,
 * 16 000 samples a second, 16 bits a sample.
 */
export function wavProblem(body: Buffer): string | undefined {
  if (body.length < 12 || body.toString('latin1', 0, 4) !== 'RIFF' || body.toString('latin1', 8, 12) !== 'WAVE') {
    return 'is not a WAV file (no RIFF/WAVE header)';
  }
  for (let offset = 12; offset + 8 <= body.length; ) {
    const id = body.toString('latin1', offset, offset + 4);
    const size = body.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (size < 16 || offset + 24 > body.length) return 'is not a WAV file Graph can read (its fmt chunk is cut short)';
      const format = body.readUInt16LE(offset + 8);
      const channels = body.readUInt16LE(offset + 10);
      const sampleRate = body.readUInt32LE(offset + 12);
      const bits = body.readUInt16LE(offset + 22);
      if (format === 1 && channels === 1 && sampleRate === 16_000 && bits === 16) return undefined;
      const pcm = format === 1 ? 'PCM' : `format ${format}`;
      return `is ${pcm}, ${channels} channel(s), ${bits}-bit at ${sampleRate} Hz; Graph plays single-channel 16-bit PCM at 16000 Hz only`;
    }
    // RIFF chunks are padded to an even length.
    offset += 8 + size + (size % 2);
  }
  return 'is not a WAV file Graph can read (it has no fmt chunk)';
}

/** A plain GET on a connection of its own; redirects are not followed (they could lead off this machine). */
function download(url: URL, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: FETCH_TIMEOUT_MS, signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        res.resume();
        reject(new Error(`the server answered HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MEDIA_BYTES) req.destroy(new Error(`it is larger than ${MAX_MEDIA_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${FETCH_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}
