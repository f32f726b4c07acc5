import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RunFields, type RunState, runPaths } from '@fipc/demo-worker';
import { readState } from '@fipc/state';
import { z } from 'zod';

/** Run ids are made here and checked on every route: they become directory names. */
export const RunId = z.string().regex(/^run-[a-z0-9]{6,40}$/, 'not a run id (run-<letters and digits>)');

/** A run as the API shows it: its `state.json`, or what can be said before and after the worker wrote one. */
export type RunView = { id: string } & (
  | ({ status: RunState['status'] | 'lost' } & Omit<RunState, 'status'>)
  | { status: 'starting' | 'unreadable'; message: string }
);

export interface RunStoreOptions {
  dir: string;
  /** The command that starts a worker; `--dir <run dir> --title <title>` is appended. */
  workerCommand: readonly string[];
}

/**
 * The runs directory: one sub-directory per run, each a worker's instance directory. Everything is read back
 * from the files, so a restarted server finds every run again, finished or still running.
 */
export class RunStore {
  readonly dir: string;
  readonly #command: readonly string[];
  /** Workers this server process started and that have not exited yet. */
  readonly #children = new Map<string, ChildProcess>();

  constructor({ dir, workerCommand }: RunStoreOptions) {
    this.dir = resolve(dir); // the worker's command line names it: /proc tells our workers apart by it
    this.#command = workerCommand;
  }

  path(id: string): string {
    return join(this.dir, id);
  }

  /** Makes the run's directory and spawns its worker, detached: workers outlive a server restart. */
  async create(title: string): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = `run-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const dir = this.path(id);
    await mkdir(dir, { mode: 0o700 });
    const output = openSync(join(dir, 'worker.log'), 'a', 0o600);
    try {
      const [command = process.execPath, ...args] = this.#command;
      const child = spawn(command, [...args, '--dir', dir, '--title', title], {
        detached: true,
        stdio: ['ignore', output, output],
      });
      this.#children.set(id, child);
      child.on('exit', () => this.#children.delete(id)).on('error', () => this.#children.delete(id));
      child.unref();
    } finally {
      closeSync(output);
    }
    return id;
  }

  /** Every run, newest first. */
  async list(): Promise<RunView[]> {
    const names = await readdir(this.dir).catch((): string[] => []);
    const ids = names
      .filter((name) => RunId.safeParse(name).success)
      .sort()
      .reverse();
    return Promise.all(ids.map((id) => this.#view(id)));
  }

  /** One run, or `undefined` when there is no such run. */
  async get(id: string): Promise<RunView | undefined> {
    const names = await readdir(this.dir).catch((): string[] => []);
    return names.includes(id) ? this.#view(id) : undefined;
  }

  /** Sends SIGTERM to the run's worker; false when no worker of that run is alive. */
  cancel(id: string, view: RunView): boolean {
    const pid = this.#children.get(id)?.pid ?? ('pid' in view ? view.pid : undefined);
    if (pid === undefined || !this.#isWorker(pid, id)) return false;
    process.kill(pid, 'SIGTERM');
    return true;
  }

  async #view(id: string): Promise<RunView> {
    let state: RunState;
    try {
      state = await readState(runPaths(this.path(id)).state, { schema: RunFields });
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') {
        return { id, status: 'starting', message: 'Starting the worker' };
      }
      return { id, status: 'unreadable', message: `state.json: ${(error as Error).message}` };
    }
    const ended = ['completed', 'cancelled', 'failed'].includes(state.status);
    // A worker killed with -9 cannot write its last state: say so instead of showing it running forever.
    const lost = !ended && !this.#children.has(id) && !this.#isWorker(state.pid, id);
    return {
      ...state,
      id,
      ...(lost ? { status: 'lost', message: 'The worker stopped without a word' } : {}),
    };
  }

  /** Is `pid` alive and the worker of this run (not another process that got the same pid since)? */
  #isWorker(pid: number, id: string): boolean {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(this.path(id));
    } catch {
      return process.platform !== 'linux'; // no /proc to ask: trust the live pid
    }
  }
}
