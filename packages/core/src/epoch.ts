import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

/** How many bytes of the first line the epoch hashes: enough for any record's timestamp and instance id. */
const EPOCH_BYTES = 4096;

/**
 * The log's epoch, as SSE event ids have it (PROTOCOL.md 5.1): the first 12 hex digits of SHA-256 over its first
 * line (newline included), or over its first 4096 bytes when that line is longer. Every new log starts with a
 * different first record, so a truncated-and-rewritten or replaced log gets a new epoch, while a restart, a copy
 * or a mirror keeps it. One small synchronous read; `undefined` while the log has no complete first line.
 *
 * @example
 * const epoch = readEpoch(fd); // '3f2a9c0d11be'
 */
export function readEpoch(fd: number): string | undefined {
  const buffer = Buffer.allocUnsafe(EPOCH_BYTES);
  return logEpoch(buffer.subarray(0, readSync(fd, buffer, 0, EPOCH_BYTES, 0)));
}

/**
 * {@link readEpoch} of a log whose first bytes are `head` (a mirror checks a log's first message with it);
 * `undefined` while `head` holds no complete first line and fewer than 4096 bytes.
 *
 * @example
 * logEpoch(Buffer.from('{"schema_version":1}\n{"schema_version":1}\n')); // the epoch of the first line
 * logEpoch(Buffer.from('{"schema_ver')); // undefined: no complete first line yet
 */
export function logEpoch(head: Uint8Array): string | undefined {
  const bytes = head.subarray(0, EPOCH_BYTES);
  const nl = bytes.indexOf(10);
  if (nl === -1 && bytes.length < EPOCH_BYTES) return undefined;
  return createHash('sha256')
    .update(nl === -1 ? bytes : bytes.subarray(0, nl + 1))
    .digest('hex')
    .slice(0, 12);
}
