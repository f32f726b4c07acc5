import type { FileHandle } from 'node:fs/promises';
import { type EventEntry, type LineScanner, type OnSkip, parseRecordLine, readLines } from '@fipc/core';

/**
 * Options shared by every reader.
 *
 * @example
 * const options: ReaderOptions = { maxLineBytes: 1024 * 1024, onSkip: (skip) => console.warn(skip.reason) };
 */
export interface ReaderOptions {
  /**
   * Told about every line skipped (readers never throw for bad content): `{ reason, path, offset, length }`.
   */
  onSkip?: OnSkip;
  /**
   * A line longer than this is skipped without being held in memory.
   * @default 8 MiB
   */
  maxLineBytes?: number;
}

/** How one reader reads: the log's path (for `onSkip`), its signal, and whether the first chunk is read at once. */
export interface ReadContext {
  path: string;
  onSkip: OnSkip | undefined;
  signal: AbortSignal | undefined;
  firstSync: boolean;
}

/** Collects the records of the complete lines given to it (its `onLine`), skipping the others as the reader's. */
function collector({ path, onSkip }: ReadContext) {
  const entries: EventEntry[] = [];
  const onLine = (line: Buffer, offset: number) => {
    const entry = parseRecordLine(line, offset, onSkip, path);
    if (entry) entries.push(entry);
  };
  return { entries, onLine };
}

/** The records of the lines that `chunk`, the bytes at the scanner's position, completes. */
export function scanEntries(chunk: Buffer, scanner: LineScanner, context: ReadContext): EventEntry[] {
  const { entries, onLine } = collector(context);
  scanner.scan(chunk, onLine);
  return entries;
}

/**
 * Yields the records between `position` and `end`, one chunk at a time (memory stays bounded whatever the
 * file holds); returns the position reached.
 */
export async function* readEntries(
  handle: FileHandle,
  position: number,
  end: number,
  scanner: LineScanner,
  buffer: Buffer,
  context: ReadContext,
): AsyncGenerator<EventEntry, number> {
  const { entries, onLine } = collector(context);
  for (let sync = context.firstSync; position < end; sync = false) {
    const chunkEnd = Math.min(end, position + buffer.length);
    const reached = await readLines(handle, position, scanner, onLine, {
      end: chunkEnd,
      buffer,
      firstSync: sync,
    });
    if (reached === position) break; // the file shrank under us: the follower sees it next time
    position = reached;
    for (const entry of entries.splice(0)) {
      if (context.signal?.aborted) return position;
      yield entry;
    }
  }
  return position;
}
