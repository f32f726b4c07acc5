import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Whether `strace` can be run here (growth benches that count syscalls need it). */
export const hasStrace = (): boolean => spawnSync('strace', ['-V']).status === 0;

/**
 * Counts the system calls process `pid` (every thread of it) makes during `ms` milliseconds, with
 * `strace -c`: a count, unlike a duration, means the same on a busy machine. Returns calls per second;
 * `FIPC_BENCH_STRACE=1` prints strace's table (which calls) to stderr.
 */
export async function syscallsPerSecond(pid: number, ms: number): Promise<number> {
  // -f with -p attaches every thread of the process (the thread pool's, V8's) as well.
  const strace = spawn('strace', ['-c', '-f', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let report = '';
  strace.stderr.setEncoding('utf8').on('data', (text: string) => (report += text));
  const exited = new Promise((resolve) => strace.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, ms));
  strace.kill('SIGINT');
  await exited;
  if (process.env.FIPC_BENCH_STRACE) process.stderr.write(report);
  const total = report.split('\n').find((line) => /\btotal\s*$/.test(line));
  if (!total) throw new Error(`strace printed no summary:\n${report}`);
  // `% time  seconds  usecs/call  calls  [errors]  total`: calls is the 4th column, or the 3rd when strace
  // leaves usecs/call out of the total line.
  const numbers = total.trim().split(/\s+/).slice(0, -1).map(Number);
  const calls = numbers.length >= 4 ? numbers[3]! : numbers[2]!;
  return calls / (ms / 1000);
}

/** The inotify watches process `pid` holds (every inotify descriptor's `inotify wd:` lines). */
export function inotifyWatches(pid: number): number {
  let watches = 0;
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      watches += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return watches;
}

/** Resident memory of process `pid`, in bytes. */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? Number.NaN) * 1024;
}
