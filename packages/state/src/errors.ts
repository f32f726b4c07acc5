import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * Every code a {@link StateError} can carry.
 *
 * @example
 * const missing = (code: StateErrorCode) => code === 'NOT_FOUND';
 */
export type StateErrorCode =
  /** `readState`: there is no file at the path (or its directory is missing). */
  | 'NOT_FOUND'
  /** The file is not valid UTF-8 JSON (an empty file included). */
  | 'INVALID_JSON'
  /** The JSON is not a snapshot object with string `instance_id` and `updated_at`, or the schema rejected it. */
  | 'SCHEMA_MISMATCH'
  /** The snapshot cannot be written as JSON: not a plain object, a cycle, a BigInt, a throwing `toJSON`. */
  | 'INVALID_SNAPSHOT'
  /** The path names a symlink, a directory or another non-regular file; nothing was read or written. */
  | 'NOT_A_FILE'
  /** `ENOSPC` or `EDQUOT`: the previous snapshot is intact and no temp file is left behind. */
  | 'DISK_FULL'
  /** Any other failure to write or replace the file (permissions, read-only filesystem, missing directory). */
  | 'WRITE_FAILED'
  /** Any other failure to read the file (permissions, I/O error). */
  | 'READ_FAILED'
  /** `set`, `update` or `flush` on a closed store. */
  | 'STORE_CLOSED'
  | 'INVALID_OPTIONS';

/**
 * The one error class of `@fipc/state`; branch on `code`. The original failure (if any) is in `cause`, the
 * schema's complaints in `issues`.
 *
 * @example
 * try {
 *   const state = await readState('run-1/state.json');
 * } catch (error) {
 *   if (error instanceof StateError && error.code === 'NOT_FOUND') console.log('not started yet');
 *   else throw error;
 * }
 */
export class StateError extends Error {
  /** Always `'StateError'`, so logs and `util.inspect` name the class. */
  override readonly name = 'StateError';
  /** What went wrong, to branch on; the message is for people. */
  readonly code: StateErrorCode;
  /** The file the operation was about. */
  readonly path: string;
  /** What the schema rejected, for `SCHEMA_MISMATCH`. */
  readonly issues: readonly StandardSchemaV1.Issue[] | undefined;

  constructor(
    code: StateErrorCode,
    path: string,
    message: string,
    options?: { cause?: unknown; issues?: readonly StandardSchemaV1.Issue[] },
  ) {
    super(`${message} (${path})`, options);
    this.code = code;
    this.path = path;
    this.issues = options?.issues;
  }
}

/** Maps an fs failure while writing to the error a caller can act on. */
export function writeError(path: string, error: unknown): StateError {
  if (error instanceof StateError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new StateError('DISK_FULL', path, 'disk full: the previous snapshot is unchanged', {
      cause: error,
    });
  if (code === 'EISDIR' || code === 'ELOOP')
    return new StateError('NOT_A_FILE', path, 'the path is not a regular file', { cause: error });
  return new StateError('WRITE_FAILED', path, `cannot write the snapshot: ${code ?? String(error)}`, {
    cause: error,
  });
}
