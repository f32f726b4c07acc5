import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, readJsonFileSync, writeFileAtomicSync } from '@fipc/core';

/**
 * What the server records in the run's `worker.json` as soon as it has spawned the worker: the pid tells a later
 * server (one that did not spawn it) whether the worker still lives, even before the worker writes `state.json`.
 */
export interface WorkerRecord {
  pid: number;
  title: string;
  spawned_at: string;
}

const workerFile = (dir: string) => join(dir, 'worker.json');

/**
 * Spawns a worker for the run directory `dir`, detached (it outlives a server restart), its output appended to
 * `worker.log`, and records it in `worker.json` (no record when it could not be spawned: `child` then emits
 * `error`).
 */
export function spawnWorker(
  command: readonly string[],
  dir: string,
  title: string,
): { child: ChildProcess; record?: WorkerRecord } {
  const output = openSync(join(dir, 'worker.log'), 'a', 0o600);
  let child: ChildProcess;
  try {
    const [program = process.execPath, ...args] = command;
    // `--name=value`, so that a value starting with '-' stays a value (`--title -x` would be refused).
    child = spawn(program, [...args, `--dir=${dir}`, `--title=${title}`], {
      detached: true,
      stdio: ['ignore', output, output],
    });
  } finally {
    closeSync(output);
  }
  if (child.pid === undefined) return { child };
  const record: WorkerRecord = { pid: child.pid, title, spawned_at: new Date().toISOString() };
  writeFileAtomicSync(workerFile(dir), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return { child, record };
}

/** The run's `worker.json`, or `undefined` when there is none (a run not started by this demo) or it is bad. */
export function readWorkerRecord(dir: string): WorkerRecord | undefined {
  try {
    const value = readJsonFileSync(workerFile(dir));
    return isJsonObject(value) && Number.isInteger(value.pid) && typeof value.title === 'string'
      ? (value as unknown as WorkerRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Is `pid` alive and the worker of the run in `dir`? A pid is reused once its process is gone, so on Linux the
 * process's command line must name the run directory too (a zombie's is empty: it counts as gone). Elsewhere,
 * without `/proc`, a live pid is trusted.
 */
export function isWorkerAlive(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return process.platform !== 'linux';
  }
  return args.includes(`--dir=${dir}`) || args.includes(dir);
}

/** How a worker process ended, in words. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}
