import type { StandardSchemaV1 } from '@standard-schema/spec';
import { StateError } from './errors.js';
import { atExit } from './exit-guard.js';
import { readState } from './read-state.js';
import type { FieldsOf, JsonObject, Snapshot } from './snapshot.js';
import { cleanStaleTemps } from './stale-temps.js';
import { type WriteStateOptions, writeState, writeStateSync } from './write-state.js';

/**
 * Options of {@link openStateStore}.
 *
 * @example
 * const options: StateStoreOptions<typeof Progress> = { schema: Progress, minIntervalMs: 100, durable: true };
 */
export interface StateStoreOptions<S extends StandardSchemaV1 | undefined = undefined>
  extends Omit<WriteStateOptions, 'schema'> {
  /** Validates each snapshot that is about to be written (the one that lands, not every call). */
  schema?: S;
  /** The base that `update()` merges into. @default the snapshot already in the file (without `updated_at`), else `{}` */
  initial?: FieldsOf<S>;
  /** Least time between the starts of two physical writes; calls in between coalesce. @default 0 */
  minIntervalMs?: number;
  /**
   * Writes the latest version synchronously in a `process.on('exit')` handler if it has not landed yet, so that
   * `process.exit()` right after `update()` loses nothing. @default true
   */
  flushOnExit?: boolean;
}

/**
 * What one call's write became: the version that actually landed, which may include later calls.
 *
 * @example
 * const { requested, version, snapshot }: Landed<{ percent: number }> = await store.update({ percent: 50 });
 * if (version > requested) console.log('coalesced with later updates into', snapshot);
 */
export interface Landed<T> {
  /** The version this call asked for (1 for the first `set`/`update` of the store, and so on). */
  requested: number;
  /** The version on disk now: `> requested` when later calls were coalesced into the same write. */
  version: number;
  /** The snapshot written, with its `instance_id` and `updated_at`. */
  snapshot: Snapshot<T>;
}

/**
 * A coalescing writer of one state file; see {@link openStateStore}.
 *
 * @example
 * const store: StateStore<{ percent: number }> = await openStateStore('run-1/state.json', { schema: Progress });
 * store.update({ percent: 10 });
 * await store.close();
 */
export interface StateStore<T> {
  /** The latest fields asked for (landed or not). */
  readonly current: T;
  /** The latest version asked for; 0 before the first call. */
  readonly version: number;
  /** The latest version on disk. */
  readonly landed: number;
  /** How many physical writes were made. */
  readonly writes: number;
  /** Replaces the whole snapshot. Resolves when a write that includes this version has landed. */
  set(snapshot: T): Promise<Landed<T>>;
  /** Shallow-merges `patch` into the latest snapshot; resolves like `set`. */
  update(patch: Partial<T>): Promise<Landed<T>>;
  /** Resolves when the latest version is on disk (durably, with `durable`); retries it if its write failed. */
  flush(): Promise<Landed<T> | undefined>;
  /** Flushes, then refuses further calls. */
  close(): Promise<void>;
}

interface Waiter<T> {
  version: number;
  resolve: (landed: Landed<T>) => void;
  reject: (error: unknown) => void;
}

/**
 * Opens a writer for hot loops: `set` and `update` may be called thousands of times a second; physical writes
 * are coalesced latest-wins (a write starts on the next turn of the event loop and takes every call made
 * until then; calls made while it runs go into the next one). Nothing is silent: each call's promise resolves
 * with the version that landed. A process that exits normally (the event loop empties, or `process.exit()`)
 * never loses the last update. Leftover temp files of crashed writers are cleaned at open.
 *
 * Ignoring the promises is allowed (they never cause an unhandled rejection); a failed write is then
 * reported by the next `flush()` or `close()`.
 *
 * @example
 * const store = await openStateStore('run-1/state.json', { initial: { status: 'starting', percent: 0 } });
 * for (let percent = 0; percent <= 100; percent++) store.update({ status: 'running', percent });
 * await store.close(); // state.json now says percent: 100, after a handful of writes
 */
