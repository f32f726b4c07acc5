import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ChangeHints } from '@fipc/core';
import { contract, runPaths } from '@fipc/demo-worker';
import { readState, watchState } from '@fipc/state';
import { DirStamp } from './dir-stamp.js';
import { HttpError } from './http.js';
import { RunId, RunOrder } from './run-order.js';
import { deleteRunDir, emptyTrash } from './run-trash.js';
import { FINAL, type RunChange, type RunEntry, type RunPage, type RunView, viewOf } from './run-view.js';
import { describeExit, isWorkerAlive, readWorkerRecord, spawnWorker } from './workers.js';

export interface RunStoreOptions {
  dir: string;
  /** The command that starts a worker; `--dir=<run dir> --title=<title>` is appended. */
  workerCommand: readonly string[];
  /** How often the runs directory is rescanned and workers this server did not spawn are checked. */
  pollMs: number;
}

/**
 * The runs directory, one sub-directory per run (a worker's instance directory), held in memory and kept current:
 * each unfinished run's `state.json` is followed as it lands, each worker's liveness comes from its process
 * (exit events for the workers this server spawned, a pid check for the others), and the directory is rescanned
 * on change hints. Lookups never touch the disk; subscribers hear every change.
 */
export class RunStore {
  readonly dir: string;
  readonly #command: readonly string[];
  readonly #entries = new Map<string, RunEntry>();
  readonly #order = new RunOrder();
  readonly #stamp: DirStamp;
  /** The live runs whose worker this server did not spawn: only a pid check tells when it dies. */
  readonly #pidChecked = new Set<string>();
  readonly #listeners = new Set<(change: RunChange) => void>();
  readonly #closed = new AbortController();

  private constructor({ dir, workerCommand }: RunStoreOptions) {
    this.dir = resolve(dir); // workers' command lines name it: the pid check tells our workers apart by it
    this.#command = workerCommand;
    this.#stamp = new DirStamp(this.dir);
  }

  /** Reads every run once, then keeps them current until {@link close}. */
  static async open(options: RunStoreOptions): Promise<RunStore> {
    const store = new RunStore(options);
    mkdirSync(store.dir, { recursive: true, mode: 0o700 });
    await emptyTrash(store.dir);
    await store.#scan();
    void store.#follow(options.pollMs);
    return store;
  }

  path(id: string): string {
    return join(this.dir, id);
  }

  /** How many runs there are. */
  get total(): number {
    return this.#order.size;
  }

