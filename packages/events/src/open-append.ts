import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsError, openRegularSync, syncDirectorySync } from '@fipc/core';
import { EventLogError } from './errors.js';
import type { LogSettings } from './log-options.js';

const APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

/** An appending descriptor on the log, its size, and whether its last line is unfinished (torn). */
export interface AppendTarget {
  fd: number;
  size: number;
  torn: boolean;
}

/**
 * Opens (creating it and its directory if needed) the log for appending: a regular file only, never through a
 * symlink and never blocking on a FIFO (`NOT_A_FILE`). A log created in `'fsync'` mode has its directory synced.
 */
export function openAppend({ file, durability, mode }: LogSettings): AppendTarget {
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openRegularSync(file, APPEND, mode);
  } catch (error) {
    throw EventLogError.from(fsError(error, file, 'cannot open the log'));
  }
  try {
    const { size } = fstatSync(fd);
    if (durability === 'fsync' && size === 0) {
      fsyncSync(fd);
      syncDirectorySync(dirname(file));
    }
    return { fd, size, torn: size > 0 && lastByte(fd, size) !== 10 };
  } catch (error) {
    closeSync(fd);
    throw EventLogError.from(fsError(error, file, 'cannot open the log'));
  }
}

function lastByte(fd: number, size: number): number | undefined {
  const byte = Buffer.alloc(1);
  return readSync(fd, byte, 0, 1, size - 1) === 1 ? byte[0] : undefined;
}
