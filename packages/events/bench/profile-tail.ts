// Profiling driver, not a benchmark: the latency scenario of latency.bench.ts (writer in another process:
// 200 records/s, then bursts of 50), followed by tailEvents or by the raw floor (fs.watch + readSync +
// JSON.parse), printing the median latency by position in a burst (which records of a burst are late) and the
// follower's CPU time per record.
//   node --import tsx --conditions=@fipc/source packages/events/bench/profile-tail.ts fipc|floor
// Add --cpu-prof before --import for a profile.
import { spawn } from 'node:child_process';
import { closeSync, watch as fsWatch, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { lineTail } from '@fipc/bench';
import { tailEvents } from '@fipc/events';
import { tsNodeArgs } from '@fipc/test-utils';

const which = process.argv[2] ?? 'fipc';
const TOTAL = 100 + 800 + 20 * 50;
const dir = mkdtempSync(join(process.env.FIPC_BENCH_DIR ?? tmpdir(), 'fipc-profile-'));
const path = join(dir, 'events.jsonl');
writeFileSync(path, '');
let arrived = 0;
// CPU time from the 100th record (the writer's warm-up) to the last one.
let cpu: NodeJS.CpuUsage | undefined;
let used: NodeJS.CpuUsage | undefined;
// Latency by position in a burst (the writer's records 900.. come in bursts of 50).
const byK = Array.from({ length: 50 }, () => [] as number[]);
const now = () => performance.timeOrigin + performance.now();
const note = (record: { data: { i: number; t: number } }) => {
  const { i, t } = record.data;
  if (i >= 900) byK[(i - 900) % 50]!.push(now() - t);
};
const count = () => {
  if (++arrived === 100) cpu = process.cpuUsage();
  else if (arrived === TOTAL) used = process.cpuUsage(cpu);
};
const controller = new AbortController();
let done: Promise<unknown>;
if (which === 'fipc') {
  done = (async () => {
    for await (const { record } of tailEvents(path, { signal: controller.signal }))
      if (record) {
        note(record as never);
        count();
      }
  })();
} else {
  const fd = openSync(path, 'r');
  const read = lineTail((line) => {
    note(JSON.parse(line));
    count();
  });
  const watcher = fsWatch(dirname(path), (_event, name) => {
    if (name === basename(path)) read(fd);
  });
  done = new Promise<void>((resolve) =>
    controller.signal.addEventListener('abort', () => {
      watcher.close();
      closeSync(fd);
      resolve();
    }),
  );
}
// PIN=<cpu> pins the writer there (run the driver under `taskset -c <other>`): scheduling then stays out of it.
const pin = process.env.PIN ? ['taskset', '-c', process.env.PIN] : [];
const writer = spawn(
  pin[0] ?? process.execPath,
  [
    ...pin.slice(1),
    ...(pin.length ? [process.execPath] : []),
    ...tsNodeArgs,
    join(import.meta.dirname, 'latency-writer.ts'),
    path,
  ],
  {
    stdio: 'ignore',
  },
);
await new Promise((resolve) => writer.on('exit', resolve));
const deadline = Date.now() + 2_000;
while (arrived < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
controller.abort();
await done;
rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
console.log(
  `median latency (ms) by position in the burst: ${[0, 1, 2, 5, 10, 20, 30, 40, 49].map((k) => `${k}: ${median(byK[k]!).toFixed(2)}`).join(', ')}`,
);
const per = (us: number) => (us / (TOTAL - 100)).toFixed(1);
console.log(
  `${which}: ${arrived} of ${TOTAL} records; follower CPU per record after the warm-up: user ${per(used?.user ?? Number.NaN)} us, system ${per(used?.system ?? Number.NaN)} us`,
);
