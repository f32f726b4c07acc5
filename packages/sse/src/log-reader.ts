import { isUtf8 } from 'node:buffer';
import { read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { type CorruptLine, type EventEntry, type EventRecord, toEventRecord } from '@fipc/events';

const CHUNK_BYTES = 64 * 1024;
const readAsync = promisify(read);
const RECORD_START = '{"schema_version":';

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
        parseLine(buffer.subarray(start, nl), position + start, entries, options);
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
  const entries: EventEntry[] = [];
  parseLine(Buffer.concat(parts), 0, entries, {});
  return entries[0]?.record;
}

/** PROTOCOL.md 2.5: blank lines are skipped, bad lines reported, a record glued to a torn fragment recovered. */
function parseLine(line: Buffer, offset: number, entries: EventEntry[], options: LineReaderOptions): void {
  const nextOffset = offset + line.length + 1;
  if (line.every((byte) => byte === 32 || byte === 9 || byte === 13)) return;
  const corrupt = (length: number, reason: string) => options.onCorrupt?.({ offset, length, reason });
  if (!isUtf8(line)) {
    corrupt(line.length, 'invalid UTF-8');
    return;
  }
  const text = line.toString('utf8');
  let parsed = parse(text);
  let skipped = 0;
  if (parsed === undefined) {
    const at = text.lastIndexOf(RECORD_START);
    if (at > 0) parsed = parse(text.slice(at));
    if (parsed === undefined) {
      corrupt(line.length, 'invalid JSON');
      return;
    }
    skipped = Buffer.byteLength(text.slice(0, at));
    corrupt(skipped, 'torn fragment before a record');
  }
  const record = toEventRecord(parsed);
  if (typeof record === 'string') {
    corrupt(line.length, record);
    return;
  }
  entries.push({ record, offset: offset + skipped, nextOffset });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
