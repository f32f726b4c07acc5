import type { EventSchemas } from '@fipc/core';
import type { ReaderOptions } from './read-entries.js';
import type { TailFile, TailPosition } from './tail-files.js';
import type { TypedReaderOptions, UnknownEvents } from './typed-reader.js';

/**
 * Why a follower started over at offset 0 of a file.
 * `truncated`: the file shrank below the read position, or was rewritten under it. `rotated`: the path now
 * names another file (the old one was drained first). `segment`: the file was a segment of a rotated log,
 * read to its end once sealed: the follower goes on with the next segment or the live file, nothing lost.
 *
 * @example
 * tailEvents(path, { onReset: ({ reason, previousOffset }: TailReset) => console.warn(`${reason} at ${previousOffset}`) });
 */
export interface TailReset {
  /**
   * `truncated`: the file shrank below the read position, or changed under it; `rotated`: the path names
   * another file; `segment`: the log goes on in its next file (a rotation of PROTOCOL.md 2.6).
   */
  reason: 'truncated' | 'rotated' | 'segment';
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
export interface TailEventsOptions<
  E extends EventSchemas | undefined = undefined,
  U extends UnknownEvents = 'skip',
> extends ReaderOptions,
    TypedReaderOptions<E, U> {
  /**
   * `'start'`: the oldest retained segment (PROTOCOL.md 2.6), else the live file. `'end'`: the end of the
   * live file's last complete line. A byte offset (such as an entry's `nextOffset`): in the live file. A
   * {@link TailPosition}: in the file with that epoch, the live file or a retained segment; when none has it
   * any more, the follower starts at `'start'` and tells `onReset` (`truncated`).
   * `'end'` of a log that does not exist yet is its start (everything in it is new). An offset past the end
   * of the file belongs to an earlier, longer file: the follower starts at 0 and tells `onReset`
   * (`truncated`). An offset inside a line skips to the next line (told to `onSkip`).
   * @default 'start'
   */
  from?: 'start' | 'end' | number | TailPosition;
  /** Ends the iteration quietly, even while it waits for data. The only way to stop a waiting follower. */
  signal?: AbortSignal;
  /**
   * Safety poll period in ms: the longest a record can wait when every change notification is lost.
   * @default DEFAULT_POLL_MS (500)
   */
  pollMs?: number;
  /**
   * Called before the first record of a truncated or replaced log, of the next segment (or when `from` is
   * past its end).
   */
  onReset?: (reset: TailReset) => void;
  /** Called before the first record of each file read (the first one, the next segment, a replacement). */
  onFile?: (file: TailFile) => void;
}

/** Whether `from` is one of the starting points {@link TailEventsOptions} allows. */
export const validFrom = (from: unknown): boolean =>
  from === 'start' ||
  from === 'end' ||
  (Number.isSafeInteger(from) && (from as number) >= 0) ||
  (typeof from === 'object' &&
    from !== null &&
    typeof (from as TailPosition).epoch === 'string' &&
    Number.isSafeInteger((from as TailPosition).offset) &&
    (from as TailPosition).offset >= 0);
