import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { FipcError, fsError } from './errors.js';
import type { Durability } from './options.js';
import { syncDirectory, syncDirectorySync } from './sync-directory.js';

/**
 * Options of {@link writeFileAtomicSync} and {@link writeFileAtomic}.
 *
 * @example
 * const options: AtomicWriteOptions = { durability: 'fsync', publish: 'exclusive' };
 */
export interface AtomicWriteOptions {
  /** `'fsync'`: sync the temp file before it is published and the directory after. @default 'none' */
  durability?: Durability;
  /**
   * `'replace'`: rename over the target (readers see the old file or the new one). `'exclusive'`: hard-link
   * to the target only if no entry has its name (the first writer wins; the call returns `false` otherwise).
   * @default 'replace'
   */
  publish?: 'replace' | 'exclusive';
  /** Permission bits of the new file (the umask still applies). @default 0o600 */
  mode?: number;
  /**
   * The temp file's path for attempt `n` (from 1), on the target's filesystem. A name that exists is never
   * reused or followed: the next attempt gets a new one. @default `.<name>.<random>.tmp` beside the target
   */
  tempPath?: (attempt: number) => string;
  /** Called with the temp path while it exists, and with `undefined` once it is gone (exit-time cleanup). */
  onTemp?: (temp: string, exists: boolean) => void;
}

// O_EXCL: never reuse or follow anything planted at the temp name (a symlink there makes the open fail).
const CREATE_TEMP = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const fdatasyncAsync = promisify(fdatasync);
const MAX_ATTEMPTS = 5;
const MISSING_IS_FINE = { throwIfNoEntry: false } as const;

/**
 * Writes `data` to `target` atomically: a complete temp file created exclusively (`O_EXCL | O_NOFOLLOW`, mode
 * 0600) beside it, optionally synced, then renamed over the target (`'replace'`) or hard-linked to it
 * (`'exclusive'`), then the directory synced for `'fsync'`. Refuses to replace a symlink, directory or other
 * non-regular file (`NOT_A_FILE`). Leaves no temp file behind on any failure. Returns `false` only when
 * `'exclusive'` found the name taken. Throws a `FipcError` (`DISK_FULL`, `NOT_A_FILE`, `NOT_FOUND`, `IO_ERROR`).
 *
 * @example
 * writeFileAtomicSync('run-1/state.json', Buffer.from('{"status":"done"}\n'), { durability: 'fsync' });
 */
export function writeFileAtomicSync(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): boolean {
  const staged = stage(target, data, options);
  let published: boolean;
  try {
    if (options.durability === 'fsync') fdatasyncSync(staged.fd);
    published = publish(target, staged, options);
  } catch (error) {
    throw fsError(error, target, 'cannot write');
  } finally {
    abandon(staged, options);
  }
  if (published && options.durability === 'fsync') syncDirectorySync(dirname(target));
  return published;
}

/**
 * {@link writeFileAtomicSync} with the `fsync`s off the event loop; the open, write and rename are synchronous
 * (microseconds on a local disk, less than a thread-pool round trip each).
 *
 * @example
 * await writeFileAtomic('run-1/state.json', '{"status":"done"}\n', { durability: 'fsync' });
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<boolean> {
  const staged = stage(target, data, options);
  let published: boolean;
  try {
    if (options.durability === 'fsync') await fdatasyncAsync(staged.fd);
    published = publish(target, staged, options);
  } catch (error) {
    throw fsError(error, target, 'cannot write');
  } finally {
    abandon(staged, options);
  }
  if (published && options.durability === 'fsync') await syncDirectory(dirname(target));
  return published;
}

/**
 * Refuses a target that is a symlink, a directory or a device (`NOT_A_FILE`); a missing one is fine.
 *
 * @example
 * checkReplaceable('run-1/state.json');
 */
export function checkReplaceable(target: string): void {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(target, MISSING_IS_FINE);
  } catch (error) {
    throw fsError(error, target, 'cannot check the target');
  }
  if (!stats || stats.isFile()) return;
  const what = stats.isSymbolicLink()
    ? 'a symlink'
    : stats.isDirectory()
      ? 'a directory'
      : 'not a regular file';
  throw new FipcError('NOT_A_FILE', `refusing to replace ${target}: it is ${what}`, { path: target });
}

interface Staged {
  temp: string;
  fd: number;
  linked: boolean;
}

function stage(target: string, data: string | Uint8Array, options: AtomicWriteOptions): Staged {
  if (options.publish !== 'exclusive') checkReplaceable(target);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let attempt = 1; ; attempt++) {
    const temp = options.tempPath?.(attempt) ?? defaultTemp(target);
    let fd: number;
    try {
      fd = openSync(temp, CREATE_TEMP, options.mode ?? 0o600);
    } catch (error) {
      // Random names: a clash is something planted there. Step around it a few times, then give up.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < MAX_ATTEMPTS) continue;
      throw fsError(error, target, 'cannot create a temp file');
    }
    const staged = { temp, fd, linked: false };
    options.onTemp?.(temp, true);
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      return staged;
    } catch (error) {
      abandon(staged, options);
      throw fsError(error, target, 'cannot write a temp file');
    }
  }
}

// rename(2) and link(2) act on the name itself: a symlink that appears at the target after the check is
// replaced (or makes the link fail), and whatever it points to is never touched.
function publish(target: string, staged: Staged, options: AtomicWriteOptions): boolean {
  closeSync(staged.fd);
  staged.fd = -1;
  if (options.publish !== 'exclusive') {
    renameSync(staged.temp, target);
    staged.linked = true;
    return true;
  }
  try {
    linkSync(staged.temp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function abandon(staged: Staged, options: AtomicWriteOptions): void {
  if (staged.fd >= 0) {
    try {
      closeSync(staged.fd);
    } catch {}
    staged.fd = -1;
  }
  if (!staged.linked) {
    try {
      unlinkSync(staged.temp);
    } catch {}
  }
  options.onTemp?.(staged.temp, false);
}

const defaultTemp = (target: string) =>
  join(dirname(target), `.${basename(target)}.${randomBytes(8).toString('hex')}.tmp`);
