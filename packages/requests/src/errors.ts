/**
 * Every code a {@link RequestError} can carry.
 *
 * @example
 * const retryable = (code: RequestErrorCode) => code === 'TIMEOUT' || code === 'IO_ERROR';
 */
export type RequestErrorCode =
  /** An id outside the allowlist; nothing was written. */
  | 'INVALID_ID'
  | 'INVALID_OPTIONS'
  /** A payload or answer that is not JSON (a cycle, a BigInt, a function), or over `maxBytes`. */
  | 'INVALID_PAYLOAD'
  /** The directory is a symlink, not a directory, group/world-writable, or owned by another user. */
  | 'UNSAFE_DIRECTORY'
  /** Something other than a regular file (a symlink, a directory, a FIFO) sits at a request or response path. */
  | 'UNSAFE_FILE'
  /** `request` with the id of an existing request whose payload differs. */
  | 'ID_IN_USE'
  | 'REQUEST_NOT_FOUND'
  /** `respond` to a request that already has an answer. */
  | 'ALREADY_ANSWERED'
  | 'REQUEST_CANCELLED'
  | 'REQUEST_EXPIRED'
  /** The requester's wait ended at its timeout (or the request's `expires_at`). */
  | 'TIMEOUT'
  /** The requester's `signal` aborted; the request was cancelled on disk. */
  | 'ABORTED'
  /** The answer does not match the requester's schema. */
  | 'SCHEMA_MISMATCH'
  /** The responder's handler threw; `responseError` holds what it wrote. */
  | 'RESPONDER_ERROR'
  /** The response file is not valid JSON or not a response object. */
  | 'MALFORMED_RESPONSE'
  /** The request file is not valid JSON or not a request object. */
  | 'MALFORMED_REQUEST'
  | 'RESPONSE_TOO_LARGE'
  /** A file system call failed (disk full, permissions, I/O). */
  | 'IO_ERROR';

/**
 * What a failed handler wrote in its error response.
 *
 * @example
 * const info: ResponseErrorInfo | undefined = error instanceof RequestError ? error.responseError : undefined;
 * console.warn(`the responder failed: ${info?.name}: ${info?.message}`);
 */
export interface ResponseErrorInfo {
  /** The handler's error message. */
  message: string;
  /** The error's class name, such as `'TypeError'`. */
  name?: string;
  /** The error's `code`, when it had a string one. */
  code?: string;
}

/**
 * The one error class of `@fipc/requests`; branch on `code`, the original failure (if any) is in `cause`.
 *
 * @example
 * try {
 *   const answer = await request(dir, { question: 'deploy?' }, { timeoutMs: 60_000 });
 * } catch (error) {
 *   if (error instanceof RequestError && error.code === 'TIMEOUT') console.warn('nobody answered');
 * }
 */
export class RequestError extends Error {
  /** Always `'RequestError'`, so logs and `util.inspect` name the class. */
  override readonly name = 'RequestError';
  /** What went wrong, to branch on; the message is for people. */
  readonly code: RequestErrorCode;
  /** The request concerned, when there is one. */
  readonly requestId: string | undefined;
  /** For `RESPONDER_ERROR`: the error the responder wrote. */
  readonly responseError: ResponseErrorInfo | undefined;

  constructor(
    code: RequestErrorCode,
    message: string,
    options: { cause?: unknown; requestId?: string; responseError?: ResponseErrorInfo } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.requestId = options.requestId;
    this.responseError = options.responseError;
  }
}
