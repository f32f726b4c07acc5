import { resolve } from 'node:path';
import { type Durability, durabilityOption, logEpoch, type OnSkip, onAbort } from '@fipc/core';
import {
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { NatsBridgeError } from './errors.js';
import {
  type BatchPosition,
  type EventsStreamOptions,
  ensureEventsStream,
  eventsTarget,
  readBatchHeaders,
} from './events-stream.js';
import { checkpointPath, readCheckpoint, writeCheckpoint } from './mirror-checkpoint.js';
import { MirrorFile } from './mirror-file.js';
import { bridgeError, isPermanent } from './nats-errors.js';
import { type BridgeOptions, checkBridgeOptions } from './options.js';
import { Backoff, REQUEST_TIMEOUT_MS } from './retry.js';

/**
 * Options of {@link mirrorEvents}.
 *
 * @example
 * const options: MirrorEventsOptions = { nc, instanceId: 'run-1', signal, durability: 'fsync' };
 */
export interface MirrorEventsOptions extends BridgeOptions, EventsStreamOptions {
  /** `'fsync'`: each message is on stable storage before the next is applied. @default 'none' */
  durability?: Durability;
  /** Told about a message of the subject that is not a fipc batch (skipped). */
  onSkip?: OnSkip;
  /** Told when a new epoch replaces the copy (the source log was rotated or rewritten). */
  onRotate?: (rotation: { previousEpoch: string | undefined; epoch: string }) => void;
  /** Told about each message once its bytes are in the copy. */
  onMirrored?: (mirrored: BatchPosition & { seq: number }) => void;
}

// How often the checkpoint (a hint for the next start) is written while messages flow.
const CHECKPOINT_MS = 1000;
// The pull's expiry: with heartbeats at half of it, a consumer lost in a server restart is noticed in ~2 s.
const PULL_EXPIRES_MS = 2000;

/**
 * Rebuilds a byte-identical copy of an instance's log at `destPath` from the stream {@link shipEvents} fills,
 * and follows it until `signal` aborts. Every local tool then works on the far side unchanged:
 * `tailEvents`, SSE with the same event ids (same bytes, same epoch), the CLI. The mirror is the file's
 * only writer: its size is where the copy ends, so each record is written exactly once (a message already
 * there is skipped, an overlapping one trimmed), and a restart after `kill -9` resumes from the size, after
 * cutting a torn tail. A message that starts past the end of the copy is a hole: nothing is written and the
 * promise rejects with `HOLE`. A new epoch (the source was rotated or rewritten) replaces the copy by a new
 * file starting with the new log (renamed over the path: readers see a rotation). Rejects with a
 * {@link NatsBridgeError}: `HOLE`, `DIVERGED`, `NOT_A_FILE`, `DISK_FULL`, `IO_ERROR`, `NATS_ERROR`,
 * `INVALID_OPTIONS`.
 *
 * @example
 * const nc = await connectNats('nats://hub:4222');
 * const controller = new AbortController();
 * const mirroring = mirrorEvents('replica/run-1/events.jsonl', { nc, instanceId: 'run-1', signal: controller.signal });
 * for await (const { record } of tailEvents('replica/run-1/events.jsonl', { signal: controller.signal })) {
 *   console.log(record.event_type);
 * }
 */
export async function mirrorEvents(destPath: string, options: MirrorEventsOptions): Promise<void> {
  let mirror: Mirror;
  try {
    checkBridgeOptions(options);
    mirror = new Mirror(resolve(destPath), options);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  await mirror.run();
}

class Mirror {
  readonly #path: string;
  readonly #options: MirrorEventsOptions;
  readonly #target: ReturnType<typeof eventsTarget>;
  readonly #durability: Durability;
  #file: MirrorFile | undefined;
  /** The last stream sequence applied or skipped. */
  #seq = 0;
  /** While catching up to the stream's last message at start, only its epoch counts (older are stale). */
  #catchUp: { until: number; epoch: string } | undefined;
  #checkpointAt = 0;

  constructor(path: string, options: MirrorEventsOptions) {
    this.#path = path;
    this.#options = options;
    this.#target = eventsTarget(options.instanceId, options);
    this.#durability = durabilityOption(options.durability);
  }

  async run(): Promise<void> {
    const { signal, nc } = this.#options;
    const file = new MirrorFile(this.#path, this.#durability);
    this.#file = file;
    const checkpoint = readCheckpoint(checkpointPath(this.#path));
    if (checkpoint && checkpoint.epoch === file.epoch && checkpoint.nextOffset <= file.size)
      this.#seq = checkpoint.seq;
    const backoff = new Backoff();
    let started = false;
    try {
      while (!signal?.aborted) {
        try {
          const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: REQUEST_TIMEOUT_MS });
          if (!started) await this.#start(jsm);
          started = true;
          await this.#consume();
          backoff.reset();
        } catch (error) {
          if (signal?.aborted) break;
          if (isPermanent(error, nc)) throw bridgeError(error, 'mirroring failed');
          await backoff.wait(signal);
        }
      }
    } finally {
      this.#checkpoint(true);
      file.close();
    }
  }

  async #start(jsm: JetStreamManager): Promise<void> {
    const { stream, prefix, subject } = this.#target;
    await ensureEventsStream(jsm, stream, prefix);
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    const epoch = last && readBatchHeaders(last.header)?.epoch;
    if (last && epoch) this.#catchUp = { until: last.seq, epoch };
  }

  async #consume(): Promise<void> {
    const { stream, subject } = this.#target;
    const consumer = await jetstream(this.#options.nc, { timeout: REQUEST_TIMEOUT_MS }).consumers.get(
      stream,
      {
        filter_subjects: subject,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: this.#seq + 1,
      },
    );
    const messages = await consumer.consume({ expires: PULL_EXPIRES_MS });
    const off = onAbort(this.#options.signal, () => messages.stop());
    try {
      for await (const message of messages) {
        this.#apply(message);
        if (this.#options.signal?.aborted) break;
      }
    } finally {
      off();
      messages.stop();
    }
  }

  /** Applies a message; the sequence advances only past a message applied or skipped, never a refused one. */
  #apply(message: JsMsg): void {
    const written = this.#write(message);
    this.#seq = message.seq;
    if (!written) return;
    this.#options.onMirrored?.({ ...written, seq: message.seq });
    this.#checkpoint(false);
  }

  /** Writes what the copy lacks of `message`: its position when bytes were written, else undefined. */
  #write(message: JsMsg): BatchPosition | undefined {
    const file = this.#file!;
    const { data, seq } = message;
    const position = readBatchHeaders(message.headers);
    if (
      !position ||
      data.length !== position.nextOffset - position.offset ||
      data[data.length - 1] !== 10 ||
      (position.offset === 0 && logEpoch(data) !== position.epoch)
    ) {
      this.#options.onSkip?.({
        reason: `message ${seq} of ${this.#target.subject} is not a fipc batch`,
        path: this.#path,
      });
      return undefined;
    }
    const catchUp = this.#catchUp;
    if (catchUp && seq >= catchUp.until) this.#catchUp = undefined;
    if (catchUp && seq <= catchUp.until && position.epoch !== catchUp.epoch) return undefined;
    if (position.epoch !== file.epoch) {
      if (position.offset !== 0) throw this.#hole(position, seq);
      const previousEpoch = file.epoch;
      if (file.size === 0) file.append(data);
      else file.replace(data, position.epoch);
      if (previousEpoch !== undefined) this.#options.onRotate?.({ previousEpoch, epoch: position.epoch });
    } else if (position.nextOffset > file.size) {
      if (position.offset > file.size) throw this.#hole(position, seq);
      const have = file.size - position.offset;
      if (have > 0 && data[have - 1] !== 10) {
        throw new NatsBridgeError(
          'DIVERGED',
          `message ${seq} does not split at ${file.size}, the end of ${this.#path}: another log under the same epoch`,
          { path: this.#path },
        );
      }
      file.append(have > 0 ? data.subarray(have) : data);
    } else return undefined;
    return position;
  }

  #hole(position: BatchPosition, seq: number): NatsBridgeError {
    const file = this.#file!;
    const where = position.epoch === file.epoch ? `offset ${file.size}` : 'its start';
    return new NatsBridgeError(
      'HOLE',
      `the stream lacks records of epoch ${position.epoch} from ${where}: message ${seq} starts at offset ${position.offset} (removed by retention, or by hand?); ${this.#path} is left as it is`,
      { path: this.#path },
    );
  }

  #checkpoint(force: boolean): void {
    const file = this.#file;
    if (!file?.epoch || this.#seq === 0) return;
    if (!force && Date.now() - this.#checkpointAt < CHECKPOINT_MS) return;
    this.#checkpointAt = Date.now();
    try {
      writeCheckpoint(checkpointPath(this.#path), {
        epoch: file.epoch,
        nextOffset: file.size,
        seq: this.#seq,
      });
    } catch {
      // Only a hint for the next start: without it the mirror reads the subject from its start and skips.
    }
  }
}
