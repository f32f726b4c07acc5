import { resolve } from 'node:path';
import {
  DEFAULT_POLL_MS,
  type Durability,
  durabilityOption,
  type FipcError,
  type OnSkip,
  onAbort,
  positiveMs,
  readRegularFileSync,
} from '@fipc/core';
import { writeStateBytes } from '@fipc/state';
import { type KV, KvWatchInclude } from '@nats-io/kv';
import { Disconnects } from './disconnects.js';
import { NatsBridgeError } from './errors.js';
import { bridgeError, isPermanent } from './nats-errors.js';
import { type BridgeOptions, checkBridgeOptions } from './options.js';
import { Backoff, sleep } from './retry.js';
import { openStateBucket, type StateBucketOptions, Wake } from './state-bucket.js';
import { subjectToken } from './subjects.js';

/**
 * Options of {@link mirrorState}.
 *
 * @example
 * const options: MirrorStateOptions = { nc, instanceId: 'run-1', signal, durability: 'fsync' };
 */
export interface MirrorStateOptions extends BridgeOptions, StateBucketOptions {
  /** `'fsync'`: each snapshot is on stable storage once written. @default 'none' */
  durability?: Durability;
  /** How often the key is read besides the bucket watch's hints, in ms. @default 500 */
  pollMs?: number;
  /** Told about a value in the bucket that is not a snapshot (not written). */
  onSkip?: OnSkip;
}

/**
 * Writes the snapshots {@link shipState} puts in the bucket to `destPath`, byte-identical (with
 * `writeStateBytes` of `@fipc/state`: a temp file renamed over the target, so local readers and `watchState`
 * see whole snapshots only), until `signal` aborts. Each write is the latest snapshot of the instance; a
 * deleted key leaves the file as it is. Resolves when `signal` aborts; rejects with a {@link NatsBridgeError}:
 * `NOT_A_FILE`, `DISK_FULL`, `IO_ERROR`, `NATS_ERROR`, `INVALID_OPTIONS`.
 *
 * @example
 * const mirroring = mirrorState('replica/run-1/state.json', { nc, instanceId: 'run-1', signal });
 */
export async function mirrorState(destPath: string, options: MirrorStateOptions): Promise<void> {
  let pollMs: number;
  let durability: Durability;
  try {
    checkBridgeOptions(options);
    pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
    durability = durabilityOption(options.durability);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  const path = resolve(destPath);
  const { nc, signal, onSkip } = options;
  const key = subjectToken(options.instanceId);
  const wake = new Wake();
  const disconnects = new Disconnects(nc);
  const backoff = new Backoff();
  // Stops the watch when the loop ends for any reason, not only when `signal` aborts.
  const stop = new AbortController();
  const offAbort = onAbort(signal, () => stop.abort());
  let written = current(path);
  let kv: KV | undefined;
  let watching: Promise<void> | undefined;
  try {
    while (!signal?.aborted) {
      try {
        kv ??= await disconnects.race(openStateBucket(nc, options));
        watching ??= watch(kv, key, wake, stop.signal).finally(() => {
          watching = undefined;
        });
        const entry = await disconnects.race(kv.get(key));
        const bytes = entry?.operation === 'PUT' ? Buffer.from(entry.value) : undefined;
        if (bytes && !bytes.equals(written)) {
          try {
            await writeStateBytes(path, bytes, { durability, mode: 0o644 });
          } catch (error) {
            const code = (error as FipcError).code;
            if (code !== 'INVALID_JSON' && code !== 'SCHEMA_MISMATCH') throw error;
            onSkip?.({ reason: `not written: ${(error as Error).message}`, path, cause: error });
          }
          written = bytes;
        }
        backoff.reset();
        await wake.wait(pollMs, signal);
      } catch (error) {
        if (signal?.aborted) break;
        if (isPermanent(error, nc)) throw bridgeError(error, 'mirroring the state failed');
        await backoff.wait(signal);
      }
    }
  } finally {
    offAbort();
    stop.abort();
    disconnects.close();
    await watching;
  }
}

/** The watch of the key: each update is a hint to read it (the read is the truth). */
async function watch(kv: KV, key: string, wake: Wake, signal?: AbortSignal): Promise<void> {
  while (!signal?.aborted) {
    try {
      const updates = await kv.watch({ key, include: KvWatchInclude.UpdatesOnly });
      const stop = () => updates.stop();
      signal?.addEventListener('abort', stop, { once: true });
      try {
        for await (const _ of updates) wake.hint();
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    } catch {
      await sleep(1000, signal);
    }
  }
}

function current(path: string): Buffer {
  try {
    return readRegularFileSync(path);
  } catch {
    return Buffer.alloc(0); // missing (or unsafe: the first write refuses it with NOT_A_FILE)
  }
}
