import { closeSync, constants } from 'node:fs';
import { FipcError, isLineStart, openRegularSync, readEpoch } from '@fipc/core';
import { readError, type SseError } from './errors.js';
import { parseEventId } from './event-id.js';
import { recordBefore } from './log-reader.js';
import type { ResolvedOptions } from './options.js';

/** Where a client starts, decided before any byte is sent (so the HTTP status can still say no). */
export interface Prepared {
  /**
   * 200 stream, 204 done (the last id was a terminal record), 400 malformed id, 410 stale id with `'gone'`,
   * 500 the log cannot be opened or read (`error`: `NOT_A_FILE` or `IO_ERROR`).
   */
  status: 200 | 204 | 400 | 410 | 500;
  message: string;
  error?: SseError;
  path: string;
  /** The log's descriptor when it exists; the session reads its catch-up from it and closes it. */
  fd: number | undefined;
  position: number;
  epoch: string | undefined;
  /** Set when the client's id belongs to another log: it restarts at 0 and is told first. */
  staleId: string | undefined;
}

/**
 * Opens the log and checks `lastEventId` in O(1) whatever the log's size: one read of the first line for the
 * epoch, one byte before the offset (it must end a line), and the line before it for the terminal check.
 * Synchronous (a few small reads) so that `sseResponse` can answer with a plain `Response`.
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
    position: 0,
    epoch: undefined,
    staleId: undefined,
    ...extra,
  });
  const id = lastEventId ? parseEventId(lastEventId) : undefined;
  if (lastEventId && !id)
    return result(400, `malformed Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 64))}`);
  let fd: number | undefined;
  let keep = true;
  try {
    fd = openLog(path);
    const epoch = fd === undefined ? undefined : readEpoch(fd);
    if (!id) return result(200, 'ok', { fd, epoch });
    if (fd !== undefined && epoch === id.epoch && isLineStart(fd, id.offset)) {
      const record =
        options.terminal && id.offset > 0 ? recordBefore(fd, id.offset, options.maxLineBytes) : undefined;
      if (record && options.terminal?.(record)) {
        keep = false;
        return result(204, 'the stream ended with a terminal record');
      }
      return result(200, 'ok', { fd, epoch, position: id.offset });
    }
    if (options.staleId === 'restart') return result(200, 'ok', { fd, epoch, staleId: lastEventId! });
    keep = false;
    return result(410, `event id ${lastEventId} is from a replaced or truncated log`);
  } catch (cause) {
    keep = false;
    const error = readError(cause, path);
    const what = error.code === 'NOT_A_FILE' ? 'is not a regular file' : 'cannot be read';
    return result(500, `the log ${what}`, { error }); // no path: the body goes to the client
  } finally {
    if (!keep && fd !== undefined) closeSync(fd);
  }
}

/**
 * The log's descriptor, or `undefined` while it does not exist. Never follows a symlink nor blocks on a FIFO
 * (one blocked open would stall every client of the process): those throw `NOT_A_FILE`.
 */
export function openLog(path: string): number | undefined {
  try {
    return openRegularSync(path, constants.O_RDONLY);
  } catch (error) {
    if (error instanceof FipcError && error.code === 'NOT_FOUND') return undefined;
    throw readError(error, path);
  }
}
