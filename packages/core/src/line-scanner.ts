import { readSync } from 'node:fs';
import type { OnSkip } from './options.js';

/**
 * Options of a {@link LineScanner}, the same for every reader of a log.
 *
 * @example
 * const options: LineScannerOptions = { maxLineBytes: 1 << 20, onSkip: (skip) => console.warn(skip.reason) };
 */
export interface LineScannerOptions {
  /** A longer line is skipped (told to `onSkip`) without being held in memory. @default 8 MiB */
  maxLineBytes?: number;
  /** Told about every line skipped whole: too long, or cut by a reset. */
  onSkip?: OnSkip;
  /** The file, for `onSkip`. */
  path?: string;
}

/**
 * A complete line as the scanner hands it out; `bytes` is valid only during the callback (copy to keep).
 *
 * @example
 * scanner.scan(chunk, (bytes, offset) => lines.push({ text: bytes.toString(), offset }));
 */
export type OnLine = (bytes: Buffer, offset: number) => void;

/**
 * The default {@link LineScannerOptions.maxLineBytes}: 8 MiB.
 *
 * @example
 * new LineScanner(0, { maxLineBytes: DEFAULT_MAX_LINE_BYTES * 2 });
 */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
/**
 * The `onSkip` reason for a line over the limit.
 *
 * @example
 * const onSkip: OnSkip = (skip) => { if (skip.reason === TOO_LONG) console.warn('a huge line'); };
 */
export const TOO_LONG = 'line longer than maxLineBytes';
// How much of a held line is remembered to tell whether the file under it was rewritten.
const TAIL_BYTES = 16;

/**
 * Turns consecutive chunks of a file into complete lines with their offsets, holding at most `maxLineBytes`
 * of an unfinished line: longer lines are skipped in constant memory. The one line reader of fipc: followers,
 * SSE catch-up and mirrors all read through it.
 *
 * @example
 * const scanner = new LineScanner(0, { maxLineBytes: 1 << 20 });
 * scanner.scan(Buffer.from('{"a":1}\n{"b"'), (line, offset) => console.log(offset, line.toString()));
 * scanner.scan(Buffer.from(':2}\n'), (line, offset) => console.log(offset, line.toString())); // 8 {"b":2}
 */
export class LineScanner {
  #carry: Buffer[] = [];
  #carryBytes = 0;
  #skipping: string | undefined;
  #lineStart: number;
  /** The current line was entered in the middle ({@link skipLine} at a reader's `from`): no newline before it. */
  #midLine = false;
  /** The last bytes read of the current unfinished line, and where they end. */
  #tail = Buffer.alloc(0);
  readonly #maxLineBytes: number;
  readonly #onSkip: OnSkip | undefined;
  readonly #path: string | undefined;

  constructor(position: number, options: LineScannerOptions = {}) {
    this.#lineStart = position;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#onSkip = options.onSkip;
    this.#path = options.path;
  }

  /** Whether the next byte scanned starts a line (nothing held back, nothing being skipped). */
  get atLineStart(): boolean {
    return this.#carryBytes === 0 && this.#skipping === undefined;
  }

  /** Bytes of an unfinished line read so far (held, or being skipped). */
  get pending(): number {
    return this.#carryBytes;
  }

  /** Offset of the first byte of the current line. */
  get lineStart(): number {
    return this.#lineStart;
  }

  /** Scans a chunk that starts where the previous one ended, calling `onLine` for each complete line. */
  scan(chunk: Buffer, onLine: OnLine): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const length = this.#carryBytes + piece.length;
      const lineStart = this.#lineStart;
      const skipping = this.#skipping ?? (length > this.#maxLineBytes ? TOO_LONG : undefined);
      const line = skipping || !this.#carryBytes ? piece : Buffer.concat([...this.#carry, piece]);
      this.#lineStart += length + 1;
      this.#carry = [];
      this.#carryBytes = 0;
      this.#skipping = undefined;
      this.#midLine = false;
      start = nl + 1;
      if (skipping) this.#skip(lineStart, length, skipping);
      else onLine(line, lineStart);
    }
    const rest = chunk.length - start;
    if (rest === 0) return;
    if (!this.#skipping && this.#carryBytes + rest > this.#maxLineBytes) {
      this.#skipping = TOO_LONG;
      this.#carry = [];
    }
    if (!this.#skipping) this.#carry.push(Buffer.from(chunk.subarray(start)));
    this.#carryBytes += rest;
    const tail = chunk.subarray(Math.max(start, chunk.length - TAIL_BYTES));
    this.#tail =
      tail.length >= TAIL_BYTES || this.#carryBytes === rest
        ? Buffer.from(tail)
        : Buffer.concat([this.#tail, tail]).subarray(-TAIL_BYTES);
  }

  /** Skips the bytes up to the next newline, told to `onSkip` with `reason` once it comes. */
  skipLine(reason: string): void {
    this.#skipping = reason;
    this.#midLine = true;
  }

  /** Drops an unfinished line (its file was truncated or replaced) and restarts counting at `position`. */
  reset(position: number, reason: string): void {
    if (this.#carryBytes > 0) this.#skip(this.#lineStart, this.#carryBytes, reason);
    this.#carry = [];
    this.#carryBytes = 0;
    this.#skipping = undefined;
    this.#midLine = false;
    this.#lineStart = position;
  }

  /**
   * Whether the file open at `fd` still holds what was read of the unfinished line: the byte before it is a
   * newline (unless the line was entered mid-way with {@link skipLine}) and its last bytes are unchanged. A file truncated and written again past the read position fails
   * this, where only comparing sizes would glue its new bytes to the old line. True at a line start.
   */
  stillMatches(fd: number): boolean {
    if (this.#carryBytes === 0) return true;
    if (this.#lineStart > 0 && !this.#midLine) {
      const before = Buffer.alloc(1);
      if (readSync(fd, before, 0, 1, this.#lineStart - 1) !== 1 || before[0] !== 10) return false;
    }
    const end = this.#lineStart + this.#carryBytes;
    const now = Buffer.alloc(this.#tail.length);
    return readSync(fd, now, 0, now.length, end - now.length) === now.length && now.equals(this.#tail);
  }

  #skip(offset: number, length: number, reason: string): void {
    this.#onSkip?.({ reason, path: this.#path, offset, length });
  }
}
