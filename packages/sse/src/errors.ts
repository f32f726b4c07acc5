/**
 * Every code an {@link SseError} can carry.
 *
 * @example
 * const clientError = (code: SseErrorCode) => code === 'BAD_EVENT_ID' || code === 'STALE_EVENT_ID';
 */
export type SseErrorCode =
  /** A `Last-Event-ID` that is not `<epoch>-<offset>` (HTTP 400). */
  | 'BAD_EVENT_ID'
  /** An id from a log that was truncated or replaced, with `staleId: 'gone'` (HTTP 410). */
  | 'STALE_EVENT_ID'
  /** The client fell more than `maxBufferBytes` behind and was disconnected; it may resume by id. */
  | 'SLOW_CLIENT'
  /** The log could not be read (e.g. permissions); the client is disconnected and may reconnect. */
  | 'READ_FAILED'
  | 'INVALID_OPTIONS';

/**
 * The one error class of `@fipc/sse`; branch on `code`, the original failure (if any) is in `cause`.
 *
 * @example
 * const reader = createSseStream('run/events.jsonl', { lastEventId: 'nope' }).getReader();
 * try {
 *   await reader.read();
 * } catch (error) {
 *   if (error instanceof SseError && error.code === 'BAD_EVENT_ID') console.warn(error.message);
 * }
 */
export class SseError extends Error {
  /** Always `'SseError'`, so logs and `util.inspect` name the class. */
  override readonly name = 'SseError';
  /** What went wrong, to branch on; the message is for people. */
  readonly code: SseErrorCode;

  constructor(code: SseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
