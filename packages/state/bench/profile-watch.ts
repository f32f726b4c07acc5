// Profiling driver, not a benchmark: the watch-latency scenario of state.bench.ts once, printing which changes
// were the slowest (by index) and how the first changes compare with the rest, to tell cold-start costs
// (compilation on both sides) from steady-state ones.
//   node --import tsx --conditions=@fipc/source packages/state/bench/profile-watch.ts [count] [gapMs]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchState } from '@fipc/state';
import { runTs } from '@fipc/test-utils';

const [count = '300', gapMs = '5'] = process.argv.slice(2);
const dir = mkdtempSync(join(process.env.FIPC_BENCH_DIR ?? tmpdir(), 'fipc-profile-'));
const path = join(dir, 'state.json');
writeFileSync(
  path,
  `${JSON.stringify({ instance_id: 'profile', updated_at: new Date().toISOString(), seq: 0 })}\n`,
);
const received = new Map<number, bigint>();
const controller = new AbortController();
const iterator = watchState<undefined>(path, { signal: controller.signal });
await iterator.next();
const loop = (async () => {
  for await (const state of { [Symbol.asyncIterator]: () => iterator }) {
    const seq = Number(state.seq ?? 0);
    if (!received.has(seq)) received.set(seq, process.hrtime.bigint());
  }
})();
const writer = await runTs(join(import.meta.dirname, 'latency-writer.ts'), [path, count, gapMs]);
const done: string[] = JSON.parse(writer.stdout.split('__DONE__')[1]!);
await new Promise((resolve) => setTimeout(resolve, 300));
controller.abort();
await loop;
rmSync(dir, { recursive: true, force: true });
const latencies = done.map((at, i) => {
  const seen = received.get(i + 1);
  return { i, ms: seen === undefined ? Number.NaN : Number(seen - BigInt(at)) / 1e6 };
});
const slowest = [...latencies].sort((a, b) => b.ms - a.ms).slice(0, 8);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`slowest: ${slowest.map(({ i, ms }) => `#${i} ${ms.toFixed(2)}`).join(', ')}`);
console.log(
  `median of the first 5: ${median(latencies.slice(0, 5).map((l) => l.ms)).toFixed(2)} ms, of the rest: ${median(latencies.slice(5).map((l) => l.ms)).toFixed(2)} ms (load-dependent)`,
);
