import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  fsync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { StateError, writeError } from './errors.js';
import { trackTemp, untrackTemp } from './exit-guard.js';
import { type JsonObject, type Snapshot, serialize, stamp, validate } from './snapshot.js';
import { cleanStaleTemps } from './stale-temps.js';
import { tempPath } from './temp-name.js';

/**
 * Options of {@link writeState} and {@link writeStateSync}.
 *
 * @example
 * await writeState('run-1/state.json', { percent: 100 }, { durable: true } satisfies WriteStateOptions);
 */
export interface WriteStateOptions {
  /**
   * `true`: `fdatasync` the temp file before the rename and `fsync` the directory after it, so the new snapshot
   * survives a power loss once the call returns. `false`: the replacement is atomic for every reader at once
   * but the kernel writes it back later (a power loss may bring back an older snapshot, never a torn one).
   * @default false
   */
  durable?: boolean;
  /** The `instance_id` to write. @default the snapshot's own `instance_id`, else the directory's name */
  instanceId?: string;
  /** Validates the caller's fields (without `instance_id` / `updated_at`) before anything is written. */
  schema?: StandardSchemaV1;
  /** Permission bits of the new file (the umask still applies). @default 0o600 */
  mode?: number;
  /** At the first write to a path in this process, leftover temp files older than this are removed. @default 60_000 */
  staleTempMs?: number;
}

// O_EXCL: never reuse or follow anything planted at the temp name (a symlink there makes the open fail).
const CREATE_TEMP = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY;
const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);
// Per target, the temp name this process used last. Reusing it is markedly faster than a new name each time
// (ext4 reuses the directory slot) and no less safe: it is random, and the exclusive create still refuses
// anything found at it (a concurrent write of this process, or something planted), falling back to new names.
const lastTemp = new Map<string, string>();

interface Staged {
  temp: string;
  fd: number;
}

/**
 * Replaces the snapshot at `path` atomically: a reader sees the previous snapshot or this one, never a mix,
 * never an empty or missing file. Adds `instance_id` and `updated_at`, writes a unique temp file beside the target
 * (created exclusively, mode 0600) and renames it over the target; the temp file is removed on every failure.
 * Resolves with the snapshot as written. The open, write and rename are synchronous syscalls (microseconds on a
 * local disk, and faster than a thread-pool round trip each); only the `fsync`s of `durable` leave the thread.
 *
 * @example
 * await writeState('run-1/state.json', { status: 'running', percent: 40 });
 * await writeState('run-1/state.json', { status: 'done' }, { durable: true });
 */
export async function writeState<T extends object>(
  path: string,
  snapshot: T,
  options: WriteStateOptions = {},
): Promise<Snapshot<T>> {
  const stamped = stamp(path, snapshot, options.instanceId);
  if (options.schema) await validate(path, options.schema, fieldsOf(stamped));
  const staged = stage(path, serialize(path, stamped), options);
  try {
    if (options.durable) await fdatasyncAsync(staged.fd);
    commit(path, staged);
  } catch (error) {
    abandon(staged);
    throw writeError(path, error);
  }
  if (options.durable) {
    const dir = openDirectory(path);
    try {
      await fsyncAsync(dir);
    } catch (error) {
      throw directoryError(path, error);
    } finally {
      closeSync(dir);
    }
  }
  return stamped as Snapshot<T>;
}

/**
 * {@link writeState}, blocking: for exit handlers and scripts. A schema must validate synchronously here.
 *
 * @example
 * process.on('exit', () => writeStateSync('run-1/state.json', { status: 'exited' }, { durable: true }));
 */
export function writeStateSync<T extends object>(
  path: string,
  snapshot: T,
  options: WriteStateOptions = {},
): Snapshot<T> {
  const stamped = stamp(path, snapshot, options.instanceId);
  if (options.schema && validate(path, options.schema, fieldsOf(stamped)) instanceof Promise)
    throw new StateError(
      'INVALID_OPTIONS',
      path,
      'writeStateSync needs a schema that validates synchronously',
    );
  const staged = stage(path, serialize(path, stamped), options);
  try {
    if (options.durable) fdatasyncSync(staged.fd);
    commit(path, staged);
  } catch (error) {
    abandon(staged);
    throw writeError(path, error);
  }
  if (options.durable) {
    const dir = openDirectory(path);
    try {
      fsyncSync(dir);
    } catch (error) {
      throw directoryError(path, error);
    } finally {
      closeSync(dir);
    }
  }
  return stamped as Snapshot<T>;
}

function fieldsOf(snapshot: Snapshot): JsonObject {
  const { instance_id: _, updated_at: __, ...fields } = snapshot;
  return fields;
}

/** Checks the target, then creates and fills the temp file; on failure nothing is left behind. */
function stage(path: string, data: Buffer, options: WriteStateOptions): Staged {
  const key = resolve(path);
  const reuse = lastTemp.get(key);
  if (reuse === undefined) cleanStaleTemps(path, { olderThanMs: options.staleTempMs }); // first write here
  checkTarget(path);
  for (let attempt = 1; ; attempt++) {
    const temp = (attempt === 1 && reuse) || tempPath(key); // absolute: still right if the cwd changes
    let fd: number;
    try {
      fd = openSync(temp, CREATE_TEMP, options.mode ?? 0o600);
    } catch (error) {
      // 64 random bits: a clash is something planted there; step around it a few times, then give up.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw writeError(path, error);
    }
    const staged = { temp, fd };
    lastTemp.set(key, temp);
    trackTemp(temp);
    try {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
      return staged;
    } catch (error) {
      abandon(staged);
      throw writeError(path, error);
    }
  }
}

/** Refuses to replace a symlink, a directory or a device; a missing file is fine. */
function checkTarget(path: string): void {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw writeError(path, error);
  }
  if (!stats.isFile()) {
    const what = stats.isSymbolicLink()
      ? 'a symlink'
      : stats.isDirectory()
        ? 'a directory'
        : 'not a regular file';
    throw new StateError('NOT_A_FILE', path, `refusing to replace the target: it is ${what}`);
  }
}

// rename(2) replaces the name itself: if a symlink appears at the target after the check, the link is
// replaced and whatever it points to is never touched.
function commit(path: string, staged: Staged): void {
  const fd = staged.fd;
  staged.fd = -1;
  closeSync(fd);
  renameSync(staged.temp, path);
  untrackTemp(staged.temp);
}

function abandon(staged: Staged): void {
  if (staged.fd >= 0) {
    try {
      closeSync(staged.fd);
    } catch {}
    staged.fd = -1;
  }
  try {
    unlinkSync(staged.temp);
  } catch {}
  untrackTemp(staged.temp);
}

function openDirectory(path: string): number {
  try {
    return openSync(dirname(path), OPEN_DIR);
  } catch (error) {
    throw directoryError(path, error);
  }
}

function directoryError(path: string, error: unknown): StateError {
  return new StateError(
    'WRITE_FAILED',
    path,
    'the snapshot was replaced but its directory could not be synced',
    {
      cause: error,
    },
  );
}
