import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** One request the server received, with its body read in full. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the body had arrived, to compare the timing of requests without sleeping. */
  receivedAt: number;
}

/**
 * Answers one request. It may leave the response open (to test timeouts): `close()` ends every connection anyway.
 * `index` counts requests from 0, so a handler can answer the first and later attempts differently.
 */
export type LoopbackHandler = (request: ReceivedRequest, response: ServerResponse, index: number) => void | Promise<void>;

export interface LoopbackServerOptions {
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string; cert: string };
}

/**
 * A real HTTP(S) server on 127.0.0.1 and a free port that records every request it receives.
 * Tests talk to it over the loopback interface; nothing leaves the machine.
 */
export class LoopbackServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  private readonly server: http.Server | https.Server;
  private readonly scheme: 'http' | 'https';

  private constructor(private readonly handler: LoopbackHandler, options: LoopbackServerOptions) {
    const listener = (req: IncomingMessage, res: ServerResponse) => void this.receive(req, res);
    this.server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
    this.scheme = options.tls ? 'https' : 'http';
  }

  static async start(handler: LoopbackHandler, options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
    const loopback = new LoopbackServer(handler, options);
    await new Promise<void>((resolve, reject) => {
      loopback.server.once('error', reject);
      loopback.server.listen(0, '127.0.0.1', () => resolve());
    });
    return loopback;
  }

  /** `http(s)://127.0.0.1:<port>`, no trailing slash. */
  get url(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once the server has received at least `count` requests. */
  receivedAtLeast(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Stops listening and ends every connection, open responses included, so mocha can exit. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: performance.now(),
    };
    const index = this.requests.push(request) - 1;
    for (const waiter of this.waiters.filter((w) => this.requests.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    try {
      await this.handler(request, res, index);
    } catch (error) {
      // A failing handler is a broken test: answer 500 with the reason rather than leave the client hanging.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`loopback handler failed: ${String(error)}`);
    }
  }
}

/** Sends a JSON body with a status and optional extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
