import { FipcError, type FipcErrorOptions } from './errors.js';

/**
 * The codes of a request's outcomes (PROTOCOL.md section 4), the same in every transport of requests: files
 * (`@fipc/requests`) and NATS (`@fipc/nats`) add them to the common codes.
 *
 * @example
 * const final = (code: RequestOutcomeCode) => code !== 'TIMEOUT';
 */
export type RequestOutcomeCode =
  /** An id outside the allowlist of PROTOCOL.md 4.2; nothing was written. */
  | 'INVALID_ID'
  /** `request` with the id of an existing request whose payload differs. */
  | 'ID_IN_USE'
  /** `respond` to a request that already has an answer. */
  | 'ALREADY_ANSWERED'
  /** `respond` to a cancelled request; a requester whose request someone else cancelled. */
  | 'REQUEST_CANCELLED'
  /** `respond` to an expired request. */
  | 'REQUEST_EXPIRED'
  /** The requester's wait ended at its timeout (or the request's `expires_at`). */
  | 'TIMEOUT'
  /** The responder's handler threw; `responseError` holds what it wrote. */
  | 'RESPONDER_ERROR'
  /** The answer is not a response: not UTF-8 JSON, or not of the protocol's shape. */
  | 'MALFORMED_RESPONSE';

/**
 * What a failed handler wrote in its error response (PROTOCOL.md 4.4).
 *
 * @example
 * const info: ResponseErrorInfo = { message: 'no such build', name: 'Error' };
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
 * What a handler's failure becomes in its error response: the message (the name when it has none), the class
 * name and a string `code`; anything thrown that is not an `Error`, as text.
 *
 * @example
 * responseErrorInfo(new RangeError('too big')); // { message: 'too big', name: 'RangeError' }
 */
export function responseErrorInfo(error: unknown): ResponseErrorInfo {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    message: error.message || error.name,
    name: error.name,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * Options of a {@link RequestAwareError}: the common ones, plus the request concerned.
 *
 * @example
 * const options: RequestAwareErrorOptions = { requestId: 'deploy-42', path: 'run-1/input-requests/deploy-42.json' };
 */
export interface RequestAwareErrorOptions extends FipcErrorOptions {
  /** The request concerned, when there is one. */
  requestId?: string;
  /** For `RESPONDER_ERROR`: the error the responder wrote. */
  responseError?: ResponseErrorInfo;
}

/**
 * The base of the error classes of request transports (`RequestError`, `NatsBridgeError`): a `FipcError` that
 * also names the request concerned and, for `RESPONDER_ERROR`, what the failed handler wrote.
 *
 * @example
 * if (error instanceof RequestAwareError && error.code === 'RESPONDER_ERROR') console.warn(error.responseError?.message);
 */
export class RequestAwareError<Code extends string = string> extends FipcError<Code> {
  /** The request concerned, when there is one. */
  readonly requestId: string | undefined;
  /** For `RESPONDER_ERROR`: what the handler's error response says. */
  readonly responseError: ResponseErrorInfo | undefined;

  constructor(code: Code, message: string, options: RequestAwareErrorOptions = {}) {
    super(code, message, options);
    this.requestId = options.requestId;
    this.responseError = options.responseError;
  }
}
