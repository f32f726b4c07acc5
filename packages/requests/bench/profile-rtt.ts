// Profiling driver, not a benchmark: N sequential round trips to an echo responder in another process, and the
// CPU time each side spent per round trip (CPU time, unlike latency, means something on a busy machine).
//   node --import tsx --conditions=@fipc/source packages/requests/bench/profile-rtt.ts [N]
// PROFILE_ARGS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof') are given to both node processes' responder too;
// PAUSE_MS waits before the loop, to attach `strace -c -f -p PID` to the printed pids.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '@fipc/requests';
import { tsNodeArgs } from '@fipc/test-utils';

const count = Number(process.argv[2] ?? 400);
const dir = mkdtempSync(join(process.env.FIPC_BENCH_DIR ?? tmpdir(), 'fipc-profile-'));
const nodeArgs = process.env.PROFILE_ARGS?.split(' ').filter(Boolean) ?? [];
const responder = spawn(
  process.execPath,
  [...nodeArgs, ...tsNodeArgs, join(import.meta.dirname, 'fixtures/echo-responder.ts'), dir],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
await new Promise((resolve) => responder.stdout.once('data', resolve));
/** utime + stime of a process, in ms (clock ticks of 10 ms: use large N). */
const cpuOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
console.log(`responder ${responder.pid} requester ${process.pid}`);
if (process.env.PAUSE_MS) await new Promise((r) => setTimeout(r, Number(process.env.PAUSE_MS)));
for (let i = 0; i < 200; i++) await request(dir, 'question', { warmup: i }, { retentionMs: 0 });
const ownBefore = process.cpuUsage();
const theirsBefore = cpuOf(responder.pid!);
const times: number[] = [];
for (let i = 0; i < count; i++) {
  const start = performance.now();
  await request(
    dir,
    'question',
    { question: 'deploy build 1234 to production?', options: ['yes', 'no'], n: i },
    { retentionMs: 0 },
  );
  times.push(performance.now() - start);
}
const own = process.cpuUsage(ownBefore);
const theirs = cpuOf(responder.pid!) - theirsBefore;
times.sort((a, b) => a - b);
const us = (ms: number) => ((ms * 1000) / count).toFixed(0);
console.log(
  `${count} round trips; CPU per round trip: requester ${us((own.user + own.system) / 1000)} us ` +
    `(user ${us(own.user / 1000)}), responder ${us(theirs)} us; p50 ${times[count >> 1]!.toFixed(3)} ms (load-dependent)`,
);
responder.stdin.end();
await new Promise((resolve) => responder.on('exit', resolve));
rmSync(dir, { recursive: true, force: true });
