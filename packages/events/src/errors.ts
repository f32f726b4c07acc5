/** Every code an {@link EventLogError} can carry. */
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
  override readonly name = 'EventLogError';
  readonly code: EventLogErrorCode;

  constructor(code: EventLogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
