import { spawn } from 'node:child_process';
import { closeSync, watch as fsWatch, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { defineBench, lineTail, percentile } from '@fipc/bench';
import { tailEvents } from '@fipc/events';
import { tsNodeArgs } from '@fipc/test-utils';
import TailFile from '@logdna/tail-file';
import { watch } from 'chokidar';

const TOTAL = 100 + 800 + 20 * 50; // warm-up, steady, bursts
const SAFETY_POLL_MS = 500; // tailEvents' default: no record may be later than this
const now = () => performance.timeOrigin + performance.now();

interface Arrival {
  phase: string;
  latency: number;
}
type Follow = (
  path: string,
  arrived: (record: { phase: string; data: { t: number } }) => void,
) => Promise<() => unknown>;

/** Starts a follower, runs the writer in another process, and measures emit-to-yield latency. */
async function measure(follow: Follow) {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  const path = join(dir, 'events.jsonl');
  writeFileSync(path, '');
  const arrivals: Arrival[] = [];
  try {
    const stop = await follow(path, (record) =>
      arrivals.push({ phase: record.phase, latency: now() - record.data.t }),
    );
    const writer = spawn(
      process.execPath,
      [...tsNodeArgs, join(import.meta.dirname, 'latency-writer.ts'), path],
      {
        stdio: 'inherit',
      },
    );
    await new Promise((resolve) => writer.on('exit', resolve));
    // Whatever has not arrived 2 s after the writer ended is counted as missed.
    const deadline = Date.now() + 2_000;
    while (arrivals.length < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await stop();
    const of = (phase: string) => arrivals.filter((a) => a.phase === phase).map((a) => a.latency);
    const steady = of('steady');
    const burst = of('burst');
    return {
      p50_steady: percentile(steady, 50),
      p99_steady: percentile(steady, 99),
      p50_burst: percentile(burst, 50),
      p99_burst: percentile(burst, 99),
      late: arrivals.filter((a) => a.latency > SAFETY_POLL_MS).length,
      missed: TOTAL - arrivals.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the bytes appended since the last call and passes on each complete line, parsed. */
function lineReader(path: string, arrived: Parameters<Follow>[1]) {
  const read = lineTail((line) => line && arrived(JSON.parse(line)));
  return () => {
    const fd = openSync(path, 'r');
    try {
      read(fd);
    } finally {
      closeSync(fd);
    }
  };
}

/**
 * The floor of any follower: the directory's `fs.watch` (as ours: it sees appends and replacements) and, at each
 * event naming the log, a read of the new bytes on a descriptor kept open, each complete line parsed.
 */
function floorFollower(path: string, arrived: Parameters<Follow>[1]) {
  const fd = openSync(path, 'r');
  const read = lineTail((line) => line && arrived(JSON.parse(line)));
  const watcher = fsWatch(dirname(path), (_event, name) => {
    if (name === basename(path)) read(fd);
  });
  return () => {
    watcher.close();
    closeSync(fd);
  };
}

const metrics = {
  p50_steady: { unit: 'ms', better: 'lower' },
  p99_steady: { unit: 'ms', better: 'lower' },
  p50_burst: { unit: 'ms', better: 'lower' },
  p99_burst: { unit: 'ms', better: 'lower' },
  late: { unit: `records later than ${SAFETY_POLL_MS} ms`, better: 'lower' },
  missed: { unit: 'records', better: 'lower' },
} as const;

export default [
  defineBench({
    name: 'events.latency',
    description:
      'cross-process latency from emit in one process to the record in another: 200 records/s, then bursts of 50; tailEvents vs the floor (fs.watch on the directory + a read of the new bytes), chokidar 5 (default options) + read, a 200 ms poll loop, and @logdna/tail-file (default options)',
    metrics,
    ours: 'fipc tailEvents',
    rounds: 3,
    subjects: {
      'fipc tailEvents': () =>
        measure(async (path, arrived) => {
          const controller = new AbortController();
          const done = (async () => {
            for await (const { record } of tailEvents(path, { signal: controller.signal }))
              arrived(record as never);
          })();
          return () => {
            controller.abort();
            return done;
          };
        }),
      'fs.watch + read floor': () => measure(async (path, arrived) => floorFollower(path, arrived)),
      'chokidar + read': () =>
        measure(async (path, arrived) => {
          const read = lineReader(path, arrived);
          const watcher = watch(path);
          watcher.on('change', read);
          await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
          return () => watcher.close();
        }),
      'poll 200 ms': () =>
        measure(async (path, arrived) => {
          const timer = setInterval(lineReader(path, arrived), 200);
          return () => clearInterval(timer);
        }),
      '@logdna/tail-file': () =>
        measure(async (path, arrived) => {
          const tail = new TailFile(path, { encoding: 'utf8', startPos: 0 });
          let rest = '';
          tail.on('data', (chunk: string) => {
            const lines = (rest + chunk).split('\n');
            rest = lines.pop()!;
            for (const line of lines) if (line) arrived(JSON.parse(line));
          });
          await tail.start();
          return () => tail.quit();
        }),
    },
    goals: [
      { metric: 'p99_steady', max: 2 },
      { metric: 'p99_burst', max: 2 },
      { metric: 'p99_burst', against: 'fs.watch + read floor', max: 3 },
      { metric: 'p99_steady', against: 'fs.watch + read floor', max: 3 },
      { metric: 'late', max: 0 },
      { metric: 'missed', max: 0 },
    ],
  }),
];