export async function openStateStore<S extends StandardSchemaV1 | undefined = undefined>(
  path: string,
  options: StateStoreOptions<S> = {},
): Promise<StateStore<FieldsOf<S>>> {
  const { minIntervalMs = 0, flushOnExit = true } = options;
  if (!(minIntervalMs >= 0)) throw new StateError('INVALID_OPTIONS', path, 'minIntervalMs must be >= 0');
  cleanStaleTemps(path, { olderThanMs: options.staleTempMs });
  type T = FieldsOf<S>;
  let current = (options.initial ?? (await existing(path, options.schema))) as T;
  const writeOptions: WriteStateOptions = { ...options, schema: options.schema };
  let version = 0;
  let landed = 0;
  let attempted = 0; // the latest version a write was made for, landed or failed
  let writes = 0;
  let last: Landed<T> | undefined;
  let failure: unknown;
  let running = false;
  let closed = false;
  let lastStart = 0;
  const waiters: Waiter<T>[] = [];

  const settle = (upTo: number, outcome: { landed: Landed<T> } | { error: unknown }) => {
    let kept = 0;
    for (const waiter of waiters) {
      if (waiter.version > upTo) waiters[kept++] = waiter;
      else if ('landed' in outcome) waiter.resolve({ ...outcome.landed, requested: waiter.version });
      else waiter.reject(outcome.error);
    }
    waiters.length = kept;
  };

  const drain = async () => {
    while (attempted < version) {
      const wait = lastStart + minIntervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const target = version;
      const fields = current;
      attempted = target;
      lastStart = Date.now();
      try {
        const snapshot = (await writeState(path, fields as object, writeOptions)) as Snapshot<T>;
        writes++;
        landed = target;
        failure = undefined;
        last = { requested: target, version: target, snapshot };
        settle(target, { landed: last });
      } catch (error) {
        failure = error;
        settle(target, { error });
      }
    }
    running = false;
  };

  const request = (target: number): Promise<Landed<T>> => {
    const promise = new Promise<Landed<T>>((resolve, reject) =>
      waiters.push({ version: target, resolve, reject }),
    );
    promise.catch(() => {}); // a caller may ignore it: flush() and close() report the failure
    if (!running) {
      running = true;
      setImmediate(drain);
    }
    return promise;
  };

  const change = (next: T): Promise<Landed<T>> => {
    if (closed) return Promise.reject(new StateError('STORE_CLOSED', path, 'the state store is closed'));
    current = next;
    return request(++version);
  };

  const flush = async (): Promise<Landed<T> | undefined> => {
    if (landed === version) return last;
    if (attempted === version && !running) attempted = landed; // the latest write failed: try it again
    return request(version);
  };

  const forget = flushOnExit
    ? atExit(() => {
        if (landed < version) writeStateSync(path, current as object, writeOptions);
      })
    : () => {};

  return {
    get current() {
      return current;
    },
    get version() {
      return version;
    },
    get landed() {
      return landed;
    },
    get writes() {
      return writes;
    },
    set: (snapshot) => change({ ...(snapshot as object) } as T),
    update: (patch) => change({ ...(current as object), ...(patch as object) } as T),
    flush: () => {
      if (closed && landed < version) return Promise.reject(failure);
      return closed ? Promise.resolve(last) : flush();
    },
    close: async () => {
      if (closed) return;
      try {
        await flush();
      } finally {
        closed = true;
        forget();
      }
    },
  };
}

/** The snapshot already in the file, without `updated_at`, as the base of `update()`; `{}` when there is none. */
async function existing<S extends StandardSchemaV1 | undefined>(
  path: string,
  schema: S,
): Promise<FieldsOf<S>> {
  try {
    const { updated_at: _, ...fields } = (await readState(path, { schema })) as JsonObject;
    return fields as FieldsOf<S>;
  } catch (error) {
    if (error instanceof StateError && error.code === 'NOT_FOUND') return {} as FieldsOf<S>;
    throw error;
  }
}
