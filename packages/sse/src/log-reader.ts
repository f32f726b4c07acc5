import { read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { type CorruptLine, type EventEntry, type EventRecord, parseRecordLine } from '@fipc/events';

const CHUNK_BYTES = 64 * 1024;
const readAsync = promisify(read);

export interface LineReaderOptions {
  onCorrupt?: (corrupt: CorruptLine) => void;
  /** @default 8 MiB */
  maxLineBytes?: number;
}

/**
 * Reads the complete lines from `position` (a line start) on, one chunk's worth, from an open handle. Stateless
 * between calls, so a client can resume at any line start with one seek. `next === position` means the end.
 * Reading from a descriptor (not a path) keeps every offset about the file whose epoch was checked.
 */
export async function readLines(
  fd: number,
  position: number,
  options: LineReaderOptions = {},
): Promise<{ entries: EventEntry[]; next: number }> {
  const maxLineBytes = options.maxLineBytes ?? 8 * 1024 * 1024;
  for (let size = CHUNK_BYTES; ; size *= 4) {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await readAsync(fd, buffer, 0, size, position);
    const last = buffer.subarray(0, bytesRead).lastIndexOf(10);
    if (last !== -1) {
      const entries: EventEntry[] = [];
      let start = 0;
      for (let nl = buffer.indexOf(10); start <= last; nl = buffer.indexOf(10, start)) {
        const entry = parseRecordLine(buffer.subarray(start, nl), position + start, options.onCorrupt);
        if (entry) entries.push(entry);
        start = nl + 1;
      }
      return { entries, next: position + last + 1 };
    }
    if (bytesRead < size) return { entries: [], next: position }; // an unfinished line at the end
    if (size >= maxLineBytes) return { entries: [], next: await skipLine(fd, position, options) };
  }
}

/** Past an over-long line without holding it; stays put when its newline is not written yet. */
async function skipLine(fd: number, position: number, options: LineReaderOptions): Promise<number> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (let at = position; ; ) {
    const { bytesRead } = await readAsync(fd, buffer, 0, CHUNK_BYTES, at);
    if (bytesRead === 0) return position;
    const nl = buffer.subarray(0, bytesRead).indexOf(10);
    if (nl !== -1) {
      options.onCorrupt?.({
        offset: position,
        length: at + nl - position,
        reason: 'line longer than maxLineBytes',
      });
      return at + nl + 1;
    }
    at += bytesRead;
  }
}

/** The record on the line that ends just before `end` (which must follow a newline), if it is one. */
export function recordBefore(fd: number, end: number): EventRecord | undefined {
  const parts: Buffer[] = [];
  let start = end - 1;
  while (start > 0) {
    const from = Math.max(0, start - CHUNK_BYTES);
    const buffer = Buffer.allocUnsafe(start - from);
    readSync(fd, buffer, 0, buffer.length, from);
    const nl = buffer.lastIndexOf(10);
    parts.unshift(buffer.subarray(nl + 1));
    if (nl !== -1) break;
    start = from;
  }
  return parseRecordLine(Buffer.concat(parts), 0)?.record;
}
