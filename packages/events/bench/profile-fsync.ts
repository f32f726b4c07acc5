// Profiling driver, not a benchmark: 64 concurrent emitters with durability 'fsync' for a few seconds, then the
// CPU time per record and the records per fdatasync (CPU time and counts stay meaningful on a busy machine).
//   node --import tsx --conditions=@fipc/source packages/events/bench/profile-fsync.ts [seconds] [emitters]
// Add --cpu-prof before --import for a profile; run under `strace -c -f` for the syscalls per record.
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';

// Counts the group commit's fdatasync calls (records per sync = batch size).
let syncs = 0;
const fdatasync = fs.fdatasync;
fs.fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
  syncs++;
  fdatasync(fd, callback);
}) as typeof fs.fdatasync;
syncBuiltinESMExports();

const seconds = Number(process.argv[2] ?? 3);
const emitters = Number(process.argv[3] ?? 64);
const dir = mkdtempSync(join(process.env.FIPC_BENCH_DIR ?? tmpdir(), 'fipc-profile-'));
const log = openEventLog(join(dir, 'events.jsonl'), { instanceId: 'bench', durability: 'fsync' });
const end = Date.now() + seconds * 1000;
let count = 0;
const cpu = process.cpuUsage();
const start = performance.now();
await Promise.all(
  Array.from({ length: emitters }, async () => {
    while (Date.now() < end) {
      await log.emit('progress', { phase: 'build', data: { i: count } });
      count += 1;
    }
  }),
);
const elapsed = performance.now() - start;
const used = process.cpuUsage(cpu);
await log.close();
console.log(
  `${count} records, ${(count / syncs).toFixed(1)} per fdatasync; main-process CPU per record: user ${(used.user / count).toFixed(1)} us, system ${(used.system / count).toFixed(1)} us; ${(count / (elapsed / 1000)).toFixed(0)} records/s (load-dependent)`,
);
rmSync(dir, { recursive: true, force: true });
