// The baselines' server: restify with the same JSON body parsing Rally uses, on a free loopback port, answering one
// route with `handler`. Both baselines (a bare JSON handler, a bare echo bot) run on it, so the ratios compare Rally
// with the same server doing only the minimum.
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Request, Response } from 'restify';

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

export async function startBareServer(name: string, path: string, handler: (req: Request, res: Response) => Promise<void>): Promise<BareServer> {
  const server = restify.createServer({ name, handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, rejectUnknown: true }));
  server.post(path, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
