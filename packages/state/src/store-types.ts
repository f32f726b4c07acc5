import type { StandardSchemaV1 } from '@fipc/core';
import type { InputOf, Snapshot } from './snapshot.js';
import type { WriteStateOptions } from './write-state.js';

/**
 * Options of `openStateStore`.
 *
 * @example
 * const options: StateStoreOptions<typeof Progress> = { schema: Progress, minIntervalMs: 100, durability: 'fsync' };
 */
export interface StateStoreOptions<S extends StandardSchemaV1 | undefined = undefined>
  extends WriteStateOptions<S> {
  /**
   * The base that `update()` merges into. Without it, the snapshot already in the file (without `updated_at`,
   * `{}` when there is none) is read, asynchronously, before the first write.
   * @default the snapshot in the file
   */
  initial?: InputOf<S>;
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
  /** The snapshot written (the schema's output), with its `instance_id` and `updated_at`. */
  snapshot: Snapshot<T>;
}

/**
 * A coalescing writer of one state file; see `openStateStore`. `T` is what is written (the schema's
 * output), `In` what `set` and `update` take (its input).
 *
 * @example
 * const store: StateStore<{ percent: number }> = openStateStore('run-1/state.json', { schema: Progress });
 * store.update({ percent: 10 });
 * await store.close();
 */
export interface StateStore<T, In = T> {
  /**
   * The latest fields asked for (landed or not). Until the file's snapshot has been read (before the first
   * write; never with `initial`), the updates so far applied to `{}`.
   */
  readonly current: In;
  /** The latest version asked for; 0 before the first call. */
  readonly version: number;
  /** The latest version on disk. */
  readonly landed: number;
  /** How many physical writes were made. */
  readonly writes: number;
  /** Replaces the whole snapshot. Resolves when a write that includes this version has landed. */
  set(snapshot: In): Promise<Landed<T>>;
  /** Shallow-merges `patch` into the latest snapshot; resolves like `set`. */
  update(patch: Partial<In>): Promise<Landed<T>>;
  /** Resolves when the latest version is on disk (durably, with `'fsync'`); retries it if its write failed. */
  flush(): Promise<Landed<T> | undefined>;
  /** Flushes, then refuses further calls (`CLOSED`). */
  close(): Promise<void>;
}
