import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { StateError } from './errors.js';
import { type FieldsOf, parseSnapshot, type Snapshot } from './snapshot.js';

/**
 * Options of {@link readState}.
 *
 * @example
 * const options: ReadStateOptions<typeof Progress> = { schema: Progress };
 */
export interface ReadStateOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Validates the caller's fields (zod 4 or any Standard Schema); the result holds the schema's output. */
  schema?: S;
}

// O_NOFOLLOW: a state file is never a symlink (writers refuse to make one), so none is followed.
// O_NONBLOCK: a FIFO planted at the path must not hang the reader (no effect on regular files).
const OPEN_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Reads the current snapshot. Writers replace the file by rename, so this always sees one complete snapshot.
 * Rejects with a {@link StateError}: `NOT_FOUND` (no file yet), `INVALID_JSON`, `SCHEMA_MISMATCH`, `NOT_A_FILE`
 * or `READ_FAILED`.
 *
 * @example
 * const Status = z.object({ status: z.enum(['running', 'done']), percent: z.number() });
 * const state = await readState('run-1/state.json', { schema: Status });
 * console.log(state.instance_id, state.status, state.updated_at);
 */
export async function readState<S extends StandardSchemaV1 | undefined = undefined>(
  path: string,
  options: ReadStateOptions<S> = {},
): Promise<Snapshot<FieldsOf<S>>> {
  return (await parseSnapshot(path, await readStateBytes(path), options.schema)) as Snapshot<FieldsOf<S>>;
}

/** The file's bytes, or the typed reason there are none. */
export async function readStateBytes(path: string): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, OPEN_READ);
  } catch (error) {
    throw openError(path, error);
  }
  try {
    if (!(await handle.stat()).isFile()) throw notAFile(path);
    return await handle.readFile();
  } catch (error) {
    throw readError(path, error);
  } finally {
    await handle.close();
  }
}

/**
 * {@link readStateBytes} without thread-pool round trips, for the watcher: a state file is small and local,
 * so the few microseconds of blocking cost less than five hops each way under load.
 */
export function readStateBytesSync(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_READ);
  } catch (error) {
    throw openError(path, error);
  }
  try {
    if (!fstatSync(fd).isFile()) throw notAFile(path);
    return readFileSync(fd);
  } catch (error) {
    throw readError(path, error);
  } finally {
    closeSync(fd);
  }
}

function openError(path: string, error: unknown): StateError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new StateError('NOT_FOUND', path, 'no state file', { cause: error });
  if (code === 'ELOOP')
    return new StateError('NOT_A_FILE', path, 'the state file is a symlink', { cause: error });
  return new StateError('READ_FAILED', path, `cannot open the state file: ${code}`, { cause: error });
}

const notAFile = (path: string) => new StateError('NOT_A_FILE', path, 'the state path is not a regular file');

function readError(path: string, error: unknown): StateError {
  if (error instanceof StateError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new StateError('READ_FAILED', path, `cannot read the state file: ${code}`, { cause: error });
}
