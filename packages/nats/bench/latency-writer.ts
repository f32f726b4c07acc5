// Child process of nats.bench.ts: after unmeasured warm-up records, records at 200/s (`steady`), then `burst`s
// of 50 every 100 ms (counts: LATENCY_PLAN), each stamped with the wall-clock time it was written. With a NATS
// URL it publishes the records with core NATS instead of appending them (the floor of one network hop).
import { openEventLog } from '@fipc/events';
import { connectNats } from '../src/index.js';
import { LATENCY_PLAN } from './server.js';

const [path, url] = process.argv.slice(2) as [string, string | undefined];
const nc = url ? await connectNats(url) : undefined;
const log = nc ? undefined : openEventLog(path, { instanceId: 'latency' });
const now = () => performance.timeOrigin + performance.now();
const sleepUntil = (t: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - now())));
let i = 0;
const emit = async (phase: string) => {
  const data = { i: i++, t: now() };
  if (nc) nc.publish('bench.floor', JSON.stringify({ phase, data }));
  else await log!.emit('tick', { phase, data });
};
for (let k = 0; k < LATENCY_PLAN.warmup; k++) {
  await emit('warmup');
  await sleepUntil(now() + 5);
}
const start = now();
for (let k = 0; k < LATENCY_PLAN.steady; k++) {
  await sleepUntil(start + k * 5);
  await emit('steady');
}
for (let b = 0; b < LATENCY_PLAN.bursts; b++) {
  await sleepUntil(now() + 100);
  for (let k = 0; k < 50; k++) await emit('burst');
}
await log?.close();
await nc?.drain();
console.log(`done ${i}`);
