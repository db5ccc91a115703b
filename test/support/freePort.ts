import { createServer } from 'node:net';

// Below Linux's default ephemeral range (32768-60999), from which both `listen(0)` and every outgoing connection take
// their ports: a port found free there could be taken by any of the tests' own loopback connections in the second
// between finding it and Rally (a child process still starting) listening on it, and the test fails EADDRINUSE.
const FIRST = 20_000;
const LAST = 32_000;

/** A loopback port nobody listens on now: Rally's callbackUri must name its port before it starts listening. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free loopback port between ${FIRST} and ${LAST}`);
}

function bindable(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
