// A load balancer in front of several Rally instances, as Azure Container Apps' ingress is: each request goes to the
// next instance in turn, and to the one after it when an instance does not take the connection (it was killed).
// Hand-written: a forwarding loop over node:http is shorter than configuring a proxy library for this one job.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class RoundRobinProxy {
  private next = 0;
  private pinned: number | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: http.Server, readonly targets: number[]) {}

  /** Listens on `port` (0: any) on 127.0.0.1 and forwards to the instances on `targets` (ports on 127.0.0.1). */
  static async start(port: number, targets: number[]): Promise<RoundRobinProxy> {
    const server = http.createServer((req, res) => void proxy.forward(req, res));
    const proxy = new RoundRobinProxy(server, targets);
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.once('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  /** Sends everything to one instance (an index into `targets`) until called again with undefined. */
  pin(instance: number | undefined): void {
    this.pinned = instance;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    for (let tried = 0; tried < this.targets.length; tried++) {
      const port = this.targets[this.pinned ?? this.next++ % this.targets.length]!;
      try {
        const answer = await send(port, req, body);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') {
          // The instance died with the request: as a real ingress does, answer 502 and let the sender deliver again.
          res.writeHead(502);
          res.end();
          return;
        }
      }
    }
    res.writeHead(503);
    res.end();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function send(port: number, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${port}` }, agent: false },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}
