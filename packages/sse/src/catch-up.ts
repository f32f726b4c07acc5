import { closeSync, existsSync, fstatSync } from 'node:fs';
import { readEpoch } from '@fipc/core';
import { locateLogFile, sealTime } from '@fipc/events';
import { readError } from './errors.js';
import { controlFrame, RESET_EVENT, recordFrame } from './frames.js';
import { openLog, openNext } from './log-files.js';
import { LogReader } from './log-reader.js';
import type { Prepared } from './prepare.js';
import type { Session } from './session.js';

/**
 * A client's way from its resume point to the shared follower: it reads the log with its own descriptor, one
 * chunk whenever the client wants more bytes, through the retained segments of a rotated log (each read to
 * its end once sealed, PROTOCOL.md 2.6) to the live file, and at the end of what it can read there joins the
 * follower, once no record can fall between the two. It never joins a follower that failed: it takes a new one.
 */
export class CatchUp {
  #reader: LogReader | undefined;
  #epoch: string | undefined;
  /** Where the file read is: still at the path (`live`), or a segment (its number) or a moved file. */
  #where = { live: true, segment: undefined as number | undefined, seenAt: 0, finalRead: false };
  /** How long until the file read, no longer at the path, is sealed. */
  #sealWait = 0;

  constructor(
    private readonly session: Session,
    private readonly prepared: Prepared,
  ) {}

  /** Runs until the client joined the follower or closed; always releases the descriptor. */
  async run(): Promise<void> {
    const { session, prepared } = this;
    let idleReads = 0;
    try {
      if (prepared.fd !== undefined)
        this.#open(prepared.fd, prepared.position, prepared.epoch, prepared.segment);
      while (session.catchingUp) {
        const reader = this.#reader;
        if (!reader) {
          const fd = openLog(prepared.path);
          if (fd !== undefined) {
            session.fileFound();
            this.#open(fd, 0, readEpoch(fd), undefined);
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

  #open(fd: number, position: number, epoch: string | undefined, segment: number | undefined): void {
    try {
      this.#reader = new LogReader(fd, position, this.prepared.path, this.session.options);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.#epoch = epoch;
    this.#where = { live: segment === undefined, segment, seenAt: 0, finalRead: false };
  }

  #close(): void {
    if (this.#reader) closeSync(this.#reader.fd);
    this.#reader = undefined;
  }

  /**
   * At the end of what this client can read: joins the follower when no record can fall between the two
   * (same file, follower not past this client), else reads on or waits for the follower to move. A file that
   * left the path is never joined: it is read to its end once sealed, then the next file.
   */
  #join(mayReadAgain: boolean): 'joined' | 'read' | 'wait' {
    const { session } = this;
    const follower = session.follower.failed ? session.renewFollower() : session.follower;
    const position = this.#reader?.position ?? 0;
    const join = () => {
      session.join(position);
      return 'joined' as const;
    };
    const moved = this.#reader && this.#moveOn(position);
    if (moved) return moved;
    if (!follower.started) {
      follower.start(position, this.#epoch);
      return join();
    }
    if (!this.#reader) {
      // A follower that has read nothing yet, waiting for the log too: joinable by a client at its start.
      return follower.position === 0 && follower.epoch === undefined ? join() : 'wait';
    }
    // Another file (or one not known yet): the follower is still on an older one, sealing it.
    if (follower.epoch === undefined || follower.epoch !== this.#epoch) return 'wait';
    if (follower.position <= position) return join();
    return mayReadAgain ? 'read' : 'wait';
  }

  /**
   * When this client's file is no longer at the path: `'wait'` until it is sealed, `'read'` once more to its
   * end, then `'read'` the next file (a segment after it, else the live file) from its start, after a
   * `fipc:reset` when the file was moved by something else than a rotation. `undefined` while it is live.
   */
  #moveOn(position: number): 'read' | 'wait' | undefined {
    const { path } = this.prepared;
    const where = this.#where;
    const stats = fstatSync(this.#reader!.fd);
    if (where.live) {
      const location = locateLogFile(path, stats);
      if (location.kind === 'segment') where.segment = location.segment.number;
      if (location.kind === 'live') return this.#rewritten(position);
      // A path that names nothing yet (a file moved away, not by a rotation) is no replacement yet.
      if (location.kind === 'moved' && !location.deleted && !existsSync(path)) return undefined;
      where.live = false;
      where.seenAt = Date.now();
    }
    this.#sealWait = sealTime(stats, where.seenAt) - Date.now();
    if (this.#sealWait > 0) {
      where.finalRead = false; // written to meanwhile: read again once sealed
      return 'wait';
    }
    if (!where.finalRead) {
      where.finalRead = true;
      return 'read';
    }
    // After a segment: the next one, else the live file. After a moved file: the live file only.
    const next = openNext(path, where.segment ?? Number.MAX_SAFE_INTEGER);
    if (!next) return 'wait';
    this.#close();
    if (where.segment === undefined)
      this.session.sink.write(controlFrame(RESET_EVENT, { reason: 'rotated', previousOffset: position }));
    this.#open(next.fd, 0, undefined, next.segment); // its epoch is read with its first records
    return 'read';
  }

  /** The live file was truncated and written again (another epoch): start it over, after a `fipc:reset`. */
  #rewritten(position: number): 'read' | undefined {
    const reader = this.#reader!;
    const epoch = readEpoch(reader.fd);
    if (this.#epoch === undefined || epoch === this.#epoch) {
      this.#epoch = epoch;
      return undefined;
    }
    this.session.sink.write(controlFrame(RESET_EVENT, { reason: 'truncated', previousOffset: position }));
    this.#reader = new LogReader(reader.fd, 0, this.prepared.path, this.session.options);
    this.#epoch = epoch;
    return 'read';
  }

  /** Until the follower delivers or resets (or the session closes or wants more, or the safety poll passes). */
  async #waitForFollower(): Promise<void> {
    const { follower, options } = this.session;
    const delay = this.#where.live ? options.pollMs : Math.min(options.pollMs, Math.max(0, this.#sealWait));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
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
