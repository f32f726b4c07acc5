import { fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CHUNK_BYTES,
  ChangeHints,
  DEFAULT_POLL_MS,
  type EventEntry,
  isLineStart,
  LineScanner,
  lastLineEnd,
  NOT_LINE_START,
  positiveMs,
} from '@fipc/core';
import { EventLogError } from './errors.js';
import { type OpenedFile, openRegular, replacedAtPath } from './open-file.js';
import { type ReaderOptions, readEntries } from './read-entries.js';

/**
 * Why a follower started over at offset 0 of the log.
 * `truncated`: the file shrank below the read position, or was rewritten under it. `rotated`: the path now
 * names another file (the old one was drained first).
 *
 * @example
 * tailEvents(path, { onReset: ({ reason, previousOffset }: TailReset) => console.warn(`${reason} at ${previousOffset}`) });
 */
export interface TailReset {
  /** `truncated`: the file shrank below the read position, or changed under it; `rotated`: the path names another file. */
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
   * (`truncated`). An offset inside a line skips to the next line (told to `onSkip`).
   * @default 'start'
   */
  from?: 'start' | 'end' | number;
  /** Ends the iteration quietly, even while it waits for data. The only way to stop a waiting follower. */
  signal?: AbortSignal;
  /**
   * Safety poll period in ms: the longest a record can wait when every change notification is lost.
   * @default DEFAULT_POLL_MS (500)
   */
  pollMs?: number;
  /** Called before the first record of a truncated or replaced log (or when `from` is past its end). */
  onReset?: (reset: TailReset) => void;
}

/**
 * Follows a log as it grows, like `tail -F`: yields each complete record once, in order, as soon as its
 * newline is written. Waits for a file that does not exist yet; buffers a partial line until its newline;
 * starts over at 0 on truncation and on rotation (after draining the old file), telling `onReset`.
 * Runs until `signal` aborts. Rejects with an {@link EventLogError}: `NOT_A_FILE` for a symlink, directory or
 * FIFO at the path, the common code of any other failure to open it (`IO_ERROR` for `EACCES`, `EMFILE`, ...).
 *
 * @example
 * const controller = new AbortController();
 * for await (const { record } of tailEvents('run/events.jsonl', { signal: controller.signal })) {
 *   if (record.event_type === 'completed') controller.abort();
 * }
 */
export async function* tailEvents(path: string, options: TailEventsOptions = {}): AsyncGenerator<EventEntry> {
  const file = resolve(path);
  const { signal, onReset, onSkip, maxLineBytes } = options;
  let from = options.from ?? 'start';
  if (!(from === 'start' || from === 'end' || (Number.isSafeInteger(from) && from >= 0)))
    throw new EventLogError('INVALID_OPTIONS', `from must be 'start', 'end' or an offset >= 0, not ${from}`);
  let pollMs: number;
  try {
    pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
  } catch (error) {
    throw EventLogError.from(error);
  }
  const hints = new ChangeHints(file, pollMs, signal);
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const context = { path: file, onSkip, signal, firstSync: true };
  const scannerOptions = { maxLineBytes, onSkip, path: file };
  let log: OpenedFile | undefined;
  let position = 0;
  let scanner = new LineScanner(0, scannerOptions);
  const reset = (reason: TailReset['reason'], previousOffset: number) => {
    scanner.reset(0, `log ${reason} before the line ended`);
    position = 0;
    onReset?.({ reason, previousOffset });
  };
  try {
    while (!signal?.aborted) {
      await hints.wait();
      if (signal?.aborted) return;
      let size: number;
      if (!log) {
        log = await openRegular(file);
        if (!log) {
          if (from === 'end') from = 'start'; // everything in a log that appears later is new
          continue;
        }
        size = log.stats.size;
        position = from === 'start' ? 0 : from === 'end' ? lastLineEnd(log.handle.fd, size) : from;
        scanner = new LineScanner(position, scannerOptions);
        if (position > size) reset('truncated', position);
        else if (!isLineStart(log.handle.fd, position)) scanner.skipLine(NOT_LINE_START);
        from = 'start';
      } else {
        size = fstatSync(log.handle.fd).size;
        if (changedUnder(log.handle.fd, size, position, scanner)) reset('truncated', position);
      }
      position = yield* readEntries(log.handle, position, size, scanner, buffer, context);
      if (signal?.aborted) return;
      // A write to the file cannot replace it: the path is looked at after renames, creations, polls only.
      if (hints.takeRenamed() && replacedAtPath(file, log.stats)) {
        // Rotated: what the last writers of the old file wrote before the new one appeared comes first.
        size = fstatSync(log.handle.fd).size;
        position = yield* readEntries(log.handle, position, size, scanner, buffer, context);
        if (signal?.aborted) return;
        await log.handle.close();
        log = undefined;
        reset('rotated', position);
        hints.hint(); // the new file may already hold records: read them without waiting
      }
    }
  } catch (error) {
    throw EventLogError.from(error, file);
  } finally {
    hints.close();
    await log?.handle.close();
  }
}

/**
 * Whether the file changed under the read position since the last look: it is shorter, or it was truncated and
 * written again past it (the byte before a line start is no longer a newline, or a held partial line's bytes
 * are no longer there). Reading on would glue the new file's bytes to the old ones.
 */
function changedUnder(fd: number, size: number, position: number, scanner: LineScanner): boolean {
  if (size < position) return true;
  if (scanner.atLineStart) return position > 0 && !isLineStart(fd, position);
  return !scanner.stillMatches(fd);
}
