import { existsSync, fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CHUNK_BYTES,
  ChangeHints,
  DEFAULT_POLL_MS,
  type EventEntry,
  type EventSchemas,
  isLineStart,
  LineScanner,
  lastLineEnd,
  NOT_LINE_START,
  positiveMs,
  readEpoch,
  readOn,
} from '@fipc/core';
import { EventLogError } from './errors.js';
import { readEntries, scanEntries } from './read-entries.js';
import { sealTime } from './seal.js';
import { locateLogFile } from './segments.js';
import { openByEpoch, openFrom, openLive, type TailedFile } from './tail-files.js';
import { type TailEventsOptions, type TailReset, validFrom } from './tail-options.js';
import { type EntryOf, typedEntries, type UnknownEvents } from './typed-reader.js';

/**
 * Follows a log as it grows, like `tail -F`: yields each complete record once, in order, as soon as its
 * newline is written. Reads a rotated log's retained segments in order, then the live file (PROTOCOL.md
 * 2.6): a file that left the path is read until it is sealed, then the next one from its start. Waits for a
 * file that does not exist yet; buffers a partial line until its newline; starts over at 0 on truncation and
 * on replacement (after draining the old file), telling `onReset`.
 * Runs until `signal` aborts. With `events` (a contract's), records are validated and typed as in
 * `readEvents`. Rejects with an {@link EventLogError}: `NOT_A_FILE` for a symlink, directory or
 * FIFO at the path, the common code of any other failure to open it (`IO_ERROR` for `EACCES`, `EMFILE`, ...).
 *
 * @example
 * const controller = new AbortController();
 * for await (const { record } of tailEvents('run/events.jsonl', { events: contract.events, signal: controller.signal })) {
 *   if (record.event_type === 'progress') console.log(record.data.percent); // a number
 *   if (record.event_type === 'completed') controller.abort();
 * }
 */
export function tailEvents<E extends EventSchemas | undefined = undefined, U extends UnknownEvents = 'skip'>(
  path: string,
  options: TailEventsOptions<E, U> = {},
): AsyncGenerator<EntryOf<E, U>> {
  return typedEntries(followLog(resolve(path), options), options, resolve(path));
}

async function* followLog(
  file: string,
  options: TailEventsOptions<EventSchemas | undefined, UnknownEvents>,
): AsyncGenerator<EventEntry> {
  const { signal, onReset, onSkip, onFile, maxLineBytes } = options;
  let from = options.from ?? 'start';
  if (!validFrom(from))
    throw new EventLogError(
      'INVALID_OPTIONS',
      `from must be 'start', 'end', an offset >= 0 or { epoch, offset }, not ${JSON.stringify(from)}`,
    );
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
  let current: TailedFile | undefined;
  /** Waiting for the file after a sealed one: `undefined` before the first file, else the last segment read. */
  let after: { segment: number | undefined } | undefined;
  let position = 0;
  let announced = false;
  let sealTimer: NodeJS.Timeout | undefined;
  let scanner = new LineScanner(0, scannerOptions);
  const reset = (reason: TailReset['reason'], previousOffset: number) => {
    scanner.reset(0, `log ${reason} before the line ended`);
    position = 0;
    announced = false;
    onReset?.({ reason, previousOffset });
  };
  try {
    while (!signal?.aborted) {
      await hints.wait();
      if (signal?.aborted) return;
      if (!current) {
        if (after) {
          current = after.segment === undefined ? await openLive(file) : await openFrom(file, after.segment);
          if (!current) continue;
          const skipped =
            after.segment === undefined ? 0 : (current.segment ?? after.segment + 1) - after.segment - 1;
          if (skipped > 0) {
            // Retention deleted segments this follower had not read yet: say so, as for any input passed over.
            onSkip?.({ reason: `${skipped} segment(s) deleted before they were read`, path: current.path });
          }
          after = undefined;
          position = 0;
        } else {
          if (typeof from === 'object') {
            current = await openByEpoch(file, from.epoch);
            if (!current) {
              reset('truncated', from.offset);
              from = 'start';
            }
          }
          if (!current) current = from === 'start' ? await openFrom(file, undefined) : await openLive(file);
          if (!current) {
            if (from === 'end') from = 'start'; // everything in a log that appears later is new
            continue;
          }
          const fd = current.log.handle.fd;
          const size = current.log.stats.size;
          position =
            typeof from === 'object'
              ? from.offset
              : from === 'end'
                ? lastLineEnd(fd, size)
                : from === 'start'
                  ? 0
                  : from;
          from = 'start';
          if (position > size) reset('truncated', position);
          scanner = new LineScanner(position, scannerOptions);
          if (!isLineStart(fd, position)) scanner.skipLine(NOT_LINE_START);
        }
      }
      const { log } = current;
      const fd = log.handle.fd;
      if (!announced && onFile) {
        const epoch = readEpoch(fd); // defined once a line is complete: before any record
        if (epoch) {
          announced = true;
          onFile({ epoch, path: current.path });
        }
      }
      // The usual wake-up is one read: see readOn. The rest (a held partial line, a file that changed under the
      // position, more than a chunk of news) takes the general path: stat, check, read to the size seen.
      const news = scanner.atLineStart ? readOn(fd, position, buffer) : undefined;
      if (news) {
        for (const entry of scanEntries(news, scanner, context)) {
          if (signal?.aborted) return;
          yield entry;
        }
        position += news.length;
      }
      // A full read (the buffer less the byte before the position) may have left more behind.
      if (!news || news.length >= buffer.length - 1) {
        const size = fstatSync(fd).size;
        if (changedUnder(fd, size, position, scanner)) reset('truncated', position);
        position = yield* readEntries(log.handle, position, size, scanner, buffer, context);
      }
      if (signal?.aborted) return;
      // A write to the file cannot replace it: the path is looked at after renames, creations and polls only.
      if (current.live) {
        if (!hints.takeRenamed()) continue;
        const where = locateLogFile(file, fstatSync(fd));
        if (where.kind === 'segment') current.segment = where.segment.number;
        // A path that names nothing yet (a file moved away, not by a rotation) is no replacement yet.
        if (where.kind === 'live' || (where.kind === 'moved' && !where.deleted && !existsSync(file)))
          continue;
        current.live = false;
        current.seenAt = Date.now();
      }
      // Left the path: what writers append to it until it is sealed belongs to it; then the next file.
      const stats = fstatSync(fd);
      const wait = sealTime(stats, current.seenAt) - Date.now();
      if (wait > 0 || stats.size > position) {
        clearTimeout(sealTimer);
        sealTimer = setTimeout(() => hints.hint(), Math.max(0, wait));
        continue;
      }
      await log.handle.close();
      after = { segment: current.segment };
      reset(current.segment === undefined ? 'rotated' : 'segment', position);
      current = undefined;
      hints.hint(); // the next file may already hold records: read them without waiting
    }
  } catch (error) {
    throw EventLogError.from(error, file);
  } finally {
    clearTimeout(sealTimer);
    hints.close();
    await current?.log.handle.close();
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
