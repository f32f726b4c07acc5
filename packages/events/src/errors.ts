import { type CommonErrorCode, FipcError } from '@fipc/core';

/**
 * Every code an {@link EventLogError} can carry: the common codes of the
 * [Conventions](../core/README.md#conventions) this package meets, and `INVALID_EVENT`, its own.
 *
 * @example
 * const retryLater = (code: EventLogErrorCode) => code === 'DISK_FULL' || code === 'IO_ERROR';
 */
export type EventLogErrorCode =
  | Extract<
      CommonErrorCode,
      | 'DISK_FULL'
      | 'NOT_FOUND'
      | 'NOT_A_FILE'
      | 'IO_ERROR'
      | 'INVALID_OPTIONS'
      | 'SCHEMA_MISMATCH'
      | 'TOO_LARGE'
      | 'CLOSED'
    >
  /** An event type that is empty, not declared in `events`, or reserved (`fipc:` is the protocol's). */
  | 'INVALID_EVENT';

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
  override name = 'EventLogError';
}
