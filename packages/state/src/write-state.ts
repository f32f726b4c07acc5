import { isAbsolute, resolve } from 'node:path';
import {
  type AtomicWriteOptions,
  type Durability,
  durabilityOption,
  isoTime,
  type StandardSchemaV1,
  writeFileAtomic,
  writeFileAtomicSync,
} from '@fipc/core';
import { StateError } from './errors.js';
import { trackTemp, untrackTemp } from './exit-guard.js';
import {
  assemble,
  checkFields,
  checkFieldsSync,
  type Draft,
  draft,
  type FieldsOf,
  type InputOf,
  type Parts,
  type Snapshot,
  serialize,
} from './snapshot.js';
import { cleanStaleTemps, staleTempOption } from './stale-temps.js';
import { tempPath } from './temp-name.js';

/**
 * Options of {@link writeState} and {@link writeStateSync}.
 *
 * @example
 * await writeState('run-1/state.json', { percent: 100 }, { durability: 'fsync' } satisfies WriteStateOptions);
 */
export interface WriteStateOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /**
   * `'fsync'`: `fdatasync` the temp file before the rename and `fsync` the directory after it, so the new
   * snapshot survives a power loss once the call returns. `'none'`: the replacement is atomic for every reader
   * at once but the kernel writes it back later (a power loss may bring back an older snapshot, never a torn one).
   * @default 'none'
   */
  durability?: Durability;
  /** The `instance_id` to write. @default the snapshot's own `instance_id`, else the directory's name */
  instanceId?: string;
  /**
   * Validates the caller's fields (without `instance_id` / `updated_at`) before anything is written; the
   * schema's output is what is written (defaults and transforms included).
   */
  schema?: S;
  /** Permission bits of the new file (the umask still applies). @default 0o600 */
  mode?: number;
  /** At the first write to a path in this process, leftover temp files older than this are removed. @default 60_000 */
  staleTempMs?: number;
}

// Per target, the temp name this process used last. Reusing it is markedly faster than a new name each time
// (ext4 reuses the directory slot) and no less safe: it is random, and the exclusive create still refuses
// anything found at it (a concurrent write of this process, or something planted), falling back to new names.
const lastTemp = new Map<string, string>();

/**
 * Replaces the snapshot at `path` atomically: a reader sees the previous snapshot or this one, never a mix,
 * never an empty or missing file. Validates the fields with `schema` (and writes its output), adds
 * `instance_id` and `updated_at`, writes a unique temp file `.state-<random>.tmp` beside the target (created
 * exclusively, mode 0600) and renames it over the target; the temp file is removed on every failure. Resolves
 * with the snapshot as written. Rejects with a {@link StateError}: `SCHEMA_MISMATCH`, `NOT_A_FILE`,
 * `DISK_FULL`, `IO_ERROR` or `INVALID_OPTIONS`.
 *
 * @example
 * await writeState('run-1/state.json', { status: 'running', percent: 40 });
 * await writeState('run-1/state.json', { status: 'done' }, { durability: 'fsync' });
 */
export function writeState<S extends StandardSchemaV1>(
  path: string,
  snapshot: InputOf<S>,
  options: WriteStateOptions<S> & { schema: S },
): Promise<Snapshot<FieldsOf<S>>>;
export function writeState<T extends object>(
  path: string,
  snapshot: T,
  options?: WriteStateOptions,
): Promise<Snapshot<T>>;
export async function writeState(
  path: string,
  snapshot: object,
  options: WriteStateOptions<StandardSchemaV1 | undefined> = {},
): Promise<Snapshot> {
  const given = draft(path, snapshot, options.instanceId);
  if (options.schema) given.fields = await checkFields(path, options.schema, given.fields);
  const written = writeDraft(path, given, options);
  return assemble(written instanceof Promise ? await written : written) as Snapshot;
}

/**
 * {@link writeState}, blocking: for exit handlers and scripts. The schema must validate synchronously: an
 * asynchronous one is refused with `INVALID_OPTIONS` before anything is written.
 *
 * @example
 * process.on('exit', () => writeStateSync('run-1/state.json', { status: 'exited' }, { durability: 'fsync' }));
 */
export function writeStateSync<S extends StandardSchemaV1>(
  path: string,
  snapshot: InputOf<S>,
  options: WriteStateOptions<S> & { schema: S },
): Snapshot<FieldsOf<S>>;
export function writeStateSync<T extends object>(
  path: string,
  snapshot: T,
  options?: WriteStateOptions,
): Snapshot<T>;
export function writeStateSync(
  path: string,
  snapshot: object,
  options: WriteStateOptions<StandardSchemaV1 | undefined> = {},
): Snapshot {
  const given = draft(path, snapshot, options.instanceId);
  given.fields = checkFieldsSync(path, options.schema, given.fields);
  return assemble(writeDraftSync(path, given, options)) as Snapshot;
}

type AnyWriteOptions = WriteStateOptions<StandardSchemaV1 | undefined>;

/**
 * Writes already validated fields: stamps `updated_at`, then the one atomic write. Without fsync nothing in the
 * write waits (open, write and rename are synchronous either way): the parts come back without a promise.
 */
export function writeDraft(path: string, given: Draft, options: AnyWriteOptions): Parts | Promise<Parts> {
  const atomic = atomicOptions(path, options);
  if (atomic.durability !== 'fsync') return writeDraftSync(path, given, options, atomic);
  const parts: Parts = { ...given, updated_at: isoTime() };
  return writeFileAtomic(path, serialize(path, parts), atomic).then(
    () => parts,
    (error) => {
      throw StateError.from(error, path);
    },
  );
}

/** {@link writeDraft}, blocking. */
export function writeDraftSync(
  path: string,
  given: Draft,
  options: AnyWriteOptions,
  atomic = atomicOptions(path, options),
): Parts {
  const parts: Parts = { ...given, updated_at: isoTime() };
  try {
    writeFileAtomicSync(path, serialize(path, parts), atomic);
  } catch (error) {
    throw StateError.from(error, path);
  }
  return parts;
}

/** Checks the options a write takes, before anything is touched. Throws `INVALID_OPTIONS`. */
export function checkWriteOptions(path: string, options: AnyWriteOptions): Durability {
  staleTempOption(options.staleTempMs);
  try {
    return durabilityOption(options.durability);
  } catch (error) {
    throw StateError.from(error, path);
  }
}

/** Our temp names, the reuse of the last one, exit-time tracking; stale temps at the first write. */
export function atomicOptions(path: string, options: AnyWriteOptions): AtomicWriteOptions {
  const durability = checkWriteOptions(path, options);
  const mode = options.mode ?? 0o600;
  const key = isAbsolute(path) ? path : resolve(path); // absolute: still right if the cwd changes
  let target = targets.get(key);
  if (!target) {
    cleanStaleTemps(key, { staleTempMs: options.staleTempMs }); // the first write to this path
    target = { none: new Map(), fsync: new Map() };
    targets.set(key, target);
  }
  let atomic = target[durability].get(mode);
  if (!atomic) {
    atomic = {
      durability,
      mode,
      tempPath: (attempt) => (attempt === 1 && lastTemp.get(key)) || tempPath(key),
      onTemp: (temp, exists) => {
        if (!exists) return untrackTemp(temp);
        lastTemp.set(key, temp);
        trackTemp(temp);
      },
    };
    target[durability].set(mode, atomic);
  }
  return atomic;
}

// Per target, its atomic-write options by durability and mode: made once, not at every write.
const targets = new Map<string, Record<Durability, Map<number, AtomicWriteOptions>>>();
