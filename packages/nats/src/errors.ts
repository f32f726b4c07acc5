import {
  type CommonErrorCode,
  RequestAwareError,
  type RequestAwareErrorOptions,
  type RequestOutcomeCode,
  type ResponseErrorInfo,
} from '@fipc/core';

export type { ResponseErrorInfo };

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
  | RequestOutcomeCode;

/**
 * Options of the {@link NatsBridgeError} constructor: the common ones, plus the request concerned.
 *
 * @example
 * const options: NatsBridgeErrorOptions = { requestId: 'deploy-42' };
 */
export type NatsBridgeErrorOptions = RequestAwareErrorOptions;

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
export class NatsBridgeError extends RequestAwareError<NatsBridgeErrorCode> {
  /** Always `'NatsBridgeError'`. */
  override name = 'NatsBridgeError';
}
