import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { positiveMs } from '@fipc/core';
import { StateError } from './errors.js';
import { tempPattern } from './temp-name.js';

/**
 * Options of {@link cleanStaleTemps}.
 *
 * @example
 * const removed = cleanStaleTemps('run-1/state.json', { staleTempMs: 5 * 60_000 } satisfies CleanStaleTempsOptions);
 */
export interface CleanStaleTempsOptions {
  /**
   * Only temp files whose last modification is at least this old are removed. A live write keeps its temp file
   * for microseconds (milliseconds with `durability: 'fsync'`), so the default leaves a wide margin.
   * @default 60_000
   */
  staleTempMs?: number;
}

/** {@link CleanStaleTempsOptions.staleTempMs}'s default. */
export const STALE_TEMP_MS = 60_000;

/**
 * Removes temp files that a crashed writer of `path` left behind, and returns their paths. Only files that are
 * ours are touched: a name of the writers' pattern (`.state-*.tmp` for `state.json`, ours or the original's),
 * a regular file (never a symlink or a directory), owned by this user, and older than `staleTempMs`.
 * `writeState`, `writeStateSync` and a store call it at their first write to a path in a process.
 * Throws `INVALID_OPTIONS` for a negative `staleTempMs`.
 *
 * @example
 * const removed = cleanStaleTemps('run-1/state.json', { staleTempMs: 10 * 60_000 });
 */
export function cleanStaleTemps(path: string, options: CleanStaleTempsOptions = {}): string[] {
  const staleTempMs = staleTempOption(options.staleTempMs);
  const dir = dirname(path);
  const pattern = tempPattern(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no directory yet: nothing to clean, and the write will report the real problem
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const temp = join(dir, name);
    try {
      const stats = lstatSync(temp);
      if (!stats.isFile() || (uid !== undefined && stats.uid !== uid)) continue;
      if (Date.now() - stats.mtimeMs < staleTempMs) continue;
      unlinkSync(temp);
      removed.push(temp);
    } catch {
      // Gone already (another process cleaned it or its writer renamed it): nothing to do.
    }
  }
  return removed;
}

/** Checks `staleTempMs` (0 or more; 0 removes every leftover). Throws `INVALID_OPTIONS`. */
export function staleTempOption(value: number | undefined): number {
  try {
    return positiveMs('staleTempMs', value, STALE_TEMP_MS, 0);
  } catch (error) {
    throw StateError.from(error);
  }
}
