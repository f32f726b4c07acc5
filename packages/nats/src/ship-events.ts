import { resolve } from 'node:path';
import { ChangeHints, DEFAULT_POLL_MS, positiveMs } from '@fipc/core';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Disconnects } from './disconnects.js';
import { NatsBridgeError } from './errors.js';
import {
  type BatchPosition,
  batchHeaders,
  batchMessageId,
  type EventsStreamOptions,
  ensureEventsStream,
  eventsTarget,
  readBatchHeaders,
} from './events-stream.js';
import { LogFollower } from './log-follower.js';
import { bridgeError, isPermanent, isWrongLastSequence } from './nats-errors.js';
import { type BridgeOptions, byteCount, checkBridgeOptions } from './options.js';
import { Backoff, REQUEST_TIMEOUT_MS } from './retry.js';

/**
 * Options of {@link shipEvents}.
 *
 * @example
 * const options: ShipEventsOptions = { nc, instanceId: 'run-1', signal, maxBatchBytes: 32 * 1024 };
 */
export interface ShipEventsOptions extends BridgeOptions, EventsStreamOptions {
  /** Safety poll period of the log's change hints, in ms. @default 500 */
  pollMs?: number;
  /** Largest message of several records; a single longer record travels alone. @default 65536 */
  maxBatchBytes?: number;
  /** Told about each message the stream stored: its position and stream sequence. */
  onShipped?: (shipped: Shipped) => void;
}

/**
 * A message the stream stored: whole lines `[offset, nextOffset)` of the log of epoch `epoch`.
 *
 * @example
 * const onShipped = ({ nextOffset, lines }: Shipped) => console.log(`${lines} records, up to ${nextOffset}`);
 */
export interface Shipped extends BatchPosition {
  /** How many lines (records) the message holds. */
  lines: number;
  /** The message's stream sequence. */
  seq: number;
}

/** What the stream holds of this instance: its last message (seq 0 when none). */
interface Cursor extends Partial<BatchPosition> {
  seq: number;
}

const DEFAULT_BATCH_BYTES = 64 * 1024;
// Room for the subject and headers within the server's max_payload.
const HEADER_ROOM = 1024;

/**
 * Ships the log `logPath` (an `events.jsonl`) to a JetStream stream, one subject per instance, until
 * `signal` aborts. Each message holds the raw bytes of contiguous whole lines, never re-serialised, with the
 * log's epoch and the byte range in its headers; records that piled up travel together (up to
 * `maxBatchBytes`), so the shipper keeps up and catches up. Exactly once, across a `kill -9` of the shipper or
 * of the server: it resumes from the stream's last message for the subject, each publish expects that last
 * sequence (a stale or concurrent publish is refused and the shipper re-reads), and `Nats-Msg-Id` dedup is the
 * second line of defence. Follows a rotation (drains the old file, then ships the new one from its start: a
 * new epoch) and waits for a missing log. Transient failures (server down, timeouts) are retried forever.
 * Resolves when `signal` aborts; rejects with a {@link NatsBridgeError}: `DIVERGED`, `TOO_LARGE`,
 * `NOT_A_FILE`, `IO_ERROR`, `NATS_ERROR`, `INVALID_OPTIONS`.
 *
 * @example
 * const nc = await connectNats('nats://hub:4222');
 * const controller = new AbortController();
 * const shipping = shipEvents('runs/run-1/events.jsonl', { nc, instanceId: 'run-1', signal: controller.signal });
 * // ... later
 * controller.abort();
 * await shipping;
 */
