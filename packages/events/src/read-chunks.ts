import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { EventEntry, LineScanner } from './line-scanner.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads `handle` from `position` to its current end (or to `end`) through `scanner`, yielding entries chunk
 * by chunk. Returns the position reached. The buffer is reused: the scanner copies what it keeps.
 * `firstSync` reads the first chunk synchronously: a follower woken by a change then yields the new records
 * without a round trip through the thread pool (a page-cache read of at most one chunk takes microseconds),
 * while a long read (a huge line) still gives the event loop a turn between chunks.
 */
export async function* readChunks(
  handle: FileHandle,
  position: number,
  scanner: LineScanner,
  buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES),
  end = Number.POSITIVE_INFINITY,
  firstSync = false,
): AsyncGenerator<EventEntry[], number> {
  for (let sync = firstSync; ; sync = false) {
    const length = Math.min(buffer.length, end - position);
    if (length <= 0) return position;
    const bytesRead = sync
      ? readSync(handle.fd, buffer, 0, length, position)
      : (await handle.read(buffer, 0, length, position)).bytesRead;
    if (bytesRead === 0) return position;
    position += bytesRead;
    const entries = scanner.scan(buffer.subarray(0, bytesRead));
    if (entries.length > 0) yield entries;
  }
}

/** Whether `offset` is the start of a line of the file (0, or just after a newline). One byte, read at once. */
export function isLineStart(handle: FileHandle, offset: number): boolean {
  if (offset === 0) return true;
  const byte = Buffer.alloc(1);
  return readSync(handle.fd, byte, 0, 1, offset - 1) === 1 && byte[0] === 10;
}

/** The `onCorrupt` reason for the bytes skipped when a reader is asked to start inside a line. */
export const NOT_LINE_START = 'from is not a line start';
