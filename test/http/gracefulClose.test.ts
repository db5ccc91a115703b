import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulClose } from '../../src/http/gracefulClose.js';

describe('gracefulClose', () => {
  let server: http.Server;
  let close: () => Promise<void>;
  let port: number;
  let requestArrived: Promise<void>;
  let answerHeld!: () => void;

  beforeEach(async () => {
    let arrived!: () => void;
    requestArrived = new Promise((resolve) => (arrived = resolve));
    const held = new Promise<void>((resolve) => (answerHeld = resolve));
    // /held is answered once the test says so; /stuck never.
    server = http.createServer((req, res) => {
      arrived();
      if (req.url === '/held') void held.then(() => res.end('answered'));
      else if (req.url !== '/stuck') res.end('ok');
    });
    close = gracefulClose(server, 50_000);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => server.closeAllConnections());

  const get = (path: string, agent?: http.Agent) =>
    new Promise<string>((resolve) => {
      http
        .get(`http://127.0.0.1:${port}${path}`, { agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        })
        .on('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
    });

  it('closes idle keep-alive connections at once, without waiting for the grace period', async () => {
    const agent = new http.Agent({ keepAlive: true });
    assert.equal(await get('/', agent), 'ok');
    await close();
    assert.equal(server.listening, false);
    agent.destroy();
  });

  it('waits for a request being answered, then closes; closing twice is one close', async () => {
    const answer = get('/held');
    await requestArrived;
    let closed = false;
    const [first, second] = [close(), close()];
    assert.equal(first, second);
    void first.then(() => (closed = true));
    assert.equal(await get('/'), 'ECONNREFUSED', 'no new connections while closing');
    assert.equal(closed, false);
    answerHeld();
    assert.equal(await answer, 'answered');
    await first;
  });

  it('cuts a request still unanswered when the grace period is over', async () => {
    const closeSoon = gracefulClose(server, 50);
    const answer = get('/stuck');
    await requestArrived;
    await closeSoon();
    assert.equal(await answer, 'ECONNRESET');
  });
});
