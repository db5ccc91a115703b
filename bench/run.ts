// `npm run bench`: runs every bench/*.bench.ts, one after another, each in a process of its own (so one bench's heap,
// timers and servers cannot slow the next), prints what each printed, and exits non-zero when any bench missed a goal
// or failed. Each bench is bounded by itself; BENCH_TIMEOUT_MS is the backstop for one that hangs.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const BENCH_TIMEOUT_MS = 5 * 60_000;

const directory = fileURLToPath(new URL('.', import.meta.url));
const benches = (await readdir(directory)).filter((name) => name.endsWith('.bench.ts')).sort();

function runBench(file: string): Promise<{ code: number; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    // The loader flags this process runs with (tsx), so each bench runs as `tsx bench/<name>` would run it. DEP0111 is
    // restify's (spdy's http-deceiver reads process.binding('http_parser')): printed by every bench, it says nothing.
    const child = spawn(process.execPath, [...process.execArgv, '--disable-warning=DEP0111', join(directory, file)], { stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.error(`${file} ran past ${BENCH_TIMEOUT_MS / 1000} s; stopping it`);
      child.kill('SIGKILL');
    }, BENCH_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const results: { file: string; code: number; seconds: number }[] = [];
for (const file of benches) {
  console.log(`\n== ${file}`);
  results.push({ file, ...(await runBench(file)) });
}

console.log('\n== summary');
for (const { file, code, seconds } of results) console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${file} (${seconds.toFixed(0)} s${code === 0 ? '' : `, exit code ${code}`})`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
