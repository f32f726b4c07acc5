// Profiling driver, not a benchmark: in one process, append one record and wait until the follower yields it,
// N times; prints the CPU time per round, i.e. the cost of one wake-up of tailEvents (notification, stat, read,
// parse, yield) or of the floor (fs.watch + read + JSON.parse). On tmpfs, so that the disk is out of it.
//   N=3000 node --import tsx --conditions=@fipc/source packages/events/bench/profile-wake.ts fipc|floor
import {
  closeSync,
  watch as fsWatch,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { lineTail } from '@fipc/bench';
import { tailEvents } from '@fipc/events';

const which = process.argv[2] ?? 'fipc';
const N = Number(process.env.N ?? 3000);
const dir = mkdtempSync('/dev/shm/wake-');
const path = join(dir, 'events.jsonl');
writeFileSync(path, '');
const wfd = openSync(path, 'a');
const line = (i: number) =>
  `${JSON.stringify({ schema_version: 1, timestamp: new Date().toISOString(), instance_id: 'w', event_type: 'tick', phase: 'burst', data: { i, t: 1 }, seq: i })}\n`;
let next: () => Promise<unknown>;
let stop: () => void;
if (which === 'fipc') {
  const c = new AbortController();
  const it = tailEvents(path, { signal: c.signal })[Symbol.asyncIterator]();
  next = () => it.next();
  stop = () => c.abort();
} else {
  const fd = openSync(path, 'r');
  let waiter: (() => void) | undefined;
  const read = lineTail((l) => {
    if (l && JSON.parse(l)) {
      const w = waiter;
      waiter = undefined;
      w?.();
    }
  });
  const w = fsWatch(dir, () => read(fd));
  next = () => new Promise<void>((r) => (waiter = r));
  stop = () => {
    w.close();
    closeSync(fd);
  };
}
for (let i = 0; i < 300; i++) {
  const p = next();
  writeSync(wfd, line(i));
  await p;
}
const t = process.cpuUsage();
const s = performance.now();
for (let i = 0; i < N; i++) {
  const p = next();
  writeSync(wfd, line(i));
  await p;
}
const u = process.cpuUsage(t);
console.log(
  `${which}: ${((u.user + u.system) / N).toFixed(1)} us CPU per append->yield (user ${(u.user / N).toFixed(1)}), ${(((performance.now() - s) * 1000) / N).toFixed(1)} us wall`,
);
stop();
closeSync(wfd);
rmSync(dir, { recursive: true });
process.exit(0);
