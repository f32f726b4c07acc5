import { FipcError } from '@fipc/core';

/**
 * Every code an {@link EventLogError} can carry: the common codes of the Conventions
 * (`../core/README.md#conventions`) this package meets, and `INVALID_EVENT`, its own.
 *
 * @example
 * const retryLater = (code: EventLogErrorCode) => code === 'DISK_FULL' || code === 'IO_ERROR';
 */
export type EventLogErrorCode =
  /** An event type that is empty, not declared in `events`, or reserved (`fipc:` types are the protocol's). */
  | 'INVALID_EVENT'
  /** `data` rejected by its schema, not a JSON object or not serialisable; `phase` neither a string nor null. */
  | 'SCHEMA_MISMATCH'
  /** A record over `maxRecordBytes`. */
  | 'TOO_LARGE'
  /** `emit` after `close()`. */
  | 'CLOSED'
  /** `ENOSPC` or `EDQUOT`: nothing written, or a fragment readers skip (a short write). */
  | 'DISK_FULL'
  /** A symlink, directory, FIFO or device where the log (or a mirror's file) must be. */
  | 'NOT_A_FILE'
  /** A component of the path is not a directory (`ENOTDIR`), or a directory vanished. */
  | 'NOT_FOUND'
  /** Any other failed system call: permissions, too many open files, a failed sync, `EIO`. */
  | 'IO_ERROR'
  /** An option out of range, or a schema that validates asynchronously. */
  | 'INVALID_OPTIONS';

/**
 * The one error class of `@fipc/events`; branch on `code`. `path` names the file, `cause` holds the original
 * failure (the `ErrnoException`, the schema's issues).
 *
 * @example
 * try {
 *   await log.emit('progress', { data: { percent: 101 } });
 * } catch (error) {
 *   if (error instanceof EventLogError && error.code === 'SCHEMA_MISMATCH') console.warn(error.message);
 * }
 */
export class EventLogError extends FipcError<EventLogErrorCode> {
  /** Always `'EventLogError'`, so logs and `util.inspect` name the class. */
  override name = 'EventLogError';
}
