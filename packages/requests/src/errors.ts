import {
  RequestAwareError,
  type RequestAwareErrorOptions,
  type RequestOutcomeCode,
  type ResponseErrorInfo,
} from '@fipc/core';

/**
 * Every code a {@link RequestError} can carry: the outcome codes of requests (`RequestOutcomeCode`, the same
 * in `@fipc/nats`), the common codes of the Conventions (`../core/README.md#conventions`) it uses, and the
 * conditions of request files.
 *
 * @example
 * const retryable = (code: RequestErrorCode) => code === 'TIMEOUT' || code === 'DISK_FULL';
 */
export type RequestErrorCode =
  | RequestOutcomeCode
  /** An option out of range (`pollMs`, `timeoutMs`, `maxBytes`, `leaseMs`, `concurrency`, `durability`...). */
  | 'INVALID_OPTIONS'
  /**
   * The answer does not match the requester's schema; or a payload or answer cannot be written as JSON (a
   * cycle, a BigInt, a function, a non-finite number).
   */
  | 'SCHEMA_MISMATCH'
  /** A request or answer over `maxBytes` (nothing was written), or a response file over it (not read). */
  | 'TOO_LARGE'
  /** The directory is a symlink, not a directory, group/world-writable, or owned by another user. */
  | 'UNSAFE_DIRECTORY'
  /** A symlink, directory, FIFO or device sits where a request or response file belongs; never followed. */
  | 'NOT_A_FILE'
  /** No such request (never made, or removed by retention), or no requests directory. */
  | 'NOT_FOUND'
  /** The requester's `signal` aborted; the request was cancelled on disk. */
  | 'ABORTED'
  /** The request file is not a request: not UTF-8, not JSON, or not of the protocol's shape. */
  | 'MALFORMED_REQUEST'
  /** `ENOSPC` or `EDQUOT`: nothing was published, no temp file is left. */
  | 'DISK_FULL'
  /** Any other failed file system call (permissions, read-only filesystem, EIO). */
  | 'IO_ERROR';

export type { ResponseErrorInfo };

/**
 * Options of the {@link RequestError} constructor: the common ones, plus the request concerned.
 *
 * @example
 * const options: RequestErrorOptions = { requestId: 'deploy-42', path: 'run-1/input-requests/deploy-42.json' };
 */
export type RequestErrorOptions = RequestAwareErrorOptions;

/**
 * The one error class of `@fipc/requests`; branch on `code`. The original failure (if any) is in `cause`, the
 * file concerned in `path`.
 *
 * @example
 * try {
 *   const answer = await request(dir, { question: 'deploy?' }, { timeoutMs: 60_000 });
 * } catch (error) {
 *   if (error instanceof RequestError && error.code === 'TIMEOUT') console.warn('nobody answered');
 * }
 */
export class RequestError extends RequestAwareError<RequestErrorCode> {
  /** Always `'RequestError'`, so logs and `util.inspect` name the class. */
  override readonly name = 'RequestError';
}

/** Any failure (a core `FipcError`, an errno error) as a `RequestError` about request `requestId`. */
export function requestError(error: unknown, path?: string, requestId?: string): RequestError {
  const converted = RequestError.from(error, path);
  if (requestId === undefined || converted.requestId !== undefined) return converted;
  const { code, message, cause } = converted;
  return new RequestError(code, message, { cause, path: converted.path, requestId });
}
