import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

/** How many bytes of the first line the epoch hashes: enough for any record's timestamp and instance id. */
const EPOCH_BYTES = 4096;
const ID_PATTERN = /^([0-9a-f]{12})-(0|[1-9][0-9]{0,15})$/;

/**
 * A parsed SSE event id: the log's epoch and the byte offset just past the record, where a resume starts.
 *
 * @example
 * const id: EventId = { epoch: '3f2a9c0d11be', offset: 5120 };
 */
export interface EventId {
  /** 12 hex digits of SHA-256 over the log's first line: changes when the log is truncated or replaced. */
  epoch: string;
  /** Byte offset just past the record: where a resume starts reading. */
  offset: number;
}

/**
 * Formats an event id as `<epoch>-<offset>` (12 hex digits, a dash, decimal offset).
 *
 * @example
 * formatEventId({ epoch: '3f2a9c0d11be', offset: 5120 }); // '3f2a9c0d11be-5120'
 */
export const formatEventId = ({ epoch, offset }: EventId): string => `${epoch}-${offset}`;

/**
 * Parses an event id; `undefined` when it is malformed (the HTTP layer answers 400).
 *
 * @example
 * parseEventId('3f2a9c0d11be-5120'); // { epoch: '3f2a9c0d11be', offset: 5120 }
 * parseEventId('42'); // undefined
 */
export function parseEventId(id: string): EventId | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) return undefined;
  const offset = Number(match[2]);
  return Number.isSafeInteger(offset) ? { epoch: match[1]!, offset } : undefined;
}

/**
 * The log's epoch: the first 12 hex digits of SHA-256 over its first line (newline included), or over its first
 * 4096 bytes when the first line is longer. Every new log starts with a different first record (its timestamp and
 * instance id), so a truncated-and-rewritten or replaced log gets a new epoch, while a server restart, a copy or a
 * mirror of the same log keeps it. One small synchronous read. `undefined` while the log has no complete first line (and so no ids yet).
 */
export function readEpoch(fd: number): string | undefined {
  const buffer = Buffer.allocUnsafe(EPOCH_BYTES);
  const bytesRead = readSync(fd, buffer, 0, EPOCH_BYTES, 0);
  const nl = buffer.subarray(0, bytesRead).indexOf(10);
  if (nl === -1 && bytesRead < EPOCH_BYTES) return undefined;
  const head = buffer.subarray(0, nl === -1 ? EPOCH_BYTES : nl + 1);
  return createHash('sha256').update(head).digest('hex').slice(0, 12);
}
