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
  const bytesRead = readSync(fd, buffer, 0, EPOCH_BYTES, 0);
  const nl = buffer.subarray(0, bytesRead).indexOf(10);
  if (nl === -1 && bytesRead < EPOCH_BYTES) return undefined;
  const head = buffer.subarray(0, nl === -1 ? EPOCH_BYTES : nl + 1);
  return createHash('sha256').update(head).digest('hex').slice(0, 12);
}
