import { FipcError } from '@fipc/core';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { NatsBridgeError } from './errors.js';

/** Whether a publish was refused because the subject's last sequence was not the one expected. */
export const isWrongLastSequence = (error: unknown): boolean =>
  error instanceof JetStreamApiError &&
  (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
    error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

/** Whether JetStream said the stream does not exist. */
export const isStreamNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;

/**
 * Whether a failure will not go away by waiting: the connection is closed for good, permission was refused,
 * or JetStream rejected a request as malformed. A timeout, a lost connection, no responders (the server
 * restarting) and a missing stream are worth retrying.
 */
export function isPermanent(error: unknown, nc: NatsConnection): boolean {
  if (error instanceof FipcError) return true;
  if (nc.isClosed()) return true;
  const name = (error as Error | undefined)?.name ?? '';
  if (/Permission|Authorization/i.test(name)) return true;
  return error instanceof JetStreamApiError && error.status === 400 && !isWrongLastSequence(error);
}

/** The failure as a {@link NatsBridgeError}: a fipc error keeps its code, anything else is `NATS_ERROR`. */
export function bridgeError(error: unknown, what: string): NatsBridgeError {
  if (error instanceof FipcError) return NatsBridgeError.from(error);
  const message = (error as Error | undefined)?.message ?? String(error);
  return new NatsBridgeError('NATS_ERROR', `${what}: ${message}`, { cause: error });
}