  /** Up to `limit` runs older than run id `before` (any id, a run or not; the newest when absent), newest first. */
  page(limit: number, before?: string): RunPage {
    const { ids, more } = this.#order.page(limit, before);
    const runs = ids.flatMap((id) => this.#entries.get(id)?.view ?? []);
    return { runs, total: this.total, next: more ? (ids.at(-1) ?? null) : null };
  }

  /** One run, or `undefined` when there is no such run. */
  get(id: string): RunView | undefined {
    return this.#entries.get(id)?.view;
  }

  /** Calls `listener` with every change from now on; returns the function that stops it. */
  subscribe(listener: (change: RunChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Makes the run's directory and spawns its worker. */
  create(title: string): RunView {
    const id = `run-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const dir = this.path(id);
    mkdirSync(dir, { mode: 0o700 });
    const { child, record } = spawnWorker(this.#command, dir, title);
    const entry: RunEntry = { child, worker: record };
    this.#entries.set(id, entry);
    this.#order.add([id]);
    child.once('exit', (code, signal) => void this.#exited(id, describeExit(code, signal)));
    child.once('error', (error) => void this.#exited(id, `could not start (${error.message})`));
    child.unref();
    void this.#watch(id, entry);
    return this.#publish(id, entry);
  }

  /** Sends SIGTERM to the run's worker; false when no worker of that run is alive. */
  cancel(id: string): boolean {
    const entry = this.#entries.get(id);
    const pid = entry?.child?.pid ?? entry?.view?.pid;
    if (!entry || pid === undefined || !this.#alive(id, entry)) return false;
    process.kill(pid, 'SIGTERM');
    return true;
  }

  /** Removes a run whose worker is not alive (409 otherwise): its directory vanishes at once, then is deleted. */
  async delete(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry?.view) throw new HttpError(404, `no run "${id}"`);
    if (this.#alive(id, entry)) {
      const { status, pid } = entry.view;
      throw new HttpError(
        409,
        `run ${id} is ${status} and its worker (pid ${pid}) is alive: cancel it first`,
      );
    }
    entry.watch?.abort();
    await deleteRunDir(this.dir, this.path(id), () => this.#remove(id));
  }

  /** Stops following the runs; workers go on. */
  close(): void {
    this.#closed.abort();
    for (const entry of this.#entries.values()) entry.watch?.abort();
    this.#listeners.clear();
  }

  /** Rescans the directory and checks the live workers this server did not spawn, on every hint or poll. */
  async #follow(pollMs: number): Promise<void> {
    const signal = this.#closed.signal;
    const hints = new ChangeHints(this.dir, pollMs, signal, (name) => RunId.safeParse(name).success);
    while (!signal.aborted) {
      await hints.wait();
      if (signal.aborted) break;
      await this.#scan().catch((error: unknown) => console.error(`runs directory: ${error}`));
      // A worker found dead stays dead (a new one would write a new state, which the watch sees).
      for (const id of this.#pidChecked) {
        const entry = this.#entries.get(id)!;
        if (!this.#alive(id, entry)) await this.#refresh(id, entry);
      }
    }
  }

  /** Adds the runs that appeared in the directory and drops those that vanished (when any may have). */
  async #scan(): Promise<void> {
    const stamp = await this.#stamp.changed();
    if (!stamp.changed) return;
    const known = new Set(this.#entries.keys()); // a run created during the readdir is not "vanished"
    const ids = new Set((await readdir(this.dir)).filter((name) => RunId.safeParse(name).success));
    if (this.#closed.signal.aborted) return;
    this.#stamp.seen(stamp);
    for (const id of known) if (!ids.has(id)) this.#remove(id);
    const added = [...ids].filter((id) => !this.#entries.has(id));
    const entries = added.map((id) => {
      const entry: RunEntry = {};
      this.#entries.set(id, entry);
      return entry;
    });
    this.#order.add(added);
    await Promise.all(added.map((id, index) => this.#refresh(id, entries[index]!)));
    added.forEach((id, index) => {
      if (!FINAL.has(entries[index]!.state?.status ?? '')) void this.#watch(id, entries[index]!);
    });
  }

  /** Follows the run's `state.json` as it lands, until the run reaches a final status. */
  async #watch(id: string, entry: RunEntry): Promise<void> {
    const controller = new AbortController();
    entry.watch = controller;
    const signal = AbortSignal.any([controller.signal, this.#closed.signal]);
    try {
      for await (const state of watchState(runPaths(this.path(id)).state, {
        schema: contract.state,
        signal,
      })) {
        entry.state = state;
        entry.problem = undefined;
        this.#publish(id, entry);
        if (FINAL.has(state.status)) break;
      }
    } catch (error) {
      entry.problem = `state.json: ${(error as Error).message}`;
      this.#publish(id, entry);
    } finally {
      controller.abort();
    }
  }

  /** Our worker exited: read the state it left (it writes its final state before it exits), then say so. */
  async #exited(id: string, how: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry || entry.exit) return;
    entry.exit = how;
    await this.#read(id, entry);
    entry.child = undefined; // only now: until the last state is read, the run is not shown as lost
    this.#publish(id, entry);
  }

  /** Reads the run's files again (a worker that died left its last state) and publishes the view. */
  async #refresh(id: string, entry: RunEntry): Promise<void> {
    await this.#read(id, entry);
    this.#publish(id, entry);
  }

  async #read(id: string, entry: RunEntry): Promise<void> {
    try {
      entry.state = await readState(runPaths(this.path(id)).state, { schema: contract.state });
      entry.problem = undefined;
    } catch (error) {
      if ((error as { code?: string }).code !== 'NOT_FOUND') {
        entry.problem = `state.json: ${(error as Error).message}`;
      }
    }
    // A final state names the run and its worker's pid: its `worker.json` is needed only before that.
    if (!FINAL.has(entry.state?.status ?? '')) entry.worker ??= readWorkerRecord(this.path(id));
  }

  #alive(id: string, entry: RunEntry): boolean {
    if (entry.child) return true;
    if (entry.exit) return false;
    const pid = entry.state?.pid ?? entry.worker?.pid;
    return pid !== undefined && isWorkerAlive(pid, this.path(id));
  }

  /** Derives the run's view and tells the subscribers when it changed. */
  #publish(id: string, entry: RunEntry): RunView {
    const view = viewOf(id, entry, this.#alive(id, entry));
    if (this.#entries.get(id) !== entry) return entry.view ?? view;
    if (view.live && !entry.child) this.#pidChecked.add(id);
    else this.#pidChecked.delete(id);
    if (JSON.stringify(view) === JSON.stringify(entry.view)) return entry.view ?? view;
    entry.view = view;
    for (const listener of this.#listeners) listener({ type: 'run', view });
    return view;
  }

  #remove(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.watch?.abort();
    this.#entries.delete(id);
    this.#order.delete(id);
    this.#pidChecked.delete(id);
    for (const listener of this.#listeners) listener({ type: 'deleted', id });
  }
}
