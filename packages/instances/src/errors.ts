import { FipcError, fsError } from '@fipc/core';

/**
 * Every code an {@link InstancesError} can carry: common codes of the Conventions
 * (`../core/README.md#conventions`).
 *
 * @example
 * const missingRoot = (code: InstancesErrorCode) => code === 'NOT_FOUND';
 */
export type InstancesErrorCode =
  /** The root directory does not exist (or a component of its path is not a directory). */
  | 'NOT_FOUND'
  /** The root is not a directory, or a directory could not be read or removed (permissions, `EIO`). */
  | 'IO_ERROR'
  /** An option out of range: `olderThanMs` not a number >= 0, `terminal` not a list of strings. */
  | 'INVALID_OPTIONS';

/**
 * The one error class of `@fipc/instances`; branch on `code`.
 *
 * @example
 * try {
 *   await listInstances('runs');
 * } catch (error) {
 *   if (error instanceof InstancesError && error.code === 'NOT_FOUND') console.log('no runs yet');
 * }
 */
export class InstancesError extends FipcError<InstancesErrorCode> {
  override name = 'InstancesError';
}

/** A failed system call as an {@link InstancesError}: `NOT_FOUND`, else `IO_ERROR`. */
export function ioError(error: unknown, path: string, action: string): InstancesError {
  if (error instanceof InstancesError) return error;
  const base = fsError(error, path, action);
  return new InstancesError(base.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'IO_ERROR', base.message, {
    cause: error,
    path,
  });
}
