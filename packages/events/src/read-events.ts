import {
  CHUNK_BYTES,
  type EventEntry,
  type EventSchemas,
  isLineStart,
  LineScanner,
  NOT_LINE_START,
} from '@fipc/core';
import { EventLogError } from './errors.js';
import { openRegular } from './open-file.js';
import { type ReaderOptions, readEntries } from './read-entries.js';
import { type EntryOf, type TypedReaderOptions, typedEntries, type UnknownEvents } from './typed-reader.js';

/**
 * Options of {@link readEvents}.
 *
 * @example
 * const options: ReadEventsOptions = { from: 0, signal: AbortSignal.timeout(5_000) };
 */
export interface ReadEventsOptions<
  E extends EventSchemas | undefined = undefined,
  U extends UnknownEvents = 'skip',
> extends ReaderOptions,
    TypedReaderOptions<E, U> {
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
 * still being written, or a torn one) are not yielded. Bad lines are skipped and told to `onSkip`; a missing
 * file yields nothing. With `events` (a contract's), each record's data is validated and typed by its
 * `event_type`; a record that fails is skipped (told to `onSkip`). A symlink, directory or FIFO at the path throws `NOT_A_FILE`; another failure to open
 * it `IO_ERROR` (an {@link EventLogError}).
 *
 * @example
 * for await (const { record, nextOffset } of readEvents('run/events.jsonl')) {
 *   console.log(record.event_type, record.data);
 * }
 * // Typed by the contract shared with the worker:
 * for await (const { record } of readEvents('run/events.jsonl', { events: contract.events })) {
 *   if (record.event_type === 'progress') console.log(record.data.percent); // a number
 * }
 */
export function readEvents<E extends EventSchemas | undefined = undefined, U extends UnknownEvents = 'skip'>(
  path: string,
  options: ReadEventsOptions<E, U> = {},
): AsyncGenerator<EntryOf<E, U>> {
  return typedEntries(readLog(path, options), options, path);
}

async function* readLog(
  path: string,
  options: ReadEventsOptions<EventSchemas | undefined, UnknownEvents>,
): AsyncGenerator<EventEntry> {
  const { signal, onSkip, maxLineBytes } = options;
  const position = options.from ?? 0;
  if (!Number.isSafeInteger(position) || position < 0)
    throw new EventLogError('INVALID_OPTIONS', `from must be an offset >= 0, not ${position}`);
  const log = await openRegular(path);
  if (!log) return;
  try {
    const scanner = new LineScanner(position, { maxLineBytes, onSkip, path });
    if (!isLineStart(log.handle.fd, position)) scanner.skipLine(NOT_LINE_START);
    // Only what is there now: a log appended faster than we read must not keep this loop going forever.
    const context = { path, onSkip, signal, firstSync: false };
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    yield* readEntries(log.handle, position, log.stats.size, scanner, buffer, context);
  } catch (error) {
    throw EventLogError.from(error, path);
  } finally {
    await log.handle.close();
  }
}
