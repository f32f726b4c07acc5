import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIRNAME } from './directory.js';
import { RequestError } from './errors.js';

const TEMP_PREFIX = `${PRIVATE_DIRNAME}/${process.pid}-${randomBytes(4).toString('hex')}-`;
let tempCounter = 0;

// O_NOFOLLOW: a symlink planted at the path fails with ELOOP instead of being followed out of the directory.
// O_NONBLOCK: a FIFO planted at the path cannot block the open.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Writes `text` to a fresh temp file in the private subdirectory (0600, created exclusively); returns its path relative to `dir`. */
export function writeTemp(dir: string, text: string | Buffer, durable = false): string {
  for (;;) {
    const name = `${TEMP_PREFIX}${tempCounter++}`;
    let fd: number;
    try {
      fd = openSync(join(dir, name), CREATE_FLAGS, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // planted or left over: next name
      throw io(`cannot create a temp file in ${dir}`, error);
    }
    try {
      const buffer = typeof text === 'string' ? Buffer.from(text) : text;
      let done = 0;
      while (done < buffer.length) done += writeSync(fd, buffer, done);
      if (durable) fsyncSync(fd);
      closeSync(fd);
    } catch (error) {
      closeSync(fd);
      removeQuietly(join(dir, name));
      throw io(`cannot write a temp file in ${dir}`, error);
    }
    return name;
  }
}

/**
 * Publishes `text` at `dir/name` only if nothing is there yet: a complete temp file is hard-linked to the
 * name, which fails atomically with EEXIST if any entry (a file, a symlink) already has it. Readers never see
 * a partial file, and of two racing writers exactly one wins. Returns false when the name was taken.
 */
export function publishExclusive(dir: string, name: string, text: string, durable = false): boolean {
  const temp = writeTemp(dir, text, durable);
  try {
    return linkExclusive(dir, temp, name, durable);
  } finally {
    removeQuietly(join(dir, temp));
  }
}

/** `link(dir/from, dir/to)`; false if `to` exists. */
export function linkExclusive(dir: string, from: string, to: string, durable = false): boolean {
  try {
    linkSync(join(dir, from), join(dir, to));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw io(`cannot create ${join(dir, to)}`, error);
  }
  if (durable) syncDirectory(dir);
  return true;
}

export type ReadResult =
  | { ok: true; text: string; mtimeMs: number }
  | { ok: false; reason: 'missing' | 'unsafe' | 'too-large'; detail: string };

/** Reads a small regular file without following symlinks and without reading more than `maxBytes`. */
export function readSmallFile(path: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', detail: `${path} does not exist` };
    if (code === 'ELOOP' || code === 'EISDIR' || code === 'ENXIO') {
      return { ok: false, reason: 'unsafe', detail: `${path} is not a regular file (${code})` };
    }
    throw io(`cannot open ${path}`, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, reason: 'unsafe', detail: `${path} is not a regular file` };
    if (stats.size > maxBytes) {
      return { ok: false, reason: 'too-large', detail: `${path} has ${stats.size} bytes, over ${maxBytes}` };
    }
    // Never more than the size seen (within the limit): a file still growing is read as it was.
    const buffer = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { ok: true, text: buffer.toString('utf8', 0, length), mtimeMs: stats.mtimeMs };
  } catch (error) {
    throw io(`cannot read ${path}`, error);
  } finally {
    closeSync(fd);
  }
}

/** Whether anything (even a dangling symlink) has this name; never throws for a missing entry. */
export function entryExists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or never created
  }
}

export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function io(message: string, cause: unknown): RequestError {
  return new RequestError('IO_ERROR', message, { cause });
}