export async function shipEvents(logPath: string, options: ShipEventsOptions): Promise<void> {
  let shipper: Shipper;
  try {
    checkBridgeOptions(options);
    shipper = new Shipper(resolve(logPath), options);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  await shipper.run();
}

class Shipper {
  readonly #log: LogFollower;
  readonly #options: ShipEventsOptions;
  readonly #target: ReturnType<typeof eventsTarget>;
  readonly #pollMs: number;
  readonly #maxBatch: number;
  readonly #js: JetStreamClient;
  #jsm: JetStreamManager | undefined;
  #cursor: Cursor | undefined;
  /** The last message this process stored: another epoch appearing after it is another shipper. */
  #mine: Shipped | undefined;
  #disconnects!: Disconnects;

  constructor(path: string, options: ShipEventsOptions) {
    this.#log = new LogFollower(path);
    this.#options = options;
    this.#target = eventsTarget(options.instanceId, options);
    this.#pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
    this.#maxBatch = byteCount(
      'maxBatchBytes',
      options.maxBatchBytes,
      DEFAULT_BATCH_BYTES,
      1,
      64 * 1024 * 1024,
    );
    this.#js = jetstream(options.nc, { timeout: REQUEST_TIMEOUT_MS });
  }

  async run(): Promise<void> {
    const { signal, nc } = this.#options;
    const hints = new ChangeHints(this.#log.path, this.#pollMs, signal);
    const backoff = new Backoff();
    this.#disconnects = new Disconnects(nc);
    try {
      while (!signal?.aborted) {
        try {
          if (!(await this.#step())) await hints.wait();
          backoff.reset();
        } catch (error) {
          if (signal?.aborted) break;
          this.#cursor = undefined;
          if (isWrongLastSequence(error)) continue;
          if (isPermanent(error, nc)) throw bridgeError(error, 'shipping failed');
          await backoff.wait(signal);
        }
      }
    } finally {
      hints.close();
      this.#disconnects.close();
      await this.#log.close();
    }
  }

  /** Ships one batch; false when there is nothing to ship until the log changes. */
  async #step(): Promise<boolean> {
    const log = this.#log;
    this.#cursor ??= await this.#lastShipped();
    const cursor = this.#cursor;
    if (!(await log.ensureOpen())) return false;
    const epoch = log.epoch;
    if (epoch === undefined) return this.#reopenIfReplaced();
    let offset = 0;
    if (cursor.epoch === epoch) {
      offset = cursor.nextOffset!;
      if (!(await log.holds(offset))) {
        if (log.rewritten() || log.replaced()) return this.#reopen();
        throw new NatsBridgeError(
          'DIVERGED',
          `${log.path} no longer holds the ${offset} bytes of epoch ${epoch} already shipped (truncated?)`,
          { path: log.path },
        );
      }
    }
    const maxLine = Math.max(this.#maxBatch, this.#options.nc.info?.max_payload ?? 1024 * 1024) - HEADER_ROOM;
    const batch = await log.read(offset, this.#maxBatch, maxLine);
    if (!batch) {
      if (log.rewritten()) return this.#reopen();
      return this.#reopenIfReplaced();
    }
    const position = { epoch, offset, nextOffset: batch.nextOffset };
    const ack = await this.#disconnects.race(
      this.#js.publish(this.#target.subject, batch.data, {
        headers: batchHeaders(position),
        msgID: batchMessageId(this.#target.token, position),
        expect: { lastSubjectSequence: cursor.seq },
      }),
    );
    const shipped = { ...position, lines: batch.lines, seq: ack.seq };
    this.#cursor = shipped;
    this.#mine = shipped;
    this.#options.onShipped?.(shipped);
    return true;
  }

  /** After the open file is drained: whether the path names a new file, which is then opened. */
  async #reopenIfReplaced(): Promise<boolean> {
    return this.#log.replaced() ? this.#reopen() : false;
  }

  async #reopen(): Promise<boolean> {
    await this.#log.close();
    return true;
  }

  async #lastShipped(): Promise<Cursor> {
    const { stream, prefix, subject } = this.#target;
    this.#jsm ??= await jetstreamManager(this.#options.nc, { checkAPI: false, timeout: REQUEST_TIMEOUT_MS });
    await ensureEventsStream(this.#jsm, stream, prefix);
    const last = await this.#disconnects.race(
      this.#jsm.streams.getMessage(stream, { last_by_subj: subject }),
    );
    if (!last) return { seq: 0 };
    const position = readBatchHeaders(last.header);
    if (!position)
      throw new NatsBridgeError(
        'DIVERGED',
        `the last message of ${subject} (seq ${last.seq}) is not a fipc batch`,
      );
    const mine = this.#mine;
    if (mine && last.seq > mine.seq && position.epoch !== mine.epoch) {
      throw new NatsBridgeError(
        'DIVERGED',
        `another shipper publishes ${subject} (epoch ${position.epoch} after ours, ${mine.epoch}): one shipper per instance`,
      );
    }
    return { ...position, seq: last.seq };
  }
}
