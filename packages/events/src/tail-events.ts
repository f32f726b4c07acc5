import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChangeHints } from './change-hints.js';
import { EventLogError } from './errors.js';
import { type EventEntry, LineScanner, type ReaderOptions } from './line-scanner.js';
import { isLineStart, NOT_LINE_START, readChunks } from './read-chunks.js';

/**
 * Why a follower started over at offset 0 of the log.
 * `truncated`: the file shrank below the read position. `rotated`: the path now names another file (the old one
 * was drained first).
 *
 * @example
 * tailEvents(path, { onReset: ({ reason, previousOffset }: TailReset) => console.warn(`${reason} at ${previousOffset}`) });
 */
export interface TailReset {
  /** `truncated`: the file shrank below the read position; `rotated`: the path names another file. */
  reason: 'truncated' | 'rotated';
  /** The read position in the previous file when the reset was seen. */
  previousOffset: number;
}

/**
 * Options of {@link tailEvents}.
 *
 * @example
 * const controller = new AbortController();
 * const options: TailEventsOptions = { from: 'end', signal: controller.signal, pollMs: 1_000 };
 */
export interface TailEventsOptions extends ReaderOptions {
  /**
   * `'start'`, `'end'` (the end of the last complete line), or a byte offset such as an entry's `nextOffset`.
   * `'end'` of a log that does not exist yet is its start (everything in it is new). An offset past the end
   * of the file belongs to an earlier, longer file: the follower starts at 0 and tells `onReset`
   * (`truncated`). An offset inside a line skips to the next line (told to `onCorrupt`).
   * @default 'start'
   */
  from?: 'start' | 'end' | number;
  /** Ends the iteration quietly, even while it waits for data. The only way to stop a waiting follower. */
  signal?: AbortSignal;
  /**
   * Safety poll period in ms: the longest a record can wait when every change notification is lost.
   * @default 500
   */
  pollMs?: number;
  /** Called before the first record of a truncated or replaced log (or when `from` is past its end). */
  onReset?: (reset: TailReset) => void;
}

/**
 * Follows a log as it grows, like `tail -F`: yields each complete record once, in order, as soon as its
 * newline is written. Waits for a file that does not exist yet; buffers a partial line until its newline;
 * starts over at 0 on truncation and on rotation (after draining the old file), telling `onReset`.
 * Runs until `signal` aborts.
 *
 * @example
 * const controller = new AbortController();
 * for await (const { record } of tailEvents('run/events.jsonl', { signal: controller.signal })) {
 *   if (record.event_type === 'completed') controller.abort();
 * }
 */
export async function* tailEvents(path: string, options: TailEventsOptions = {}): AsyncGenerator<EventEntry> {
  const file = resolve(path);
  const { signal, onReset, pollMs = 500 } = options;
  let from = options.from ?? 'start';
  if (!(from === 'start' || from === 'end' || (Number.isSafeInteger(from) && from >= 0)))
    throw new EventLogError('INVALID_OPTIONS', `from must be 'start', 'end' or an offset >= 0, not ${from}`);
  if (!(pollMs > 0)) throw new EventLogError('INVALID_OPTIONS', 'pollMs must be positive');
  const hints = new ChangeHints(file, pollMs, signal);
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let handle: FileHandle | undefined;
  let identity: Stats | undefined;
  let position = 0;
  let scanner = new LineScanner(0, options);
  const reset = (reason: TailReset['reason'], previousOffset: number) => {
    scanner.reset(0, `log ${reason} before the line ended`);
    position = 0;
    onReset?.({ reason, previousOffset });
  };
  try {
    while (!signal?.aborted) {
      await hints.wait();
      if (signal?.aborted) return;
      if (!handle) {
        handle = await open(file, 'r').catch(() => undefined);
        if (!handle) {
          if (from === 'end') from = 'start'; // everything in a log that appears later is new
          continue;
        }
        identity = await handle.stat();
        hints.watchFile();
        position = from === 'start' ? 0 : from === 'end' ? await lastLineEnd(handle, identity.size) : from;
        scanner = new LineScanner(position, options);
        if (position > identity.size) reset('truncated', position);
        else if (!isLineStart(handle, position)) scanner.skipLine(NOT_LINE_START);
        from = 'start';
      } else if (position > 0 && scanner.atLineStart && !isLineStart(handle, position)) {
        // Truncated and written again past our position since the last look: the bytes before us changed.
        reset('truncated', position);
      }
      position = yield* drain(handle, position, scanner, buffer, signal);
      if (signal?.aborted) return;
      const [current, { size }] = await Promise.all([stat(file).catch(() => undefined), handle.stat()]);
      if (current && (current.ino !== identity?.ino || current.dev !== identity.dev)) {
        // Rotated: what the last writers of the old file wrote before the new one appeared comes first.
        position = yield* drain(handle, position, scanner, buffer, signal);
        if (signal?.aborted) return;
        await handle.close();
        handle = undefined;
        reset('rotated', position);
        hints.hint(); // the new file may already hold records: read them without waiting
      } else if (size < position) {
        reset('truncated', position);
        hints.hint();
      }
    }
  } finally {
    hints.close();
    await handle?.close();
  }
}

/** Yields the entries from `position` to the end of `handle`; returns the position reached. */
async function* drain(
  handle: FileHandle,
  position: number,
  scanner: LineScanner,
  buffer: Buffer,
  signal: AbortSignal | undefined,
): AsyncGenerator<EventEntry, number> {
  const reader = readChunks(handle, position, scanner, buffer, undefined, true);
  for (;;) {
    const step = await reader.next();
    if (step.done) return step.value;
    for (const entry of step.value) {
      if (signal?.aborted) return position; // the caller stops
      yield entry;
    }
  }
}

/** The offset just past the last newline before `size`: 'end' must not start inside a line being written. */
async function lastLineEnd(handle: FileHandle, size: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - buffer.length);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const nl = buffer.subarray(0, bytesRead).lastIndexOf(10);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return 0;
}
