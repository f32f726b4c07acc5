import { JetStreamApiError, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { isStreamNotFound } from './nats-errors.js';

/**
 * Makes sure the stream `config.name` exists, creating it with `config` if it does not. An existing stream
 * is used as it is (its limits are the operator's), so any number of processes may call this.
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }) {
  try {
    return await jsm.streams.info(config.name);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  try {
    return await jsm.streams.add(config);
  } catch (error) {
    // Another process created it meanwhile (with its own configuration): use that one.
    if (error instanceof JetStreamApiError && error.status === 400)
      return await jsm.streams.info(config.name);
    throw error;
  }
}
