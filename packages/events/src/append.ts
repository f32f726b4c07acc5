import { writeSync } from 'node:fs';
import { fsError } from '@fipc/core';
import type { LogFile } from './log-file.js';

/**
 * Where text landed in the log: `[offset, nextOffset)`, and `bytes` written in all (with the prefix before it).
 */
export interface Placed {
  offset: number;
  nextOffset: number;
  bytes: number;
}

// Starts the text after a short write: the NUL keeps the fragment left by it from ever parsing as a record,
// even when only its newline was missing (the caller was told the emit failed).
const AFTER_SHORT_WRITE = '\0\n';

/**
 * Appends `text` (whole lines, `bytes` long in UTF-8) to the log's file in one `write(2)`, after the prefix a
 * torn line or a short write left, and counts it. `nextOffset` falls short of `offset + bytes` when the disk
 * filled up during the write: the rest is never written (another writer's record may follow already), and the
 * next text starts on a line of its own. Throws a `FipcError` when the write fails outright.
 */
export function append(log: LogFile, text: string, bytes: number): Placed {
  const { prefix } = log;
  let written: number;
  try {
    written = writeSync(log.fd, prefix ? prefix + text : text); // no copy into a Buffer first
  } catch (error) {
    throw fsError(error, log.file, 'cannot append');
  }
  const offset = log.position + prefix.length;
  log.afterWrite(written);
  log.prefix = written < prefix.length + bytes ? AFTER_SHORT_WRITE : '';
  return { offset, nextOffset: log.position, bytes: written };
}
