import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { LineScanner, OnLine } from './line-scanner.js';

/**
 * The size of the read buffer readers share: 64 KiB.
 *
 * @example
 * const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
 */
export const CHUNK_BYTES = 64 * 1024;

/**
 * Options of {@link readLines}.
 *
 * @example
 * const options: ReadLinesOptions = { end: size, firstSync: true };
 */
export interface ReadLinesOptions {
  /** Stop at this offset (exclusive). @default the end of the file as it grows */
  end?: number;
  /** A reused read buffer; the scanner copies what it keeps. @default a new 64 KiB buffer */
  buffer?: Buffer;
  /**
   * Read the first chunk synchronously: a follower woken by a change then hands out the new lines without a
   * round trip through the thread pool (a page-cache read of one chunk takes microseconds), while a long read
   * still gives the event loop a turn between chunks.
   * @default false
   */
  firstSync?: boolean;
  /** Asked after each chunk, with the position reached: `true` ends the read there. @default never */
  stop?: (position: number) => boolean;
}

/**
 * Reads `handle` from `position` through `scanner` to the end (or `options.end`), one chunk at a time; `onLine`
 * gets each complete line, and the returned promise the position reached. Memory stays bounded by the buffer
 * and the scanner's `maxLineBytes`, whatever the file holds.
 *
 * @example
 * const scanner = new LineScanner(0);
 * const end = await readLines(handle, 0, scanner, (line, offset) => lines.push(offset));
 */
export async function readLines(
  handle: FileHandle,
  position: number,
  scanner: LineScanner,
  onLine: OnLine,
  options: ReadLinesOptions = {},
): Promise<number> {
  const buffer = options.buffer ?? Buffer.allocUnsafe(CHUNK_BYTES);
  const end = options.end ?? Number.POSITIVE_INFINITY;
  for (let sync = options.firstSync ?? false; ; sync = false) {
    const length = Math.min(buffer.length, end - position);
    if (length <= 0) return position;
    const bytesRead = sync
      ? readSync(handle.fd, buffer, 0, length, position)
      : (await handle.read(buffer, 0, length, position)).bytesRead;
    if (bytesRead === 0) return position;
    position += bytesRead;
    scanner.scan(buffer.subarray(0, bytesRead), onLine);
    if (options.stop?.(position)) return position;
  }
}

/**
 * Whether `offset` is the start of a line of the file open at `fd` (0, or just after a newline).
 *
 * @example
 * if (!isLineStart(handle.fd, from)) scanner.skipLine(NOT_LINE_START);
 */
export function isLineStart(fd: number, offset: number): boolean {
  if (offset === 0) return true;
  return readSync(fd, BYTE, 0, 1, offset - 1) === 1 && BYTE[0] === 10;
}

/**
 * What follows `position` in the file open at `fd`, read in one synchronous `pread` into `buffer` that starts at
 * the byte before it: `undefined` when that byte is not a newline (the file was truncated or rewritten under a
 * line start, or is now shorter), else the new bytes (a subarray of `buffer`, empty when there are none). A
 * follower woken by a change learns with this one call both that the file still continues what it read and
 * what was added, where a `fstat`, a one-byte read and a read take three. A full `buffer` may mean more follows.
 *
 * @example
 * const news = readOn(fd, position, buffer);
 * if (news === undefined) startOver();
 * else scanner.scan(news, onLine);
 */
export function readOn(fd: number, position: number, buffer: Buffer): Buffer | undefined {
  const from = position === 0 ? 0 : position - 1;
  const read = readSync(fd, buffer, 0, buffer.length, from);
  if (position === 0) return buffer.subarray(0, read);
  return read > 0 && buffer[0] === 10 ? buffer.subarray(1, read) : undefined;
}

// One byte read synchronously and looked at at once: a follower checks it at every wake-up, without allocating.
const BYTE = Buffer.alloc(1);

/**
 * The `onSkip` reason for the bytes skipped when a reader starts inside a line.
 *
 * @example
 * if (!isLineStart(fd, from)) scanner.skipLine(NOT_LINE_START);
 */
export const NOT_LINE_START = 'from is not a line start';

/**
 * The offset just past the last newline before `size`: where "the end" is without starting inside a line
 * that is still being written.
 *
 * @example
 * const from = lastLineEnd(handle.fd, (await handle.stat()).size);
 */
export function lastLineEnd(fd: number, size: number): number {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - buffer.length);
    const bytesRead = readSync(fd, buffer, 0, end - start, start);
    const nl = buffer.subarray(0, bytesRead).lastIndexOf(10);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return 0;
}
