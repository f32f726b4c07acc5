import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDirectory, PRIVATE_DIRNAME } from './directory.js';
import { readSmallFile, removeQuietly } from './files.js';
import { parseName, requestName, responseName } from './names.js';
import { DEFAULT_MAX_BYTES } from './outcome.js';
import { expiresAt, parseRequest } from './records.js';
import { isAwaited } from './wait-outcome.js';

/**
 * How long finished pairs stay by default: 1 hour.
 *
 * @example
 * await sweepRequests('runs/run-1', { retentionMs: DEFAULT_RETENTION_MS / 2 });
 */
export const DEFAULT_RETENTION_MS = 60 * 60_000;
// A temp file lives for microseconds; one this old belongs to a writer that crashed.
const STALE_TEMP_MS = 60_000;
// A live responder touches its heartbeat every leaseMs / 3.
const STALE_HEARTBEAT_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * Options of {@link sweepRequests}.
 *
 * @example
 * const removed = await sweepRequests('runs/run-1', { retentionMs: 24 * 3_600_000 } satisfies SweepOptions);
 */
export interface SweepOptions {
  /**
   * Finished pairs (and expired requests) whose end is older than this are removed.
   * @default 3_600_000 (1 hour)
   */
  retentionMs?: number;
}

/**
 * Removes what is finished and old: a pair whose response file is older than `retentionMs` (request file
 * first, then its lease files, response file last, so a reader never sees a response vanish before its
 * request), an unanswered request whose `expires_at` is older than `retentionMs`, orphaned lease files, and
 * temp files left by crashed writers. Pending requests without `expires_at` are never removed. `request`,
 * `awaitResponse` and `serveRequests` run it in the background at most once a minute per directory.
 * Resolves with the number of files removed.
 *
 * @example
 * await sweepRequests('runs/run-1', { retentionMs: 24 * 3_600_000 });
 */
export async function sweepRequests(dir: string, options: SweepOptions = {}): Promise<number> {
  let path: string;
  try {
    path = openDirectory(dir, false);
  } catch (error) {
    if ((error as { code?: string }).code === 'REQUEST_NOT_FOUND') return 0;
    throw error;
  }
  return sweepPath(path, options.retentionMs ?? DEFAULT_RETENTION_MS);
}

function sweepPath(path: string, retentionMs: number): number {
  const now = Date.now();
  const ids = new Map<string, { request: boolean; response: boolean; leases: string[] }>();
  let removed = 0;
  const remove = (name: string) => {
    removeQuietly(join(path, name));
    removed++;
  };
  const age = (name: string) => {
    try {
      return now - lstatSync(join(path, name)).mtimeMs;
    } catch {
      return -1;
    }
  };
  const stale = (name: string, limit: number) => {
    const stats = lstatSync(join(path, name), { throwIfNoEntry: false });
    if (stats && !stats.isDirectory() && now - stats.mtimeMs > limit) remove(name);
  };
  // Our temp files and heartbeats, then hidden temp files of other writers (a Python program's, say).
  let own: string[] = [];
  try {
    own = readdirSync(join(path, PRIVATE_DIRNAME));
  } catch {
    // a directory made by another implementation may have no private subdirectory
  }
  for (const name of own) {
    stale(join(PRIVATE_DIRNAME, name), name.startsWith('responder-') ? STALE_HEARTBEAT_MS : STALE_TEMP_MS);
  }
  for (const name of readdirSync(path)) {
    const parsed = parseName(name);
    if (!parsed) continue;
    if (parsed.kind === 'temp') {
      stale(name, STALE_TEMP_MS);
      continue;
    }
    const entry = ids.get(parsed.id) ?? { request: false, response: false, leases: [] };
    ids.set(parsed.id, entry);
    if (parsed.kind === 'lease') entry.leases.push(name);
    else entry[parsed.kind] = true;
  }
  for (const [id, entry] of ids) {
    let finished: boolean;
    // Timestamps are coarser than the clock: a retention of 0 means "finished is enough".
    if (entry.response) finished = retentionMs <= 0 || age(responseName(id)) >= retentionMs;
    else if (entry.request) {
      // expires_at is never before the file was written, so only requests older than the retention period
      // can be finished: young ones (most of a large backlog) cost one lstat, not a read.
      finished = age(requestName(id)) >= retentionMs && now - requestExpiry(path, id) >= retentionMs;
    } else finished = entry.leases.every((lease) => retentionMs <= 0 || age(lease) >= retentionMs);
    if (!finished || isAwaited(path, id)) continue;
    if (entry.request) remove(requestName(id));
    for (const lease of entry.leases) remove(lease);
    if (entry.response) remove(responseName(id));
  }
  return removed;
}

function requestExpiry(path: string, id: string): number {
  const file = readSmallFile(join(path, requestName(id)), DEFAULT_MAX_BYTES);
  try {
    if (file.ok) return expiresAt(parseRequest(file.text, id));
  } catch {
    // a malformed request is left for a person to look at
  }
  return Number.POSITIVE_INFINITY;
}

const lastSweep = new Map<string, number>();

/** Sweeps `path` in the background unless this process did so in the last minute. */
export function scheduleSweep(path: string, retentionMs = DEFAULT_RETENTION_MS): void {
  const now = Date.now();
  if (now - (lastSweep.get(path) ?? Number.NEGATIVE_INFINITY) < SWEEP_EVERY_MS) return;
  lastSweep.set(path, now);
  setImmediate(() => {
    try {
      sweepPath(path, retentionMs);
    } catch {
      // the directory went away, or a race with another sweeper: the next sweep tries again
    }
  });
}
