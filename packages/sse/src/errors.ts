// From the Node-free entry: `@fipc/sse/client` throws this class too.
import { FipcError, type FipcErrorOptions } from '@fipc/core/portable';

/**
 * Every code an {@link SseError} can carry (the common ones mean what they mean in every fipc package, see
 * `../core/README.md#conventions`).
 *
 * @example
 * const clientError = (code: SseErrorCode) => code === 'BAD_EVENT_ID' || code === 'STALE_EVENT_ID';
 */
export type SseErrorCode =
  /** A `Last-Event-ID` that is not `<epoch>-<offset>` (HTTP 400). */
  | 'BAD_EVENT_ID'
  /** An id from a log that was truncated or replaced, with `staleId: 'gone'` (HTTP 410). */
  | 'STALE_EVENT_ID'
  /** No log at the path with `missing: 'not-found'` (HTTP 404). */
  | 'NOT_FOUND'
  /** The client fell more than `maxBufferBytes` behind and was disconnected; it may resume by id. */
  | 'SLOW_CLIENT'
  /** A symlink, directory, FIFO or device at the log's path (HTTP 500); it is never followed or blocked on. */
  | 'NOT_A_FILE'
  /** The log could not be read (e.g. permissions); the client is disconnected and may reconnect. */
  | 'IO_ERROR'
  /** An option out of range; thrown when the stream or handler is created. */
  | 'INVALID_OPTIONS'
  /**
   * `subscribe` (`@fipc/sse/client`): the server refused the subscription for good (a 4xx status such as 401,
   * 404 or 410, or a 200 that is no event stream); `status` holds the HTTP status.
   */
  | 'HTTP_ERROR';

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
export class SseError extends FipcError<SseErrorCode> {
  /** Always `'SseError'`, so logs and `util.inspect` name the class. */
  override name = 'SseError';
  /** The HTTP status behind an `HTTP_ERROR`. */
  readonly status: number | undefined;

  constructor(code: SseErrorCode, message: string, options: FipcErrorOptions & { status?: number } = {}) {
    super(code, message, options);
    this.status = options.status;
  }
}

/** A failure to open or read the log as an {@link SseError}: `NOT_A_FILE`, else `IO_ERROR`. */
export function readError(error: unknown, path: string): SseError {
  const converted = SseError.from(error, path);
  if (converted.code === 'NOT_A_FILE' || converted.code === 'IO_ERROR') return converted;
  return new SseError('IO_ERROR', converted.message, { cause: converted.cause, path: converted.path });
}
