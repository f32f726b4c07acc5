import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { FipcError, fsError } from './errors.js';
import { parseJsonBytes } from './json.js';

/**
 * Options of {@link readRegularFileSync}, {@link readJsonFile} and their kin.
 *
 * @example
 * const options: ReadFileOptions = { maxBytes: 1024 * 1024 };
 */
export interface ReadFileOptions {
  /** A larger file is refused with `TOO_LARGE` before it is read. @default 64 MiB */
  maxBytes?: number;
}

/**
 * Open flags for reading a file that must be regular. `O_NOFOLLOW`: a symlink fails with `ELOOP` rather than
 * leading outside the directory. `O_NONBLOCK`: a FIFO planted at the path cannot block the open (no effect on
 * regular files).
 *
 * @example
 * const fd = openRegularSync(path, READ_REGULAR);
 */
export const READ_REGULAR = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Opens `path` with `flags` (add {@link READ_REGULAR}'s `O_NOFOLLOW | O_NONBLOCK`) and checks that it is a
 * regular file. Throws a {@link FipcError}: `NOT_FOUND`, `NOT_A_FILE` (a symlink, directory, FIFO or device)
 * or `IO_ERROR`. Never blocks on a FIFO.
 *
 * @example
 * const fd = openRegularSync('run-1/events.jsonl', constants.O_RDONLY);
 */
export function openRegularSync(path: string, flags: number, mode?: number): number {
  return openRegularStats(path, flags, mode).fd;
}

/** {@link openRegularSync} with the size `fstat` saw, so that a reader needs no second `fstat`. */
function openRegularStats(path: string, flags: number, mode?: number): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (error) {
    throw fsError(error, path, 'cannot open');
  }
  let stats: ReturnType<typeof fstatSync>;
  try {
    stats = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    throw fsError(error, path, 'cannot stat');
  }
  if (!stats.isFile()) {
    closeSync(fd);
    throw notAFile(path);
  }
  return { fd, size: stats.size };
}

/**
 * Reads a whole regular file, never following a symlink or blocking on a FIFO, and never more than
 * `maxBytes`. Throws `NOT_FOUND`, `NOT_A_FILE`, `TOO_LARGE` or `IO_ERROR`.
 *
 * @example
 * const bytes = readRegularFileSync('run-1/state.json');
 */
export function readRegularFileSync(path: string, options: ReadFileOptions = {}): Buffer {
  const { fd, size } = openRegularStats(path, constants.O_RDONLY);
  try {
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (size > max) throw tooLarge(path, size, max);
    // Never more than the size seen: a file still growing is read as it was.
    const buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const n = readSync(fd, buffer, length, size - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw fsError(error, path, 'cannot read');
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link readRegularFileSync} with the read off the event loop (the open and checks are the same).
 *
 * @example
 * const bytes = await readRegularFile('run-1/state.json', { maxBytes: 1 << 20 });
 */
export async function readRegularFile(path: string, options: ReadFileOptions = {}): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, READ_REGULAR);
  } catch (error) {
    throw fsError(error, path, 'cannot open');
  }
  try {
    const { size, isFile } = await handle.stat().then((s) => ({ size: s.size, isFile: s.isFile() }));
    if (!isFile) throw notAFile(path);
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (size > max) throw tooLarge(path, size, max);
    const buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const { bytesRead } = await handle.read(buffer, length, size - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw fsError(error, path, 'cannot read');
  } finally {
    await handle.close();
  }
}

/**
 * Reads and parses a JSON file under the one UTF-8 policy (invalid UTF-8 is `INVALID_JSON`). Throws
 * `NOT_FOUND`, `NOT_A_FILE`, `TOO_LARGE`, `INVALID_JSON` or `IO_ERROR`.
 *
 * @example
 * const value = readJsonFileSync('run-1/input-requests/q1.response', { maxBytes: 1 << 20 });
 */
export function readJsonFileSync(path: string, options: ReadFileOptions = {}): unknown {
  return parseJsonBytes(readRegularFileSync(path, options), path);
}

/**
 * {@link readJsonFileSync}, with the read off the event loop.
 *
 * @example
 * const snapshot = await readJsonFile('run-1/state.json');
 */
export async function readJsonFile(path: string, options: ReadFileOptions = {}): Promise<unknown> {
  return parseJsonBytes(await readRegularFile(path, options), path);
}

const notAFile = (path: string) => new FipcError('NOT_A_FILE', `not a regular file (${path})`, { path });

const tooLarge = (path: string, size: number, max: number) =>
  new FipcError('TOO_LARGE', `${size} bytes, over the limit of ${max} (${path})`, { path });
