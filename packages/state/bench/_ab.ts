import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeState, writeStateSync } from '@fipc/state';
import writeFileAtomic from 'write-file-atomic';
const base = process.argv[2] ?? '/dev/shm';
const fresh = () => join(mkdtempSync(join(base, 'ab-')), 'state.json');
const snapshot = (n: number) => ({ status: 'running', phase: 'build', percent: n % 100, n, note: 'x'.repeat(120) });
const stamped = (n: number) => `${JSON.stringify({ instance_id: 'bench', updated_at: new Date().toISOString(), ...snapshot(n) })}\n`;
async function rate(write: (n: number) => unknown, ms = 1000) {
  for (let n = 0; n < 50; n++) await write(n);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) await write(n++);
  return ((performance.now() - start) * 1000) / n; // us per write
}
const subjects: Record<string, () => Promise<number>> = {
  'fipc async': () => { const p = fresh(); return rate((n) => writeState(p, snapshot(n), { instanceId: 'bench' })); },
  'fipc sync': () => { const p = fresh(); return rate((n) => writeStateSync(p, snapshot(n), { instanceId: 'bench' })); },
  'raw-rename': () => { const p = fresh(); const t = join(p, '..', '.raw.tmp'); return rate((n) => { writeFileSync(t, stamped(n)); renameSync(t, p); }); },
  'fipc durable async': () => { const p = fresh(); return rate((n) => writeState(p, snapshot(n), { instanceId: 'bench', durability: 'fsync' })); },
  'fipc durable sync': () => { const p = fresh(); return rate((n) => writeStateSync(p, snapshot(n), { instanceId: 'bench', durability: 'fsync' })); },
  'wfa sync': () => { const p = fresh(); return rate((n) => writeFileAtomic.sync(p, stamped(n))); },
};
const only = process.argv.slice(3);
const res: Record<string, number[]> = {};
for (let r = 0; r < 5; r++) for (const [k, f] of Object.entries(subjects)) if (!only.length || only.includes(k)) (res[k] ??= []).push(await f());
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(20), v.sort((a, b) => a - b)[2]!.toFixed(1), 'us/write', v.map((x) => x.toFixed(0)).join(' '));
