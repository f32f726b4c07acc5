import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Whether `strace` can be run here (growth benches that count syscalls need it). */
export const hasStrace = (): boolean => spawnSync('strace', ['-V']).status === 0;

/**
 * Counts the system calls process `pid` (every thread of it) makes during `ms` milliseconds, with
 * `strace -c`: a count, unlike a duration, means the same on a busy machine. Returns calls per second by
 * syscall name; `FIPC_BENCH_STRACE=1` prints strace's table to stderr.
 */
export async function syscallsPerSecond(pid: number, ms: number): Promise<Map<string, number>> {
  // -f with -p attaches every thread of the process (the thread pool's, V8's) as well.
  const strace = spawn('strace', ['-c', '-f', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let report = '';
  strace.stderr.setEncoding('utf8').on('data', (text: string) => (report += text));
  const exited = new Promise((resolve) => strace.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, ms));
  strace.kill('SIGINT');
  await exited;
  if (process.env.FIPC_BENCH_STRACE) process.stderr.write(report);
  if (!report.includes('% time')) throw new Error(`strace printed no summary:\n${report}`);
  // Rows: `% time  seconds  usecs/call  calls  [errors]  syscall`.
  const rates = new Map<string, number>();
  for (const line of report.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !/^\d/.test(fields[0]!) || fields.at(-1) === 'total') continue;
    rates.set(fields.at(-1)!, Number(fields[3]) / (ms / 1000));
  }
  return rates;
}

/** Syscalls that touch the filesystem: what a follower or a responder does per file it looks at. */
export const FILE_SYSCALLS = [
  'openat',
  'open',
  'statx',
  'newfstatat',
  'lstat',
  'stat',
  'fstat',
  'link',
  'linkat',
  'unlink',
  'unlinkat',
  'rename',
  'renameat2',
  'getdents64',
  'pread64',
  'readlink',
  'utimensat',
  'futimesat',
];

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
