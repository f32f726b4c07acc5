import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';

/**
 * Connects to NATS the way a bridge wants it: reconnecting forever (every 250 ms) across server restarts,
 * and waiting for a server that is not up yet instead of failing. `servers` defaults to `$NATS_URL`, else
 * `127.0.0.1:4222`; `options` are `connect()`'s of `@nats-io/transport-node` (credentials, TLS...).
 *
 * @example
 * const nc = await connectNats('nats://hub:4222');
 * // ... shipEvents(path, { nc, instanceId }) ...
 * await nc.drain();
 */
export function connectNats(
  servers?: string | string[],
  options: Partial<NodeConnectionOptions> = {},
): Promise<NatsConnection> {
  return connect({
    servers: servers ?? process.env.NATS_URL ?? '127.0.0.1:4222',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    ...options,
  });
}
