import { closeSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { listSegments, segmentPath } from './segments.js';

/**
 * When a writer rotates the log by itself (PROTOCOL.md 2.6). Whichever limit is reached first rotates; a
 * rotation renames the live file to the next segment name and the writers go on in a new live file.
 *
 * @example
 * const rotation: RotationOptions = { maxBytes: 64 * 1024 * 1024, maxAgeMs: 24 * 3600_000, maxSegments: 10 };
 */
export interface RotationOptions {
  /**
   * Rotate before a write once the live file holds at least this many bytes. With several writers a
   * segment may pass it by what they append before one of them looks (about `maxBytes / 16` each).
   * @default no limit
   */
  maxBytes?: number;
  /** Rotate before a write once the live file's first record is older than this. @default no limit */
  maxAgeMs?: number;
  /**
   * After a rotation, delete the oldest segments beyond this many (at least 1: the newest segment keeps the
   * numbering going). @default keep every segment
   */
  maxSegments?: number;
}

/** A rotation lock older than this was left by a writer that died while rotating. */
const LOCK_STALE_MS = 10_000;

/** `.<name>.lock` beside the log: held (created exclusively) for the whole of one rotation. */
export const rotationLockPath = (file: string): string => join(dirname(file), `.${basename(file)}.lock`);

/** Creates the rotation lock exclusively; `false` when another writer holds it (a stale one is broken). */
export function acquireRotationLock(file: string): boolean {
  const lock = rotationLockPath(file);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = lstatSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs < LOCK_STALE_MS) return false;
      try {
        unlinkSync(lock);
      } catch {}
    }
  }
  return false;
}

export function releaseRotationLock(file: string): void {
  try {
    unlinkSync(rotationLockPath(file));
  } catch {}
}

/**
 * Renames the live file to the next segment name (one more than the newest segment; a name that exists is
 * never replaced) and returns it. The caller holds the lock and has checked the file at the path is its own.
 */
export function renameToSegment(file: string): string {
  const segments = listSegments(file);
  let number = (segments.at(-1)?.number ?? 0) + 1;
  while (lstatSync(segmentPath(file, number), { throwIfNoEntry: false })) number += 1;
  const target = segmentPath(file, number);
  renameSync(file, target);
  return target;
}

/** Deletes the oldest segments beyond `keep` (best effort: a segment removed by someone else is fine). */
export function pruneSegments(file: string, keep: number): void {
  const segments = listSegments(file);
  for (const { path } of segments.slice(0, Math.max(0, segments.length - keep))) {
    try {
      if (statSync(path).isFile()) unlinkSync(path);
    } catch {}
  }
}
