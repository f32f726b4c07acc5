import { close as closeFd, existsSync } from 'node:fs';
import type { EventEntry, TailReset } from '@fipc/events';
import { SseError } from './errors.js';
import { readEpoch } from './event-id.js';
import {
  acquireFollower,
  type Delivery,
  type FollowerListener,
  releaseFollower,
  type SharedFollower,
} from './follower.js';
import {
  controlFrame,
  HEARTBEAT,
  OPEN_COMMENT,
  RESET_EVENT,
  recordFrame,
  retryFrame,
  TIMEOUT_EVENT,
} from './frames.js';
import { readLines } from './log-reader.js';
import type { ResolvedOptions } from './options.js';
import { openLog, type Prepared } from './prepare.js';

/** Where a session's bytes go: a Web stream controller or a node:http response. */
export interface Sink {
  write(chunk: Buffer): void;
  /** Bytes written but not yet taken by the consumer. */
  readonly buffered: number;
  /** False while the consumer is behind: catch-up reading pauses until the session's `demand()`. */
  readonly wantsMore: boolean;
  end(): void;
  destroy(error: SseError): void;
}

/**
 * One client. It catches up from its resume point with its own handle (pull-based: it reads only as fast as
 * the client takes the bytes), then joins the log's shared follower and gets records as they are appended.
 */
export class Session implements FollowerListener {
  #mode: 'catchup' | 'live' | 'closed' = 'catchup';
  #fd: number | undefined;
  #signals: AbortSignal[] = [];
  #position: number;
  #epoch: string | undefined;
  #sentRecord = false;
  #terminal = false;
  #wake: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #waitForFile: NodeJS.Timeout | undefined;
  readonly #follower: SharedFollower;
  readonly #onAbort = () => this.close();

  constructor(
    private readonly prepared: Prepared,
    private readonly options: ResolvedOptions,
    private readonly sink: Sink,
  ) {
    this.#fd = prepared.fd;
    this.#position = prepared.position;
    this.#epoch = prepared.epoch;
    this.#follower = acquireFollower(prepared.path, options.pollMs, options.onCorrupt);
  }

  get closed(): boolean {
    return this.#mode === 'closed';
  }

