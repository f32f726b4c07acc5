// Profiling driver (not a benchmark): ns per record of `log.emit` (fire-and-forget) and of the writeSync floor,
// alternated in one process so both see the same machine. `node --import tsx --conditions=@fipc/source
// packages/events/bench/profile-append.ts [dir] [rounds]`; a tmpfs dir (/dev/shm) leaves the disk out.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';

const dir = mkdtempSync(join(process.argv[2] ?? '/dev/shm', 'fipc-append-'));
const rounds = Number(process.argv[3] ?? 10);
const N = 100_000;
const data = (i: number) => ({ percent: i % 100, step: 'compile', file: `src/module-${i % 1000}.ts` });
let seq = 0;
const line = (i: number) =>
  `${JSON.stringify({ schema_version: 1, timestamp: new Date().toISOString(), instance_id: 'bench', event_type: 'progress', phase: 'build', data: data(i), seq: ++seq })}\n`;

async function fipc(path: string) {
  const log = openEventLog(path, { instanceId: 'bench' });
  const start = process.hrtime.bigint();
  let last: Promise<unknown> | undefined;
  for (let i = 0; i < N; i++) last = log.emit('progress', { phase: 'build', data: data(i) });
  await last;
  const ns = Number(process.hrtime.bigint() - start) / N;
  await log.close();
  return ns;
}

function floor(path: string) {
  const fd = openSync(path, 'a');
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) writeSync(fd, line(i));
  const ns = Number(process.hrtime.bigint() - start) / N;
  closeSync(fd);
  return ns;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ours: number[] = [];
const floors: number[] = [];
for (let r = 0; r < rounds; r++) {
  floors.push(floor(join(dir, `floor-${r}.jsonl`)));
  ours.push(await fipc(join(dir, `fipc-${r}.jsonl`)));
  rmSync(join(dir, `floor-${r}.jsonl`));
  rmSync(join(dir, `fipc-${r}.jsonl`));
}
const [o, f] = [median(ours), median(floors)];
console.log(
  `fipc ${o.toFixed(0)} ns, floor ${f.toFixed(0)} ns, ratio ${(f / o).toFixed(3)} (${ours.map((x) => x.toFixed(0)).join(' ')})`,
);
rmSync(dir, { recursive: true, force: true });
