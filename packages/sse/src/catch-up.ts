import { closeSync } from 'node:fs';
import { readEpoch } from '@fipc/core';
import { readError } from './errors.js';
import { controlFrame, RESET_EVENT, recordFrame } from './frames.js';
import { LogReader } from './log-reader.js';
import { openLog, type Prepared } from './prepare.js';
import type { Session } from './session.js';

/**
 * A client's way from its resume point to the shared follower: it reads the log with its own descriptor, one
 * chunk whenever the client wants more bytes, and at the end of what it can read joins the follower, once no
 * record can fall between the two. It never joins a follower that failed: it takes a new one.
 */
export class CatchUp {
  #reader: LogReader | undefined;
  #epoch: string | undefined;

  constructor(
    private readonly session: Session,
    private readonly prepared: Prepared,
  ) {}

  /** Runs until the client joined the follower or closed; always releases the descriptor. */
  async run(): Promise<void> {
    const { session, prepared } = this;
    let idleReads = 0;
    try {
      if (prepared.fd !== undefined) this.#open(prepared.fd, prepared.position, prepared.epoch);
      while (session.catchingUp) {
        const reader = this.#reader;
        if (!reader) {
          const fd = openLog(prepared.path);
          if (fd !== undefined) {
            session.fileFound();
            this.#open(fd, 0, readEpoch(fd));
            continue;
          }
        } else if (!session.sink.wantsMore) {
          await session.pause();
          continue;
        } else {
          const entries = await reader.read();
          if (!session.catchingUp) break;
          if (entries) {
            idleReads = 0;
            this.#epoch ??= readEpoch(reader.fd); // defined once a line is complete
            const epoch = this.#epoch;
            const batch = entries.map((entry) => ({
              entry,
              frame: recordFrame(entry.record, `${epoch}-${entry.nextOffset}`),
            }));
            session.send(batch, reader.position);
            continue;
          }
        }
        const step = this.#join(idleReads++ === 0);
        if (step === 'joined') break;
        if (step === 'wait') {
          await this.#waitForFollower();
          idleReads = 0;
        }
      }
    } catch (error) {
      session.close(readError(error, prepared.path));
    } finally {
      this.#close();
    }
  }

  #open(fd: number, position: number, epoch: string | undefined): void {
    try {
      this.#reader = new LogReader(fd, position, this.prepared.path, this.session.options);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.#epoch = epoch;
  }

  #close(): void {
    if (this.#reader) closeSync(this.#reader.fd);
    this.#reader = undefined;
  }

  /**
   * At the end of what this client can read: joins the follower when no record can fall between the two
   * (same file, follower not past this client), else reads on or waits for the follower to move.
   */
  #join(mayReadAgain: boolean): 'joined' | 'read' | 'wait' {
    const { session } = this;
    const follower = session.follower.failed ? session.renewFollower() : session.follower;
    const position = this.#reader?.position ?? 0;
    const join = () => {
      session.join(position);
      return 'joined' as const;
    };
    if (!follower.started) {
      follower.start(position, this.#epoch);
      return join();
    }
    if (follower.epoch === undefined) {
      // A follower that has read nothing of its current file yet: joinable by a client at its start.
      return follower.position === 0 && position === 0 ? join() : 'wait';
    }
    if (!this.#reader) return 'wait';
    if (follower.epoch === this.#epoch) {
      if (follower.position <= position) return join();
      return mayReadAgain ? 'read' : 'wait';
    }
    // Different files: either this client holds an older one (switch to the new one) or the follower does.
    const current = openLog(this.prepared.path);
    if (current === undefined) return 'wait';
    let epoch: string | undefined;
    try {
      epoch = readEpoch(current);
    } catch (error) {
      closeSync(current);
      throw error;
    }
    if (epoch === this.#epoch) {
      closeSync(current);
      return 'wait';
    }
    this.#close();
    session.sink.write(controlFrame(RESET_EVENT, { reason: 'rotated', previousOffset: position }));
    this.#open(current, 0, epoch);
    return 'read';
  }

  /** Until the follower delivers or resets (or the session closes or wants more, or the safety poll passes). */
  async #waitForFollower(): Promise<void> {
    const { follower, options } = this.session;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.pollMs);
      const stop = follower.onProgress(done);
      void this.session.pause().then(done);
      function done() {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  }
}
