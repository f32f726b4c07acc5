import { closeSync } from 'node:fs';
import { isLineStart, readEpoch } from '@fipc/core';
import { readError, type SseError } from './errors.js';
import { parseEventId } from './event-id.js';
import { type LogFile, openByEpoch, openNext } from './log-files.js';
import { recordBefore } from './log-reader.js';
import type { ResolvedOptions } from './options.js';

/** Where a client starts, decided before any byte is sent (so the HTTP status can still say no). */
export interface Prepared {
  /**
   * 200 stream, 204 done (the last id was a terminal record), 400 malformed id, 404 no log with
   * `missing: 'not-found'`, 410 stale id with `'gone'`, 500 the log cannot be opened or read (`error`:
   * `NOT_A_FILE` or `IO_ERROR`).
   */
  status: 200 | 204 | 400 | 404 | 410 | 500;
  message: string;
  error?: SseError;
  path: string;
  /**
   * The descriptor of the file the client starts in (the live file, or a retained segment: PROTOCOL.md 2.6),
   * when there is one; the session reads its catch-up from it and closes it.
   */
  fd: number | undefined;
  /** The segment number of that file; `undefined` for the live file. */
  segment: number | undefined;
  position: number;
  epoch: string | undefined;
  /** Set when the client's id belongs to another log: it restarts at 0 and is told first. */
  staleId: string | undefined;
}

/**
 * Opens the log and checks `lastEventId` in O(1) whatever the log's size: one read of the first line for the
 * epoch (of the live file, then of each retained segment, newest first, until one matches), one byte before
 * the offset (it must end a line), and the line before it for the terminal check. Without an id, a client
 * starts at the oldest retained segment. Synchronous (a few small reads) so that `sseResponse` can answer
 * with a plain `Response`.
 */
export function prepare(
  path: string,
  lastEventId: string | null | undefined,
  options: ResolvedOptions,
): Prepared {
  const result = (status: Prepared['status'], message: string, extra: Partial<Prepared> = {}): Prepared => ({
    status,
    message,
    path,
    fd: undefined,
    segment: undefined,
    position: 0,
    epoch: undefined,
    staleId: undefined,
    ...extra,
  });
  const id = lastEventId ? parseEventId(lastEventId) : undefined;
  if (lastEventId && !id)
    return result(400, `malformed Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 64))}`);
  let file: LogFile | undefined;
  let keep = true;
  try {
    const start = () => {
      file = openNext(path, undefined);
      return { fd: file?.fd, segment: file?.segment, epoch: file && readEpoch(file.fd) };
    };
    const missing = (first: ReturnType<typeof start>) =>
      first.fd === undefined && options.missing === 'not-found';
    if (!id) {
      const first = start();
      return missing(first) ? result(404, 'no such event stream') : result(200, 'ok', first);
    }
    file = openByEpoch(path, id.epoch);
    if (file && isLineStart(file.fd, id.offset)) {
      const { fd, segment } = file;
      const record =
        options.terminal && id.offset > 0 ? recordBefore(fd, id.offset, options.maxLineBytes) : undefined;
      if (record && options.terminal?.(record)) {
        keep = false;
        return result(204, 'the stream ended with a terminal record');
      }
      return result(200, 'ok', { fd, segment, epoch: id.epoch, position: id.offset });
    }
    if (file) closeSync(file.fd);
    file = undefined;
    const first = start();
    if (missing(first)) {
      keep = false;
      return result(404, 'no such event stream');
    }
    if (options.staleId === 'restart') return result(200, 'ok', { ...first, staleId: lastEventId! });
    keep = false;
    return result(410, `event id ${lastEventId} is from a replaced or truncated log, or a deleted segment`);
  } catch (cause) {
    keep = false;
    const error = readError(cause, path);
    const what = error.code === 'NOT_A_FILE' ? 'is not a regular file' : 'cannot be read';
    return result(500, `the log ${what}`, { error }); // no path: the body goes to the client
  } finally {
    if (!keep && file) closeSync((file as LogFile).fd);
  }
}
