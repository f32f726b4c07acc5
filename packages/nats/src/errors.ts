import { type CommonErrorCode, FipcError, type FipcErrorOptions } from '@fipc/core';

/**
 * Every code a {@link NatsBridgeError} can carry: the common codes of the Conventions
 * (`../core/README.md#conventions`), the conditions of the bridge itself, and those of requests (the same
 * codes as `@fipc/requests` for the same outcomes).
 *
 * @example
 * const fatal = (code: NatsBridgeErrorCode) => code === 'HOLE' || code === 'DIVERGED';
 */
export type NatsBridgeErrorCode =
  | CommonErrorCode
  /** The stream lacks records the mirror needs next (deleted by retention or by hand): nothing was written. */
  | 'HOLE'
  /** The log and the stream disagree: the log lost bytes that were shipped, or another writer ships its id. */
  | 'DIVERGED'
  /** A NATS or JetStream call failed for good (the connection was closed, a permission was refused). */
  | 'NATS_ERROR'
  /** A request id outside the allowlist of PROTOCOL.md 4.2; nothing was published. */
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
  /** The stored outcome is not a response: not UTF-8 JSON, or not of the protocol's shape. */
  | 'MALFORMED_RESPONSE';

/**
 * What a failed handler wrote in its error response (PROTOCOL.md 4.4).
 *
 * @example
 * const info: HandlerErrorInfo = { message: 'no such build', name: 'Error' };
 */
export interface HandlerErrorInfo {
  /** The handler's error message. */
  message: string;
  /** The error's class name, such as `'TypeError'`. */
  name?: string;
  /** The error's `code`, when it had a string one. */
  code?: string;
}

/**
 * Options of the {@link NatsBridgeError} constructor: the common ones, plus the request concerned.
 *
 * @example
 * const options: NatsBridgeErrorOptions = { requestId: 'deploy-42' };
 */
export interface NatsBridgeErrorOptions extends FipcErrorOptions {
  /** The request concerned, when there is one. */
  requestId?: string;
  /** For `RESPONDER_ERROR`: the error the responder wrote. */
  responseError?: HandlerErrorInfo;
}

/**
 * The one error class of `@fipc/nats`.
 *
 * @example
 * try {
 *   await mirrorEvents('replica/run-1/events.jsonl', { nc, instanceId: 'run-1', signal });
 * } catch (error) {
 *   if (error instanceof NatsBridgeError && error.code === 'HOLE') console.error('the stream lost records');
 * }
 */
export class NatsBridgeError extends FipcError<NatsBridgeErrorCode> {
  /** Always `'NatsBridgeError'`. */
  override name = 'NatsBridgeError';
  /** The request concerned, when there is one. */
  readonly requestId: string | undefined;
  /** For `RESPONDER_ERROR`: what the handler's error response says. */
  readonly responseError: HandlerErrorInfo | undefined;

  constructor(code: NatsBridgeErrorCode, message: string, options: NatsBridgeErrorOptions = {}) {
    super(code, message, options);
    this.requestId = options.requestId;
    this.responseError = options.responseError;
  }
}
