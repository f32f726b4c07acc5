import { existsSync } from 'node:fs';
import { type OnSkip, onAbort } from '@fipc/core';
import type { TailReset } from '@fipc/events';
import { CatchUp } from './catch-up.js';
import { readError, SseError } from './errors.js';
import { acquireFollower, type FollowerListener, releaseFollower, type SharedFollower } from './follower.js';
import { controlFrame, HEARTBEAT, OPEN_COMMENT, RESET_EVENT, retryFrame, TIMEOUT_EVENT } from './frames.js';
import type { ResolvedOptions } from './options.js';
import type { Prepared } from './prepare.js';
import { type Frame, selectFrames } from './select.js';
import type { Sink } from './sink.js';

/**
 * One client. It catches up from its resume point with its own handle (pull-based: it reads only as fast as
 * the client takes the bytes, see {@link CatchUp}), then joins the log's shared follower and gets records as
 * they are appended.
 */
export class Session implements FollowerListener {
  #mode: 'catchup' | 'live' | 'closed' = 'catchup';
  #offAbort: (() => void)[] = [];
  /** Offset just past the last record this client has been given (or skipped by its filter). */
  #position: number;
  #sentRecord = false;
  #wake: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #waitForFile: NodeJS.Timeout | undefined;
  #catchUp: CatchUp;
  /** The follower this client holds a reference on (replaced if it fails before the client joins it). */
  follower: SharedFollower;

  constructor(
    private readonly prepared: Prepared,
    readonly options: ResolvedOptions,
    readonly sink: Sink,
  ) {
    this.#position = prepared.position;
    this.follower = acquireFollower(prepared.path, options);
    this.#catchUp = new CatchUp(this, prepared);
  }

  get catchingUp(): boolean {
    return this.#mode === 'catchup';
  }

  get onSkip(): OnSkip | undefined {
    return this.options.onSkip;
  }

  /** Sends the preamble and starts; `signals` are extra reasons to stop besides `options.signal`. */
  start(signals: AbortSignal[] = []): void {
    const { options, sink } = this;
    const all = options.signal ? [options.signal, ...signals] : signals;
    if (options.retryMs !== undefined) sink.write(retryFrame(options.retryMs));
    sink.write(OPEN_COMMENT);
    if (this.prepared.staleId)
      sink.write(controlFrame(RESET_EVENT, { reason: 'stale-id', lastEventId: this.prepared.staleId }));
    if (options.heartbeatMs > 0) this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    if (this.prepared.fd === undefined)
      this.#waitForFile = setTimeout(() => this.#fileTimeout(), options.waitForFileMs);
    if (all.some((signal) => signal.aborted)) this.close();
    // One listener per signal however many sessions share it (a server's shutdown signal).
    else this.#offAbort = all.map((signal) => onAbort(signal, () => this.close()));
    void this.#catchUp.run(); // also when closed already: it releases the descriptor
  }

  /** The consumer wants more bytes. */
  demand(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves when the consumer wants more bytes or the session closes. */
  pause(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** Ends the stream cleanly and releases the follower, timers and the file handle. Idempotent. */
  close(error?: SseError): void {
    if (this.#mode === 'closed') return;
    this.#mode = 'closed';
    clearInterval(this.#heartbeat);
    clearTimeout(this.#waitForFile);
    for (const off of this.#offAbort) off();
    this.follower.listeners.delete(this);
    releaseFollower(this.follower);
    if (error) this.sink.destroy(error);
    else this.sink.end();
    this.demand(); // the catch-up loop, if waiting, sees the close and releases its handle
  }

  /** The client's file appeared: no timeout any more. */
  fileFound(): void {
    clearTimeout(this.#waitForFile);
  }

  /** Trades a follower that failed (and so will deliver nothing more) for a new one, not started yet. */
  renewFollower(): SharedFollower {
    releaseFollower(this.follower);
    this.follower = acquireFollower(this.prepared.path, this.options);
    return this.follower;
  }

  /** Caught up at `position`: from now on the shared follower delivers (the follower must be running). */
  join(position: number): void {
    this.#position = position;
    this.follower.listeners.add(this);
    this.#mode = 'live';
  }

  /** Records this client read itself while catching up; `position` is where its reading goes on. */
  send(batch: readonly Frame[], position: number): void {
    const { frames, terminal } = selectFrames(batch, 0, this.options, this.prepared.path);
    this.#position = position;
    this.#write(frames, terminal);
  }

  deliver(batch: readonly Frame[], whole: () => Buffer): void {
    let first = 0;
    while (first < batch.length && batch[first]!.entry.offset < this.#position) first++; // read in catch-up
    if (first === batch.length || this.#mode !== 'live') return;
    const { frames, taken, all, terminal } = selectFrames(batch, first, this.options, this.prepared.path);
    this.#position = batch[taken - 1]!.entry.nextOffset;
    this.#write(all && taken === batch.length ? [whole()] : frames, terminal);
    if (this.#mode === 'live' && this.sink.buffered > this.options.maxBufferBytes) {
      this.close(new SseError('SLOW_CLIENT', `client fell over ${this.options.maxBufferBytes} bytes behind`));
    }
  }

  reset(reset: TailReset): void {
    this.#position = 0;
    // The next segment of a rotated log continues it: the client just gets ids of another epoch.
    if (reset.reason !== 'segment') this.sink.write(controlFrame(RESET_EVENT, reset));
  }

  fail(error: unknown): void {
    this.close(readError(error, this.prepared.path));
  }

  /** Writes the frames as one chunk, then ends the stream if a terminal record was among them. */
  #write(frames: Buffer[], terminal: boolean): void {
    this.#sentRecord = true;
    clearTimeout(this.#waitForFile);
    if (frames.length > 0) this.sink.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    if (terminal) this.close();
  }

  #beat(): void {
    if (this.sink.buffered > this.options.maxBufferBytes) {
      this.close(new SseError('SLOW_CLIENT', `client fell over ${this.options.maxBufferBytes} bytes behind`));
    } else this.sink.write(HEARTBEAT);
  }

  #fileTimeout(): void {
    if (this.#sentRecord || this.#mode === 'closed' || existsSync(this.prepared.path)) return;
    this.sink.write(controlFrame(TIMEOUT_EVENT, { waitForFileMs: this.options.waitForFileMs }));
    this.close();
  }
}
