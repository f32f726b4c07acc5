// Child process of latency.bench.ts: emits records stamped with the wall-clock time (sub-millisecond) at
// which emit was called: after 100 unmeasured warm-up records, first `steady` at 200 records/s, then `burst`s of 50
// records every 100 ms.
import { openEventLog } from '@fipc/events';

const [path] = process.argv.slice(2) as [string];
const log = openEventLog(path, { instanceId: 'latency' });
const now = () => performance.timeOrigin + performance.now();
const sleepUntil = (t: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - now())));
let i = 0;
// Warm-up, not measured: the first records of a fresh process pay for JIT compilation on both sides.
for (let k = 0; k < 100; k++) {
  await log.emit('tick', { phase: 'warmup', data: { i: i++, t: now() } });
  await sleepUntil(now() + 5);
}
const start = now();
for (let k = 0; k < 800; k++) {
  await sleepUntil(start + k * 5);
  await log.emit('tick', { phase: 'steady', data: { i: i++, t: now() } });
}
for (let b = 0; b < 20; b++) {
  await sleepUntil(now() + 100);
  for (let k = 0; k < 50; k++) await log.emit('tick', { phase: 'burst', data: { i: i++, t: now() } });
}
await log.close();
console.log(`done ${i}`);
