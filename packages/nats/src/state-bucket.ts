import { jetstream } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { REQUEST_TIMEOUT_MS } from './retry.js';

/**
 * Where snapshots travel: one KV bucket, one key per instance (its subject token).
 *
 * @example
 * const options: StateBucketOptions = { bucket: 'jobs-state' };
 */
export interface StateBucketOptions {
  /** The KV bucket, created (history 1) if missing. @default 'fipc-state' */
  bucket?: string;
}

/**
 * The default bucket of the state snapshots.
 *
 * @example
 * const snapshot = await (await new Kvm(nc).open(DEFAULT_STATE_BUCKET)).get(subjectToken('run-1'));
 */
export const DEFAULT_STATE_BUCKET = 'fipc-state';

export const openStateBucket = (nc: NatsConnection, options: StateBucketOptions): Promise<KV> =>
  new Kvm(jetstream(nc, { timeout: REQUEST_TIMEOUT_MS })).create(options.bucket ?? DEFAULT_STATE_BUCKET, {
    history: 1,
  });

/** Wakes a waiting loop at a hint, at the end of a period, or at an abort. */
export class Wake {
  #dirty = false;
  #wake: (() => void) | undefined;

  hint(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (!this.#dirty && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
    this.#dirty = false;
  }
}
