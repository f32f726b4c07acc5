import { FipcError } from '@fipc/core';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * What every bridge function takes: the connection, the instance, and the signal that stops it.
 *
 * @example
 * const options: BridgeOptions = { nc: await connectNats(), instanceId: 'run-1', signal: controller.signal };
 */
export interface BridgeOptions {
  /** A connection from `connect()` of `@nats-io/transport-node` (or {@link connectNats}); never closed here. */
  nc: NatsConnection;
  /** The instance whose files travel: one subject, key or consumer per instance. Any non-empty string. */
  instanceId: string;
  /** Stops the bridge: its promise then resolves (or, for a call that promised a result, rejects). */
  signal?: AbortSignal;
}

/** Checks the options every bridge function shares; throws `INVALID_OPTIONS`. */
export function checkBridgeOptions(options: BridgeOptions): void {
  const { nc, instanceId } = options ?? ({} as BridgeOptions);
  if (!nc || typeof nc.publish !== 'function')
    throw new FipcError(
      'INVALID_OPTIONS',
      'nc must be a NatsConnection (connect() of @nats-io/transport-node)',
    );
  if (typeof instanceId !== 'string' || instanceId === '')
    throw new FipcError('INVALID_OPTIONS', 'instanceId must be a non-empty string');
}

/** A whole number of bytes within `[min, max]`, or the default; throws `INVALID_OPTIONS`. */
export function byteCount(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const bytes = value ?? fallback;
  if (!Number.isSafeInteger(bytes) || bytes < min || bytes > max)
    throw new FipcError(
      'INVALID_OPTIONS',
      `${name} must be a whole number from ${min} to ${max}, not ${String(value)}`,
    );
  return bytes;
}
