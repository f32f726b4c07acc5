import { FipcError, type FipcErrorOptions, type StandardSchemaV1 } from '@fipc/core';

/**
 * Every code a {@link StateError} can carry: the common codes of the
 * [Conventions](../../core/README.md#conventions) that apply to state files; none is state's own.
 *
 * @example
 * const missing = (code: StateErrorCode) => code === 'NOT_FOUND';
 */
export type StateErrorCode =
  /** `readState`: there is no file at the path (or its directory is missing). */
  | 'NOT_FOUND'
  /** The file is not valid UTF-8 JSON (an empty file included). */
  | 'INVALID_JSON'
  /**
   * Not a snapshot: a file that is not a JSON object with string `instance_id` and `updated_at`, a value to write
   * that is not a plain object, has a non-string `instance_id` or cannot be serialised (a cycle, a BigInt, a
   * throwing `toJSON`), or fields the schema rejected.
   */
  | 'SCHEMA_MISMATCH'
  /** The path names a symlink, a directory, a FIFO or a device; nothing was read or written through it. */
  | 'NOT_A_FILE'
  /** `ENOSPC` or `EDQUOT`: the previous snapshot is intact and no temp file is left behind. */
  | 'DISK_FULL'
  /** Any other failed system call (permissions, read-only filesystem, missing directory, EIO). */
  | 'IO_ERROR'
  /** The file is larger than a reader takes (64 MiB). */
  | 'TOO_LARGE'
  /** `set` or `update` after the store's `close()`. */
  | 'CLOSED'
  /** An option out of range, or an asynchronous schema where only a synchronous one can run. */
  | 'INVALID_OPTIONS';

/**
 * Options of {@link StateError}: the common ones plus the schema's complaints.
 *
 * @example
 * const options: StateErrorOptions = { path: 'run-1/state.json', issues: [{ message: 'Required' }] };
 */
export interface StateErrorOptions extends FipcErrorOptions {
  /** What the schema rejected, for `SCHEMA_MISMATCH`. */
  issues?: readonly StandardSchemaV1.Issue[];
}

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
export class StateError extends FipcError<StateErrorCode> {
  /** Always `'StateError'`, so logs and `util.inspect` name the class. */
  override name = 'StateError';
  /** What the schema rejected, for `SCHEMA_MISMATCH`. */
  readonly issues: readonly StandardSchemaV1.Issue[] | undefined;

  constructor(code: StateErrorCode, message: string, options: StateErrorOptions = {}) {
    super(code, message, options);
    this.issues = options.issues;
  }
}
