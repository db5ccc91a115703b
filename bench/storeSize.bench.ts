// What the embedded store holds per call: N calls placed and ended through /api/messages, each in its own chat,
// then the data directory's records and bytes, before and after a retention sweep. Printed for planning, no goal:
// with the default 7-day retention this is what every ended call costs for a week; after the sweep it should be ~0.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RallyHarness } from '../test/endToEnd/rallyHarness.js';

const CALLS = 100;

async function size(dir: string): Promise<{ records: number; bytes: number }> {
  let records = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json') || entry.name.includes('.tmp-')) continue;
    // The sweep may remove a record between the listing and this look.
    const found = await stat(join(entry.parentPath, entry.name)).catch(() => undefined);
    if (!found) continue;
    records++;
    bytes += found.size;
  }
  return { records, bytes };
}

const h = await RallyHarness.start({ env: { RALLY_RETENTION: '10s', CALL_RATE_LIMIT: 'off' } });
try {
  const before = await size(h.dataDir);
  for (let batch = 0; batch < CALLS / 10; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const chat = `a:bench-${batch}-${i}`;
        await h.say('call adelev@contoso.com', { conversationId: chat });
        await h.say('hangup', { conversationId: chat });
      }),
    );
  }
  await h.settle();
  const ended = await size(h.dataDir);
  const perCall = { records: (ended.records - before.records) / CALLS, bytes: Math.round((ended.bytes - before.bytes) / CALLS) };
  console.log(`info store after ${CALLS} ended calls: ${ended.records - before.records} records, ${ended.bytes - before.bytes} bytes = ${perCall.records.toFixed(1)} records and ${perCall.bytes} bytes per call (kept for RALLY_RETENTION)`);
  // Two retention periods, then what is left.
  const deadline = Date.now() + 40_000;
  let left = ended;
  while (Date.now() < deadline && left.records > before.records + 5) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    left = await size(h.dataDir);
  }
  console.log(`info after the retention sweep: ${left.records - before.records} records, ${left.bytes - before.bytes} bytes more than before the calls`);
} finally {
  await h.close();
}
