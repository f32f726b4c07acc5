/**
 * Every code an {@link EventLogError} can carry.
 *
 * @example
 * const retry = (code: EventLogErrorCode) => code === 'DISK_FULL' || code === 'WRITE_FAILED';
 */
export type EventLogErrorCode =
  | 'RECORD_TOO_LARGE'
  | 'INVALID_EVENT'
  | 'LOG_CLOSED'
  | 'WRITE_FAILED'
  | 'DISK_FULL'
  | 'INVALID_OPTIONS'
  | 'OPEN_FAILED';

/**
 * The one error class of `@fipc/events`; branch on `code`, the original failure (if any) is in `cause`.
 *
 * @example
 * try {
 *   await log.emit('progress', { data: { percent: 101 } });
 * } catch (error) {
 *   if (error instanceof EventLogError && error.code === 'INVALID_EVENT') console.warn(error.message);
 * }
 */
export class EventLogError extends Error {
  /** Always `'EventLogError'`, so logs and `util.inspect` name the class. */
  override readonly name = 'EventLogError';
  /** What went wrong, to branch on; the message is for people. */
  readonly code: EventLogErrorCode;

  constructor(code: EventLogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
