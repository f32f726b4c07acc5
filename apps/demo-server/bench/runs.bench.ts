import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBench, percentile } from '@fipc/bench';
import { residentBytes } from '@fipc/bench/process-stats';
import { type DemoServer, startServer } from '@fipc/demo-server';
import { openBrowser } from '@fipc/test-utils/browser';
import { writeFinishedRuns } from './finished-runs.js';

/** Tiny counts for a quick check that the benchmark runs: `FIPC_BENCH_SMOKE=1`. */
const smoke = Boolean(process.env.FIPC_BENCH_SMOKE);
const [FEW, MANY] = smoke ? [20, 200] : [100, 10_000];
const REQUESTS = smoke ? 30 : 300;
const PAGE_LOADS = smoke ? 2 : 5;
const IDLE_MS = smoke ? 500 : 3000;
// The machine's disk, not tmpfs if /tmp is one: FIPC_BENCH_DIR can point elsewhere.
const base = process.env.FIPC_BENCH_DIR ?? tmpdir();
const MiB = 1024 * 1024;

/** Starts the real server over `runsDir`; workers are never spawned here. */
async function timedStart(runsDir: string): Promise<{ server: DemoServer; ms: number }> {
  const start = performance.now();
  const server = await startServer({ runsDir, workerCommand: ['/bin/false'] });
  return { server, ms: performance.now() - start };
}

/** p50 and p99 of `count` keep-alive GETs of `path(n)`, and the last response's size. */
async function latency(origin: string, path: (n: number) => string, count = REQUESTS) {
  const times: number[] = [];
  let bytes = 0;
  for (let n = -10; n < count; n++) {
    const start = performance.now();
    const res = await fetch(`${origin}${path(n)}`);
    if (!res.ok) throw new Error(`GET ${path(n)}: ${res.status}`);
    bytes = (await res.arrayBuffer()).byteLength;
    if (n >= 0) times.push(performance.now() - start); // the first ten warm up
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

/** Median time from navigation until the run list shows the newest run, in headless Chromium. */
async function pageLoad(url: string, newestTitle: string): Promise<number> {
  const browser = await openBrowser();
  try {
    const times: number[] = [];
    for (let n = 0; n < PAGE_LOADS; n++) {
      const page = await browser.context.newPage();
      const start = performance.now();
      await page.goto(url);
      await page.waitForFunction(
        (title) => document.querySelector('#runs li button')?.textContent?.startsWith(`${title} ·`),
        newestTitle,
      );
      times.push(performance.now() - start);
      await page.close();
    }
    return percentile(times, 50);
  } finally {
    await browser.close();
  }
}

/**
 * A runs directory of `count` finished runs as real workers leave them, the real server over it: its start
 * (and the same over an empty directory, to tell the per-run cost from the fixed one), its memory, the list and
 * run routes, and the page.
 */
async function subject(count: number) {
  const dir = mkdtempSync(join(base, 'fipc-demo-runs-bench-'));
  try {
    const empty = join(dir, 'empty');
    const runsDir = join(dir, 'runs');
    const ids = await writeFinishedRuns(runsDir, count);
    await (await timedStart(empty)).server.close(); // loads and compiles the server's code once
    const bare = await timedStart(empty);
    await bare.server.close();
    const rssBare = residentBytes(process.pid);
    const { server, ms: start } = await timedStart(runsDir);
    try {
      const rss = residentBytes(process.pid);
      // Idle: what its polls of the runs directory and of the workers cost, a second of CPU per second.
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the start's garbage collected
      const cpu = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const idle = process.cpuUsage(cpu);
      const origin = server.url.replace(/\/$/, '');
      const list = await latency(origin, () => '/api/runs');
      const run = await latency(origin, (n) => `/api/runs/${ids[((n + 10) * 7919) % count]}`);
      return {
        start,
        startPerRun: ((start - bare.ms) / count) * 1000,
        rss: rss / MiB,
        rssPerRun: (rss - rssBare) / count / 1024,
        idleCpu: (idle.user + idle.system) / 1000 / (IDLE_MS / 1000),
        listP50: list.p50,
        listP99: list.p99,
        listBytes: list.bytes,
        runP50: run.p50,
        runP99: run.p99,
        pageLoad: await pageLoad(server.url, `Release 1.${count - 1}.0`),
      };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const many = `runs-${MANY.toLocaleString('en')}`;
const few = `runs-${FEW}`;

export default [
  defineBench({
    name: 'demo.runs',
    description: `the demo server over a runs directory of ${MANY.toLocaleString('en')} finished runs vs ${FEW}: start until it serves, memory, idle CPU, GET /api/runs (its default page) and /api/runs/<id> over keep-alive fetch, and the page in headless Chromium until its list shows the newest run`,
    metrics: {
      start: { unit: 'ms', better: 'lower' },
      startPerRun: { unit: 'µs per run (start minus an empty directory’s)', better: 'lower' },
      rss: { unit: 'MiB', better: 'lower' },
      rssPerRun: { unit: 'KiB per run (RSS minus an empty directory’s)', better: 'lower' },
      idleCpu: { unit: 'ms of CPU per s, idle', better: 'lower' },
      listP50: { unit: 'ms', better: 'lower' },
      listP99: { unit: 'ms', better: 'lower' },
      listBytes: { unit: 'bytes', better: 'lower' },
      runP50: { unit: 'ms', better: 'lower' },
      runP99: { unit: 'ms', better: 'lower' },
      pageLoad: { unit: 'ms', better: 'lower' },
    },
    ours: many,
    rounds: 3,
    subjects: { [many]: () => subject(MANY), [few]: () => subject(FEW) },
    // Flat: what a request or the page costs does not grow with the number of runs.
    goals: [
      { metric: 'idleCpu', against: few, max: 2 },
      { metric: 'listP50', against: few, max: 2 },
      { metric: 'listBytes', against: few, max: 1.1 },
      { metric: 'runP50', against: few, max: 2 },
      { metric: 'pageLoad', against: few, max: 1.5 },
    ],
  }),
];
