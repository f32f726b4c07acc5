import { closeSync } from 'node:fs';
import { type CorruptLine, type EventEntry, type TailReset, tailEvents } from '@fipc/events';
import { readEpoch } from './event-id.js';
import { recordFrame } from './frames.js';
import { openLog } from './prepare.js';

/** A client of a shared follower: gets every record (with its encoded frame, shared by all) and every reset. */
export interface FollowerListener {
  deliver(entry: EventEntry, frame: Buffer, epoch: string): void;
  reset(reset: TailReset): void;
  /** The follower stopped on an I/O error: the client should disconnect (and reconnect). */
  fail(error: unknown): void;
}

/**
 * The one `tailEvents` loop of a log file, shared by all its clients. It reads and encodes each record once;
 * clients join it once they have caught up from their own resume point. Started lazily by the first joiner at
 * its position; stopped when the last client releases it.
 */
export class SharedFollower {
  /** Offset just past the last record delivered: every later record reaches the listeners. */
  position = 0;
  /** Epoch of the file being followed; `undefined` right after a reset, until its first record. */
  epoch: string | undefined;
  started = false;
  #verify = true;
  readonly listeners = new Set<FollowerListener>();
  readonly #waiters = new Set<() => void>();
  #refs = 0;
  readonly #controller = new AbortController();

  constructor(
    readonly path: string,
    private readonly pollMs: number,
    private readonly onCorrupt: ((corrupt: CorruptLine) => void) | undefined,
  ) {}

  /** Starts following at `position` of the file whose epoch is `epoch`. */
  start(position: number, epoch: string | undefined): void {
    this.started = true;
    this.position = position;
    this.epoch = epoch;
    void this.#run(position);
  }

  /** Calls `wake` once at the next record or reset (a joiner waiting for the follower); returns a canceller. */
  onProgress(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  async #run(from: number): Promise<void> {
    const signal = this.#controller.signal;
    const entries = tailEvents(this.path, {
      from,
      signal,
      pollMs: this.pollMs,
      onCorrupt: this.onCorrupt,
      onReset: (reset) => this.#reset(reset),
    });
    try {
      for await (const entry of entries) {
        if (this.#verify) {
          // The file may have been truncated or replaced between the joiner's read and tailEvents' open
          // (which then starts at a clamped offset silently): check that it is still the joiner's file.
          this.#verify = false;
          const epoch = epochOf(this.path);
          if (this.epoch !== undefined && epoch !== this.epoch)
            this.#reset({ reason: 'truncated', previousOffset: from });
          this.epoch = epoch;
        }
        this.epoch ??= epochOf(this.path);
        const frame = recordFrame(entry.record, `${this.epoch}-${entry.nextOffset}`);
        this.position = entry.nextOffset;
        for (const listener of this.listeners) listener.deliver(entry, frame, this.epoch);
        this.#wake();
      }
    } catch (error) {
      // Only an I/O error (e.g. EACCES) gets here: hand it to the clients, which disconnect and may reconnect.
      if (followers.get(this.path) === this) followers.delete(this.path);
      for (const listener of this.listeners) listener.fail(error);
    }
  }

  #reset(reset: TailReset): void {
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

/** The epoch of whatever the path names now (the follower's own handle is private to `tailEvents`). */
function epochOf(path: string): string {
  const fd = openLog(path);
  if (fd === undefined) return '000000000000'; // deleted: ids from it match no log, so a resume restarts
  try {
    return readEpoch(fd) ?? '000000000000';
  } finally {
    closeSync(fd);
  }
}

const followers = new Map<string, SharedFollower>();

/** The follower of `path`, created if none; the caller must `releaseFollower` it exactly once. */
export function acquireFollower(
  path: string,
  pollMs: number,
  onCorrupt?: (corrupt: CorruptLine) => void,
): SharedFollower {
  let follower = followers.get(path);
  if (!follower) {
    follower = new SharedFollower(path, pollMs, onCorrupt);
    followers.set(path, follower);
  }
  follower.acquire();
  return follower;
}

export function releaseFollower(follower: SharedFollower): void {
  if (follower.release() && followers.get(follower.path) === follower) followers.delete(follower.path);
}

/** How many followers are running (for leak checks). */
export const activeFollowers = (): number => followers.size;
