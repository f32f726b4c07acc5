import { statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import {
  CHUNK_BYTES,
  FipcError,
  fsError,
  isLineStart,
  LineScanner,
  READ_REGULAR,
  readEpoch,
  readLines,
  type Skip,
} from '@fipc/core';

/** Whole lines of the log, `[offset, nextOffset)`, as raw bytes. */
export interface LineBatch {
  data: Buffer;
  offset: number;
  nextOffset: number;
  lines: number;
}

const NEWLINE = Buffer.from('\n');
const MIN_CHUNK = 4096;

/**
 * The shipper's view of a log: one open file (kept across a rotation until it is drained), its epoch, and
 * batches of whole lines read through the core line scanner.
 */
export class LogFollower {
  readonly path: string;
  #handle: FileHandle | undefined;
  #ino = 0;
  #epoch: string | undefined;
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  constructor(path: string) {
    this.path = path;
  }

  /** Opens the log if it is not open; false while it does not exist. Refuses a non-regular file. */
  async ensureOpen(): Promise<boolean> {
    if (this.#handle) return true;
    let handle: FileHandle;
    try {
      handle = await open(this.path, READ_REGULAR);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw fsError(error, this.path, 'cannot open the log');
    }
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new FipcError('NOT_A_FILE', `not a regular file (${this.path})`, { path: this.path });
    }
    this.#handle = handle;
    this.#ino = stats.ino;
    this.#epoch = undefined;
    return true;
  }

  /** The open file's epoch, once its first line is complete. */
  get epoch(): string | undefined {
    this.#epoch ??= readEpoch(this.#fd());
    return this.#epoch;
  }

  /** Whether the open file's first line changed under it (it was truncated and written again). */
  rewritten(): boolean {
    return this.#epoch !== undefined && readEpoch(this.#fd()) !== this.#epoch;
  }

  /** Whether `offset` is a place the open file can resume from: within it, at a line start. */
  async holds(offset: number): Promise<boolean> {
    const { size } = await this.#handle!.stat();
    return offset <= size && isLineStart(this.#fd(), offset);
  }

  /** Whether the path now names another file (or none): the open one is then drained, and reopened. */
  replaced(): boolean {
    try {
      return statSync(this.path).ino !== this.#ino;
    } catch {
      return true;
    }
  }

  /** Closes the open file; the next {@link ensureOpen} opens whatever the path names then. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  /**
   * The whole lines from `offset`, at most `maxBytes` of them unless the first line alone is longer (then
   * that line, up to `maxLineBytes`; a longer one is `TOO_LARGE`). `undefined` when no line is complete. One
   * pass that stops reading once the batch is full, so a small `maxBytes` costs one line's read, not a window's.
   */
  async read(offset: number, maxBytes: number, maxLineBytes: number): Promise<LineBatch | undefined> {
    const parts: Buffer[] = [];
    let end = offset;
    let lines = 0;
    let full = false;
    let tooLong: Skip | undefined;
    const scanner = new LineScanner(offset, {
      maxLineBytes,
      path: this.path,
      onSkip: (skip) => {
        // After whole lines, a long one ends the batch: the next read starts at it and refuses it.
        if (lines === 0) tooLong ??= skip;
        full = true;
      },
    });
    await readLines(
      this.#handle!,
      offset,
      scanner,
      (line, at) => {
        const next = at + line.length + 1;
        if (full || (lines > 0 && next - offset > maxBytes)) {
          full = true;
          return;
        }
        parts.push(Buffer.from(line), NEWLINE);
        end = next;
        lines++;
      },
      {
        end: offset + Math.max(maxBytes, maxLineBytes + 1),
        // A small batch reads small chunks: one line per message must not cost a 64 KiB read per line.
        buffer: this.#buffer.subarray(0, Math.min(CHUNK_BYTES, Math.max(maxBytes, MIN_CHUNK))),
        stop: (position) => full || (lines > 0 && position - offset >= maxBytes),
      },
    );
    if (tooLong || (lines === 0 && scanner.pending > maxLineBytes))
      this.#tooLarge(tooLong?.offset ?? offset, maxLineBytes);
    if (lines === 0) return undefined;
    return { data: Buffer.concat(parts, end - offset), offset, nextOffset: end, lines };
  }

  #tooLarge(offset: number, maxLineBytes: number): never {
    throw new FipcError(
      'TOO_LARGE',
      `the line at offset ${offset} is over ${maxLineBytes} bytes, more than a NATS message may hold (${this.path})`,
      { path: this.path },
    );
  }

  #fd(): number {
    return this.#handle!.fd;
  }
}
