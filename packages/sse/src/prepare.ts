import { closeSync, openSync, readSync } from 'node:fs';
import { parseEventId, readEpoch } from './event-id.js';
import { recordBefore } from './log-reader.js';
import type { ResolvedOptions } from './options.js';

/** Where a client starts, decided before any byte is sent (so the HTTP status can still say no). */
export interface Prepared {
  /** 200 stream, 204 done (the last id was a terminal record), 400 malformed id, 410 stale id with `'gone'`. */
  status: 200 | 204 | 400 | 410;
  message: string;
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
  const fd = openLog(path);
  let keep = true;
  try {
    const epoch = fd === undefined ? undefined : readEpoch(fd);
    if (!id) return result(200, 'ok', { fd, epoch });
    if (fd !== undefined && epoch === id.epoch && endsLine(fd, id.offset)) {
      const record = options.terminal && id.offset > 0 ? recordBefore(fd, id.offset) : undefined;
      if (record && options.terminal?.(record)) {
        keep = false;
        return result(204, 'the stream ended with a terminal record');
      }
      return result(200, 'ok', { fd, epoch, position: id.offset });
    }
    if (options.staleId === 'restart') return result(200, 'ok', { fd, epoch, staleId: lastEventId! });
    keep = false;
    return result(410, `event id ${lastEventId} is from a replaced or truncated log`);
  } catch (error) {
    keep = false;
    throw error;
  } finally {
    if (!keep && fd !== undefined) closeSync(fd);
  }
}

/** The log's descriptor, or `undefined` while it does not exist. */
export function openLog(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when `offset` is within the file and starts a line (0, or just after a newline). */
function endsLine(fd: number, offset: number): boolean {
  if (offset === 0) return true;
  const byte = Buffer.alloc(1);
  return readSync(fd, byte, 0, 1, offset - 1) === 1 && byte[0] === 10;
}
