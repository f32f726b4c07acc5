import type { OnSkip, Skip } from '@fipc/core';
import { type TailReset, tailEvents } from '@fipc/events';
import { recordFrame } from './frames.js';
import type { Frame } from './select.js';

/** A client of a shared follower: gets every record (in batches) and every reset. */
export interface FollowerListener {
  /**
   * The records read since the last batch, in order. `whole()` is all their frames in one buffer, built once
   * and shared by every client that takes the whole batch, so the common case is one write per client.
   */
  deliver(batch: readonly Frame[], whole: () => Buffer): void;
  reset(reset: TailReset): void;
  /** The follower stopped on an I/O error: the client should disconnect (and reconnect). */
  fail(error: unknown): void;
  /** Told about the lines the follower skips while this client listens. */
  readonly onSkip: OnSkip | undefined;
}

/** What makes two clients' followers interchangeable. */
export interface FollowerOptions {
  pollMs: number;
  maxLineBytes: number;
}

/**
 * The one `tailEvents` loop of a log, shared by all its clients. It reads and encodes each record once, with
 * the epoch of the file it came from (a rotated log's next segment has its own); clients join it once they
 * have caught up from their own resume point. Started lazily by the first joiner at its position; stopped
 * when the last client releases it.
 */
export class SharedFollower {
  /** Offset just past the last record delivered: every later record reaches the listeners. */
  position = 0;
  /** Epoch of the file being followed; `undefined` right after a reset, until its first record. */
  epoch: string | undefined;
  started = false;
  /**
   * Stopped by an I/O error: it delivers nothing more, so no client may join it (a joiner takes a new one).
   */
  failed = false;
  #batch: Frame[] = [];
  readonly listeners = new Set<FollowerListener>();
  readonly #waiters = new Set<() => void>();
  #refs = 0;
  readonly #controller = new AbortController();

  constructor(
    readonly key: string,
    readonly path: string,
    private readonly options: FollowerOptions,
  ) {}

  /** Starts following at `position` of the file whose epoch is `epoch`. */
  start(position: number, epoch: string | undefined): void {
    this.started = true;
    this.position = position;
    this.epoch = epoch;
    void this.#run(position, epoch);
  }

  /** Calls `wake` once at the next record or reset (a joiner waiting for the follower); returns a canceller. */
  onProgress(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  async #run(offset: number, epoch: string | undefined): Promise<void> {
    const signal = this.#controller.signal;
    const entries = tailEvents(this.path, {
      // The joiner's file by its epoch: the live file, or the segment it became if a rotation came between.
      from: epoch === undefined ? offset : { epoch, offset },
      onFile: (file) => {
        this.epoch = file.epoch;
      },
      signal,
      pollMs: this.options.pollMs,
      maxLineBytes: this.options.maxLineBytes,
      onSkip: this.#skip,
      onReset: (reset) => this.#reset(reset),
    });
    try {
      for await (const entry of entries) {
        const frame = recordFrame(entry.record, `${this.epoch}-${entry.nextOffset}`);
        // Counted as delivered now: a client joining before the flush gets the batch and skips what it read.
        this.position = entry.nextOffset;
        if (this.#batch.length === 0) setImmediate(this.#flush);
        this.#batch.push({ entry, frame });
      }
      this.#flush();
    } catch (error) {
      // Only an I/O error (e.g. EIO, or a directory at the path) gets here: hand it to the clients, which
      // disconnect and may reconnect; clients still catching up start another follower when they join.
      this.failed = true;
      if (followers.get(this.key) === this) followers.delete(this.key);
      this.#flush();
      for (const listener of this.listeners) listener.fail(error);
      this.#wake();
    }
  }

  // Each distinct callback of the clients listening now, once: they may come from different handlers.
  readonly #skip = (skip: Skip) => {
    const told = new Set<OnSkip>();
    for (const { onSkip } of this.listeners) {
      if (onSkip && !told.has(onSkip)) {
        told.add(onSkip);
        onSkip(skip);
      }
    }
  };

  // Every record of one read (up to 64 KiB) goes out together, after the read's microtasks: one write each.
  readonly #flush = () => {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    let whole: Buffer | undefined;
    const all = () => {
      whole ??= batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map(({ frame }) => frame));
      return whole;
    };
    for (const listener of this.listeners) listener.deliver(batch, all);
    this.#wake();
  };

  #reset(reset: TailReset): void {
    this.#flush(); // the old file's records first
    this.position = 0;
    this.epoch = undefined;
    for (const listener of this.listeners) listener.reset(reset);
    this.#wake();
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  acquire(): void {
    this.#refs += 1;
  }

  /** Returns true when this was the last reference: the follower has stopped. */
  release(): boolean {
    this.#refs -= 1;
    if (this.#refs > 0) return false;
    this.#controller.abort();
    this.#wake();
    return true;
  }
}

const followers = new Map<string, SharedFollower>();

/**
 * The running follower of `path` with these options, created if none (never a failed one); the caller must
 * `releaseFollower` it exactly once.
 */
export function acquireFollower(path: string, options: FollowerOptions): SharedFollower {
  const key = `${options.pollMs}:${options.maxLineBytes}:${path}`;
  let follower = followers.get(key);
  if (!follower) {
    follower = new SharedFollower(key, path, options);
    followers.set(key, follower);
  }
  follower.acquire();
  return follower;
}

export function releaseFollower(follower: SharedFollower): void {
  if (follower.release() && followers.get(follower.key) === follower) followers.delete(follower.key);
}

/** How many followers are running (for leak checks). */
export const activeFollowers = (): number => followers.size;
