import { closeSync, constants, fsync, fsyncSync, openSync } from 'node:fs';
import { promisify } from 'node:util';
import { fsError } from './errors.js';

const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY;
const fsyncAsync = promisify(fsync);

/**
 * `fsync`s a directory, so the names created, renamed or removed in it survive a power loss.
 * Throws a `FipcError` (`NOT_FOUND`, `IO_ERROR`).
 *
 * @example
 * renameSync(temp, target);
 * syncDirectorySync(dirname(target));
 */
export function syncDirectorySync(dir: string): void {
  const fd = openDirectory(dir);
  try {
    fsyncSync(fd);
  } catch (error) {
    throw fsError(error, dir, 'cannot sync the directory');
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link syncDirectorySync} with the `fsync` off the event loop.
 *
 * @example
 * await syncDirectory('run-1');
 */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = openDirectory(dir);
  try {
    await fsyncAsync(fd);
  } catch (error) {
    throw fsError(error, dir, 'cannot sync the directory');
  } finally {
    closeSync(fd);
  }
}

function openDirectory(dir: string): number {
  try {
    return openSync(dir, OPEN_DIR);
  } catch (error) {
    throw fsError(error, dir, 'cannot open the directory');
  }
}
