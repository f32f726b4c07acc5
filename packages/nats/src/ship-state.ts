import { resolve } from 'node:path';
import {
  ChangeHints,
  DEFAULT_POLL_MS,
  FipcError,
  isJsonObject,
  type OnSkip,
  parseJsonBytes,
  positiveMs,
  readRegularFile,
} from '@fipc/core';
import type { KV } from '@nats-io/kv';
import { Disconnects } from './disconnects.js';
import { NatsBridgeError } from './errors.js';
import { bridgeError, isPermanent } from './nats-errors.js';
import { type BridgeOptions, checkBridgeOptions } from './options.js';
import { Backoff } from './retry.js';
import { openStateBucket, type StateBucketOptions } from './state-bucket.js';
import { subjectToken } from './subjects.js';

/**
 * Options of {@link shipState}.
 *
 * @example
 * const options: ShipStateOptions = { nc, instanceId: 'run-1', signal, onSkip: (s) => console.warn(s.reason) };
 */
export interface ShipStateOptions extends BridgeOptions, StateBucketOptions {
  /** Safety poll period of the file's change hints, in ms. @default 500 */
  pollMs?: number;
  /** Told about a file that is not a snapshot, or too large for a NATS message: it is not shipped. */
  onSkip?: OnSkip;
}

/**
 * Ships the snapshot `statePath` (a `state.json`) to the KV bucket, key = the instance, every time it is
 * replaced, until `signal` aborts: the file's bytes exactly as they are, never re-serialised, so
 * {@link mirrorState} writes the very same snapshot on the far side. The latest snapshot wins: a burst of
 * writes may ship only its last one. Waits for a missing file; a file that is not a snapshot is skipped
 * (`onSkip`). Transient failures are retried forever. Resolves when `signal` aborts; rejects with a
 * {@link NatsBridgeError}: `NOT_A_FILE`, `IO_ERROR`, `NATS_ERROR`, `INVALID_OPTIONS`.
 *
 * @example
 * const shipping = shipState('runs/run-1/state.json', { nc, instanceId: 'run-1', signal });
 */
export async function shipState(statePath: string, options: ShipStateOptions): Promise<void> {
  let pollMs: number;
  try {
    checkBridgeOptions(options);
    pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  const path = resolve(statePath);
  const { nc, signal, onSkip } = options;
  const key = subjectToken(options.instanceId);
  const hints = new ChangeHints(path, pollMs, signal);
  const disconnects = new Disconnects(nc);
  const backoff = new Backoff();
  let kv: KV | undefined;
  let shipped: Buffer | undefined;
  let skipped: Buffer | undefined;
  try {
    while (!signal?.aborted) {
      try {
        kv ??= await disconnects.race(openStateBucket(nc, options));
        if (!shipped) {
          const entry = await disconnects.race(kv.get(key));
          shipped = entry?.operation === 'PUT' ? Buffer.from(entry.value) : Buffer.alloc(0);
        }
        const maxBytes = (nc.info?.max_payload ?? 1024 * 1024) - 1024;
        const bytes = await readSnapshot(path);
        if (bytes && !bytes.equals(shipped) && !bytes.equals(skipped ?? Buffer.alloc(0))) {
          const why =
            bytes.length > maxBytes
              ? `over ${maxBytes} bytes, more than a NATS message may hold`
              : notSnapshot(bytes);
          if (why) {
            skipped = bytes;
            onSkip?.({ reason: `not shipped: ${why}`, path });
          } else {
            await disconnects.race(kv.put(key, bytes));
            shipped = bytes;
          }
        }
        backoff.reset();
        await hints.wait();
      } catch (error) {
        if (signal?.aborted) break;
        if (isPermanent(error, nc)) throw bridgeError(error, 'shipping the state failed');
        shipped = undefined;
        await backoff.wait(signal);
      }
    }
  } finally {
    hints.close();
    disconnects.close();
  }
}

async function readSnapshot(path: string): Promise<Buffer | undefined> {
  try {
    return await readRegularFile(path);
  } catch (error) {
    if (error instanceof FipcError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** Why `bytes` are not a snapshot (PROTOCOL.md 3.1), or `undefined` when they are one. */
function notSnapshot(bytes: Buffer): string | undefined {
  try {
    const value = parseJsonBytes(bytes);
    return isJsonObject(value) &&
      typeof value.instance_id === 'string' &&
      typeof value.updated_at === 'string'
      ? undefined
      : 'not a snapshot (an object with string instance_id and updated_at)';
  } catch {
    return 'not UTF-8 JSON';
  }
}
