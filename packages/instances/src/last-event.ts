import { closeSync, constants, fstatSync, readSync } from 'node:fs';
import { openRegularSync, parseRecordLine } from '@fipc/core';

// How far back from the end of a log the last record is looked for: past that, only huge or bad lines.
const SCAN_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * The `timestamp` of the last record of the log at `path` (reading back from its end, at most 1 MiB), or
 * `undefined` when the file is missing, empty, not a regular file, or ends in no record within that span.
 */
export function lastEventTime(path: string): string | undefined {
  let fd: number;
  try {
    fd = openRegularSync(path, constants.O_RDONLY);
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    let tail = Buffer.alloc(0);
    for (let end = size; end > 0 && size - end < SCAN_BYTES; ) {
      const start = Math.max(0, end - CHUNK);
      const chunk = Buffer.allocUnsafe(end - start);
      readSync(fd, chunk, 0, chunk.length, start);
      tail = Buffer.concat([chunk, tail]);
      end = start;
      // Complete lines only: the bytes after the last newline may be a record still being written.
      const lines = tail
        .subarray(0, tail.lastIndexOf(10) + 1)
        .toString('latin1')
        .split('\n');
      for (let i = lines.length - 2; i >= (start === 0 ? 0 : 1); i--) {
        const entry = parseRecordLine(Buffer.from(lines[i]!, 'latin1'), 0);
        if (entry) return entry.record.timestamp;
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
