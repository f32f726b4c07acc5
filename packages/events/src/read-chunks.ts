import type { FileHandle } from 'node:fs/promises';
import type { EventEntry, LineScanner } from './line-scanner.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads `handle` from `position` to its current end (or to `end`) through `scanner`, yielding entries chunk
 * by chunk. Returns the position reached. The buffer is reused: the scanner copies what it keeps.
 */
export async function* readChunks(
  handle: FileHandle,
  position: number,
  scanner: LineScanner,
  buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES),
  end = Number.POSITIVE_INFINITY,
): AsyncGenerator<EventEntry[], number> {
  for (;;) {
    const length = Math.min(buffer.length, end - position);
    if (length <= 0) return position;
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead === 0) return position;
    position += bytesRead;
    const entries = scanner.scan(buffer.subarray(0, bytesRead));
    if (entries.length > 0) yield entries;
  }
}

/** Whether `offset` is the start of a line of the file (0, or just after a newline). */
export async function isLineStart(handle: FileHandle, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const byte = Buffer.alloc(1);
  const { bytesRead } = await handle.read(byte, 0, 1, offset - 1);
  return bytesRead === 1 && byte[0] === 10;
}

/** The `onCorrupt` reason for the bytes skipped when a reader is asked to start inside a line. */
export const NOT_LINE_START = 'from is not a line start';