  /** Sends the preamble and starts; `signals` are extra reasons to stop besides `options.signal`. */
  start(signals: AbortSignal[] = []): void {
    const { options, sink } = this;
    this.#signals = options.signal ? [options.signal, ...signals] : signals;
    if (options.retryMs !== undefined) sink.write(retryFrame(options.retryMs));
    sink.write(OPEN_COMMENT);
    if (this.prepared.staleId)
      sink.write(controlFrame(RESET_EVENT, { reason: 'stale-id', lastEventId: this.prepared.staleId }));
    if (options.heartbeatMs > 0) this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    if (this.#fd === undefined)
      this.#waitForFile = setTimeout(() => this.#fileTimeout(), options.waitForFileMs);
    if (this.#signals.some((signal) => signal.aborted)) {
      this.close();
      return;
    }
    for (const signal of this.#signals) signal.addEventListener('abort', this.#onAbort, { once: true });
    void this.#catchUp();
  }

  /** The consumer wants more bytes. */
  demand(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Ends the stream cleanly and releases the follower, timers and the file handle. Idempotent. */
  close(error?: SseError): void {
    if (this.#mode === 'closed') return;
    const wasCatchingUp = this.#mode === 'catchup';
    this.#mode = 'closed';
    clearInterval(this.#heartbeat);
    clearTimeout(this.#waitForFile);
    for (const signal of this.#signals) signal.removeEventListener('abort', this.#onAbort);
    this.#follower.listeners.delete(this);
    releaseFollower(this.#follower);
    if (!wasCatchingUp) this.#closeFd(); // else the catch-up loop closes it once its read returns
    if (error) this.sink.destroy(error);
    else this.sink.end();
    this.demand();
  }

  deliver(batch: readonly Delivery[], whole: () => Buffer): void {
    let first = 0;
    while (first < batch.length && batch[first]!.entry.offset < this.#position) first++; // read in catch-up
    if (first === batch.length || this.#mode !== 'live') return;
    const { frames, taken, all } = this.#select(batch, first);
    const last = batch[taken - 1]!;
    this.#position = last.entry.nextOffset;
    this.#epoch = last.epoch;
    this.#write(all && taken === batch.length ? [whole()] : frames);
    if (this.#mode === 'live' && this.sink.buffered > this.options.maxBufferBytes) {
      this.close(new SseError('SLOW_CLIENT', `client fell over ${this.options.maxBufferBytes} bytes behind`));
    }
  }

  /** The frames this client wants from `batch[first..]`, up to and including a terminal record. */
  #select(batch: readonly { entry: EventEntry; frame: Buffer }[], first: number) {
    const { filter, terminal } = this.options;
    const frames: Buffer[] = [];
    let all = first === 0;
    let taken = first;
    while (taken < batch.length) {
      const { entry, frame } = batch[taken++]!;
      const isTerminal = terminal?.(entry.record) ?? false;
      if (isTerminal || filter(entry.record)) frames.push(frame);
      else all = false;
      if (isTerminal) {
        this.#terminal = true;
        break;
      }
    }
    return { frames, taken, all };
  }

  /** Writes the frames as one chunk, then ends the stream if a terminal record was among them. */
  #write(frames: Buffer[]): void {
    this.#sentRecord = true;
    clearTimeout(this.#waitForFile);
    if (frames.length > 0) this.sink.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    if (this.#terminal) this.close();
  }

  reset(reset: TailReset): void {
    this.#position = 0;
    this.#epoch = undefined;
    this.sink.write(controlFrame(RESET_EVENT, reset));
  }

  fail(error: unknown): void {
    this.close(new SseError('READ_FAILED', 'the log could not be read', { cause: error }));
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

  #pause(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** Reads from the client's own position to the end of the file, then hands over to the shared follower. */
  async #catchUp(): Promise<void> {
    let idleReads = 0;
    try {
      while (this.#mode === 'catchup') {
        if (this.#fd === undefined) {
          this.#fd = openLog(this.prepared.path);
          if (this.#fd !== undefined) {
            clearTimeout(this.#waitForFile);
            this.#position = 0;
            this.#epoch = readEpoch(this.#fd);
            continue;
          }
        } else {
          if (!this.sink.wantsMore) {
            await this.#pause();
            continue;
          }
          const { entries, next } = await readLines(this.#fd, this.#position, this.options);
          if (this.#mode !== 'catchup') break;
          if (next !== this.#position) {
            idleReads = 0;
            this.#epoch ??= readEpoch(this.#fd);
            const epoch = this.#epoch;
            const batch = entries.map((entry) => ({
              entry,
              frame: recordFrame(entry.record, `${epoch}-${entry.nextOffset}`),
            }));
            this.#write(this.#select(batch, 0).frames);
            this.#position = next;
            continue;
          }
        }
        const step = await this.#join(idleReads++ === 0);
        if (step === 'joined') break;
        if (step === 'wait') await this.#waitForFollower();
        if (step === 'wait') idleReads = 0;
      }
    } catch (error) {
      this.close(new SseError('READ_FAILED', 'the log could not be read', { cause: error }));
    } finally {
      if (this.#mode !== 'catchup') this.#closeFd();
    }
  }

  #closeFd(): void {
    if (this.#fd !== undefined) closeFd(this.#fd, () => {});
    this.#fd = undefined;
  }

  /**
   * At the end of what this client can read: joins the follower when no record can fall between the two
   * (same file, follower not past this client), else reads on or waits for the follower to move.
   */
  async #join(mayReadAgain: boolean): Promise<'joined' | 'read' | 'wait'> {
    const follower = this.#follower;
    const join = () => {
      follower.listeners.add(this);
      this.#mode = 'live';
      this.#closeFd();
      return 'joined' as const;
    };
    if (!follower.started) {
      follower.start(this.#position, this.#epoch);
      return join();
    }
    if (follower.epoch === undefined) {
      // A follower that has read nothing of its current file yet: joinable by a client at its start.
      return follower.position === 0 && this.#position === 0 ? join() : 'wait';
    }
    if (this.#fd === undefined) return 'wait';
    if (follower.epoch === this.#epoch) {
      if (follower.position <= this.#position) return join();
      return mayReadAgain ? 'read' : 'wait';
    }
    // Different files: either this client holds an older one (switch to the new one) or the follower does.
    const current = openLog(this.prepared.path);
    const epoch = current === undefined ? undefined : readEpoch(current);
    if (current === undefined || epoch === this.#epoch) {
      if (current !== undefined) closeFd(current, () => {});
      return 'wait';
    }
    this.#closeFd();
    this.#fd = current;
    this.sink.write(controlFrame(RESET_EVENT, { reason: 'rotated', previousOffset: this.#position }));
    this.#position = 0;
    this.#epoch = epoch;
    return 'read';
  }

  /** Until the follower delivers or resets (or this session closes, or the safety poll passes). */
  async #waitForFollower(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      const stop = this.#follower.onProgress(done);
      this.#wake = done;
      function done() {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  }
}
