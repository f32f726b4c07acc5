import { randomBytes } from 'node:crypto';
import { lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Durability, writeFileAtomicSync } from '@fipc/core';
import { PRIVATE_DIRNAME } from './directory.js';

const TEMP_PREFIX = `${process.pid}-${randomBytes(4).toString('hex')}-`;
let tempCounter = 0;

/**
 * Publishes `text` at `dir/name` only if nothing has that name yet: a complete temp file, made in the private
 * subdirectory, is hard-linked to the name, which fails atomically if any entry (a file, a symlink) has it.
 * Readers never see a partial file, and of two racing writers exactly one wins. Returns false when the name
 * was taken. Throws a core `FipcError` (`DISK_FULL`, `IO_ERROR`...).
 */
export function publishExclusive(dir: string, name: string, text: string, durability: Durability): boolean {
  return writeFileAtomicSync(join(dir, name), text, {
    publish: 'exclusive',
    durability,
    tempPath: () => join(dir, PRIVATE_DIRNAME, `${TEMP_PREFIX}${tempCounter++}`),
  });
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
