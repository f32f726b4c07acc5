import { readRegularFile, readRegularFileSync, type StandardSchemaV1 } from '@fipc/core';
import { StateError } from './errors.js';
import { assemble, checkFields, type FieldsOf, parseSnapshot, type Snapshot } from './snapshot.js';

/**
 * Options of {@link readState}.
 *
 * @example
 * const options: ReadStateOptions<typeof Progress> = { schema: Progress };
 */
export interface ReadStateOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Validates the caller's fields (any Standard Schema); the result holds the schema's output. */
  schema?: S;
}

/**
 * Reads the current snapshot. Writers replace the file by rename, so this always sees one complete snapshot.
 * Never follows a symlink or blocks on a FIFO. Rejects with a {@link StateError}: `NOT_FOUND` (no file yet),
 * `INVALID_JSON`, `SCHEMA_MISMATCH`, `NOT_A_FILE`, `TOO_LARGE` or `IO_ERROR`.
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
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path);
  } catch (error) {
    throw StateError.from(error, path);
  }
  const parts = parseSnapshot(path, bytes);
  parts.fields = await checkFields(path, options.schema, parts.fields);
  return assemble(parts) as Snapshot<FieldsOf<S>>;
}

/**
 * The file's bytes without thread-pool round trips, for the watcher and the exit flush: a state file is small
 * and local, so the few microseconds of blocking cost less than the hops.
 */
export function readStateBytesSync(path: string): Buffer {
  try {
    return readRegularFileSync(path);
  } catch (error) {
    throw StateError.from(error, path);
  }
}
