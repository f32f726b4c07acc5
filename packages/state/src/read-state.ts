import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { StateError } from './errors.js';
import { type FieldsOf, parseSnapshot, type Snapshot } from './snapshot.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** Options of {@link readState}. */
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
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StateError('NOT_FOUND', path, 'no state file', { cause: error });
    if (code === 'ELOOP')
      throw new StateError('NOT_A_FILE', path, 'the state file is a symlink', { cause: error });
    throw new StateError('READ_FAILED', path, `cannot open the state file: ${code}`, { cause: error });
  }
  try {
    if (!(await handle.stat()).isFile())
      throw new StateError('NOT_A_FILE', path, 'the state path is not a regular file');
    return await handle.readFile();
  } catch (error) {
    if (error instanceof StateError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateError('READ_FAILED', path, `cannot read the state file: ${code}`, { cause: error });
  } finally {
    await handle.close();
  }
}
