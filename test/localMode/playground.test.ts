// The Agents Playground as local mode starts it: a real child process in a temp working directory of its own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPlayground } from '../../src/localMode/playground.js';
import { createLogger } from '../../src/log/logger.js';
import { freePort } from '../support/freePort.js';

describe('Agents Playground', function () {
  this.timeout(30_000);

  it('runs in a temp folder of its own, which close() removes', async () => {
    const playground = await startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages', port: await freePort(), log: createLogger('silent') });
    let closed = false;
    try {
      assert.match(playground.workDir, /rally-playground-/);
      assert.match(await readFile(join(playground.workDir, '.m365agentsplayground.yml'), 'utf8'), /name: Rally/);
      assert.equal((await fetch(`${playground.url}/_debug/ping`)).ok, true);

      await playground.close();
      closed = true;

      assert.equal(existsSync(playground.workDir), false, 'the folder is gone');
      await assert.rejects(fetch(`${playground.url}/_debug/ping`), 'the Playground is gone');
      await playground.close(); // a second close is harmless
    } finally {
      if (!closed) await playground.close();
    }
  });
});
