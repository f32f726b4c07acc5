import { open } from 'node:fs/promises';
import { type EventEntry, LineScanner, type ReaderOptions } from './line-scanner.js';
import { isLineStart, NOT_LINE_START, readChunks } from './read-chunks.js';

/**
 * Options of {@link readEvents}.
 *
 * @example
 * const options: ReadEventsOptions = { from: 0, signal: AbortSignal.timeout(5_000) };
 */
export interface ReadEventsOptions extends ReaderOptions {
  /**
   * Byte offset to start at, normally an entry's `nextOffset`. An offset inside a line skips to the next one.
   * @default 0
   */
  from?: number;
  /** Stops the iteration (quietly: the loop just ends). */
  signal?: AbortSignal;
}

/**
 * Iterates over the complete records in the log now, in file order. Bytes after the last newline (a record
 * still being written, or a torn one) are not yielded. Bad lines are skipped and told to `onCorrupt`;
 * a missing file yields nothing.
 *
 * @example
 * for await (const { record, nextOffset } of readEvents('run/events.jsonl')) {
 *   console.log(record.event_type, record.data);
 * }
 */
export async function* readEvents(path: string, options: ReadEventsOptions = {}): AsyncGenerator<EventEntry> {
  const { signal } = options;
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return;
  try {
    const position = options.from ?? 0;
    const scanner = new LineScanner(position, options);
    if (!isLineStart(handle, position)) scanner.skipLine(NOT_LINE_START);
    // Only what is there now: a log appended faster than we read must not keep this loop going forever.
    const { size } = await handle.stat();
    for await (const entries of readChunks(handle, position, scanner, undefined, size)) {
      for (const entry of entries) {
        if (signal?.aborted) return;
        yield entry;
      }
    }
  } finally {
    await handle.close();
  }
}
