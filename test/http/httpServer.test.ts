// The HTTP server's own part in /api/calling, over a real socket: restify reads and parses the body, and the server
// hands it to the calling route without keeping a hold on it (see takeRequest in src/http/server.ts).
import assert from 'node:assert/strict';
import { CloudAdapter } from 'botbuilder';
import { startHttpServer } from '../../src/http/server.js';
import type { RunningServer } from '../../src/http/server.js';
import { collected } from '../support/collected.js';
import { LogCapture } from '../support/logCapture.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HTTP server', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('hands /api/calling its parsed body and keeps no other hold on it while the route works', async () => {
    const entered = deferred();
    const answer = deferred();
    let body: WeakRef<object> | undefined;
    let query = '';
    server = await startHttpServer(
      {
        adapter: new CloudAdapter(),
        onTurn: async () => undefined,
        calling: async (request) => {
          query = request.query.toString();
          body = new WeakRef(request.body as object);
          // What the route does once the domain has what it needs.
          request.body = undefined;
          entered.resolve();
          await answer.promise;
          return { status: 202 };
        },
        store: { checkReady: async () => undefined },
        log: new LogCapture().log,
      },
      0,
      '127.0.0.1',
    );

    const response = fetch(`${server.url}/api/calling?rally=abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: Array.from({ length: 100 }, (_, n) => ({ changeType: 'updated', resourceUrl: `/communications/calls/${n}` })) }),
    });
    try {
      await entered.promise;
      assert.equal(query, 'rally=abc');
      assert.equal(await collected(body!), true, 'restify still holds the body');
    } finally {
      answer.resolve();
    }
    assert.equal((await response).status, 202);
  });
});
