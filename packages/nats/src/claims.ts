import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { RequestsHandles, RequestsTarget } from './requests-stream.js';

/**
 * The instance's claims: its durable pull consumer `fipc-serve-<instance>` (PROTOCOL.md 6.5), created with
 * `leaseMs` as its `ack_wait` if it does not exist. The lease is the consumer's: a responder that finds one made
 * by another uses that one's `ack_wait`.
 */
export async function claimsConsumer(
  { js, jsm }: RequestsHandles,
  target: RequestsTarget,
  leaseMs: number,
): Promise<{ consumer: Consumer; leaseMs: number }> {
  const name = `fipc-serve-${target.instance}`;
  const info = await consumerInfo(jsm, target, name, leaseMs);
  return {
    consumer: await js.consumers.get(target.stream, name),
    leaseMs: info.config.ack_wait ? info.config.ack_wait / 1_000_000 : leaseMs,
  };
}

async function consumerInfo(jsm: JetStreamManager, target: RequestsTarget, name: string, leaseMs: number) {
  try {
    return await jsm.consumers.info(target.stream, name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
      throw error;
  }
  try {
    return await jsm.consumers.add(target.stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      ack_wait: leaseMs * 1_000_000,
      deliver_policy: DeliverPolicy.All,
      filter_subject: target.filter,
      max_deliver: -1,
    });
  } catch {
    return await jsm.consumers.info(target.stream, name); // created by another responder meanwhile
  }
}
