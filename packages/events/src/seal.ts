import type { Stats } from 'node:fs';

/**
 * How often, at most, a writer writes without checking that its file is still the one at the log's path
 * (PROTOCOL.md 2.6): a record lands in a file renamed away (a segment) at most this long after the rename.
 *
 * @example
 * console.log(`a writer follows a rotation within ${RECHECK_MS} ms`);
 */
export const RECHECK_MS = 100;

/**
 * How long after a file left the log's path (its rename, or its last write if later) followers wait before
 * they take it as complete (sealed) and read the next one: {@link RECHECK_MS} plus a wide margin for a writer
 * descheduled between its check and its write (PROTOCOL.md 2.6).
 *
 * @example
 * const complete = Date.now() >= sealTime(fstatSync(fd), seenAt);
 */
export const SEAL_MS = 1_000;

/**
 * When the file whose `fstat` is `stats`, no longer at the log's path, is complete: {@link SEAL_MS} after the
 * latest of its change time (a rename sets it), its last write, and `seenAt`, when the caller saw it leave the
 * path (for file systems where a rename leaves the change time alone). Fstat again after waiting: a late write
 * moves it.
 *
 * @example
 * const at = sealTime(fstatSync(fd), Date.now());
 * setTimeout(readTheRestAndMoveOn, at - Date.now());
 */
export function sealTime(stats: Stats, seenAt = 0): number {
  return Math.max(stats.ctimeMs, stats.mtimeMs, seenAt) + SEAL_MS;
}
