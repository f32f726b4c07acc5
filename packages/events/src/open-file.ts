import { constants, fstatSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { fsError } from '@fipc/core';
import { EventLogError } from './errors.js';

/** A regular file open as a `FileHandle`, with what `fstat` said at open (size, identity). */
export interface OpenedFile {
  handle: FileHandle;
  stats: Stats;
}

// Never through a symlink, never blocking on a FIFO (core's READ_REGULAR, for any access mode).
const SAFE = constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a regular file (for reading by default); `undefined` when nothing is at the path (`ENOENT`). A symlink,
 * directory, FIFO or device is refused with `NOT_A_FILE`; any other failure (`EACCES`, `EMFILE`, ...) throws an
 * {@link EventLogError} with its common code.
 */
export async function openRegular(
  path: string,
  flags: number = constants.O_RDONLY,
  mode?: number,
): Promise<OpenedFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags | SAFE, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw EventLogError.from(fsError(error, path, 'cannot open'));
  }
  try {
    const stats = fstatSync(handle.fd);
    if (stats.isFile()) return { handle, stats };
    throw new EventLogError('NOT_A_FILE', `not a regular file (${path})`, { path });
  } catch (error) {
    await handle.close();
    throw EventLogError.from(fsError(error, path, 'cannot stat'));
  }
}

/** Whether the path now names another file than the one open (a missing path is not a replacement yet). */
export function replacedAtPath(path: string, open: Stats): boolean {
  let current: Stats | undefined;
  try {
    current = statSync(path, { throwIfNoEntry: false });
  } catch {
    return false;
  }
  return current !== undefined && (current.ino !== open.ino || current.dev !== open.dev);
}
