import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type OnSkip, positiveMs } from '@fipc/core';
import { openDirectory, PRIVATE_DIRNAME } from './directory.js';
import { RequestError } from './errors.js';
import { removeQuietly } from './files.js';
import { leaseMsOf } from './lease.js';
import { parseName, requestName, responseName } from './names.js';
import { DEFAULT_MAX_BYTES } from './outcome.js';
import { expiresAt } from './records.js';
import { readRequest } from './request-file.js';
import { isAwaited } from './waiters.js';

/**
 * How long finished pairs stay by default: 1 hour.
 *
 * @example
 * await sweepRequests('runs/run-1', { retentionMs: DEFAULT_RETENTION_MS / 2 });
 */
export const DEFAULT_RETENTION_MS = 60 * 60_000;
/**
 * How old a temp file must be, by default, before a sweep removes it as a crashed writer's: 1 minute (a temp
 * file lives for microseconds).
 *
 * @example
 * await sweepRequests('runs/run-1', { staleTempMs: 5 * DEFAULT_STALE_TEMP_MS });
 */
export const DEFAULT_STALE_TEMP_MS = 60_000;
// A heartbeat is a crashed responder's once its lease has been expired this long (a live one is renewed every
// lease_ms / 3, whatever lease_ms is).
const HEARTBEAT_GRACE_MS = 60 * 60_000;
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
  /**
   * Temp files (ours in `.tmp/`, and hidden ones of other writers) older than this are removed.
   * @default 60_000 (`DEFAULT_STALE_TEMP_MS`)
   */
  staleTempMs?: number;
  /** Told about request files old enough to be looked at that are not requests (they are kept). */
  onSkip?: OnSkip;
}

interface Settings {
  retentionMs: number;
  staleTempMs: number;
  onSkip: OnSkip | undefined;
}

/**
 * Removes what is finished and old: a pair whose response file is older than `retentionMs` (request file
 * first, then its lease files, response file last, so a reader never sees a response vanish before its
 * request), an unanswered request whose `expires_at` is older than `retentionMs`, orphaned lease files, temp
 * files left by crashed writers, and the heartbeats of responders whose lease expired over an hour ago.
 * Pending requests without `expires_at` are never removed, nor are malformed request files (`onSkip` is told).
 * `request`, `awaitResponse` and `serveRequests` run it in the background at most once a minute per
 * directory. Resolves with the number of files removed.
 *
 * @example
 * await sweepRequests('runs/run-1', { retentionMs: 24 * 3_600_000 });
 */
export async function sweepRequests(dir: string, options: SweepOptions = {}): Promise<number> {
  let settings: Settings;
  try {
    settings = {
      retentionMs: positiveMs('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS, 0),
      staleTempMs: positiveMs('staleTempMs', options.staleTempMs, DEFAULT_STALE_TEMP_MS, 0),
      onSkip: options.onSkip,
    };
  } catch (error) {
    throw RequestError.from(error);
  }
  let path: string;
  try {
    path = openDirectory(dir, false);
  } catch (error) {
    if ((error as RequestError).code === 'NOT_FOUND') return 0;
    throw error;
  }
  return sweepPath(path, settings);
}

function sweepPath(path: string, { retentionMs, staleTempMs, onSkip }: Settings): number {
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
  const stale = (name: string, limit: (name: string) => number) => {
    const stats = lstatSync(join(path, name), { throwIfNoEntry: false });
    if (stats && !stats.isDirectory() && now - stats.mtimeMs > limit(name)) remove(name);
  };
  // Our temp files and heartbeats, then hidden temp files of other writers (a Python program's, say).
  let own: string[] = [];
  try {
    own = readdirSync(join(path, PRIVATE_DIRNAME));
  } catch {
    // a directory made by another implementation may have no private subdirectory
  }
  for (const name of own) {
    stale(join(PRIVATE_DIRNAME, name), (file) =>
      name.startsWith('responder-') ? leaseMsOf(join(path, file)) + HEARTBEAT_GRACE_MS : staleTempMs,
    );
  }
  for (const name of readdirSync(path)) {
    const parsed = parseName(name);
    if (!parsed) continue;
    if (parsed.kind === 'temp') {
      stale(name, () => staleTempMs);
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
      finished = age(requestName(id)) >= retentionMs && now - requestExpiry(path, id, onSkip) >= retentionMs;
    } else finished = entry.leases.every((lease) => retentionMs <= 0 || age(lease) >= retentionMs);
    if (!finished || isAwaited(path, id)) continue;
    if (entry.request) remove(requestName(id));
    for (const lease of entry.leases) remove(lease);
    if (entry.response) remove(responseName(id));
  }
  return removed;
}

function requestExpiry(path: string, id: string, onSkip: OnSkip | undefined): number {
  try {
    return expiresAt(readRequest(path, id, DEFAULT_MAX_BYTES));
  } catch (error) {
    // A malformed request is left for a person to look at; one removed meanwhile is no news.
    if ((error as RequestError).code !== 'NOT_FOUND') {
      onSkip?.({ reason: (error as Error).message, path: join(path, requestName(id)), cause: error });
    }
    return Number.POSITIVE_INFINITY;
  }
}

const lastSweep = new Map<string, number>();

/** Sweeps `path` in the background unless this process did so in the last minute. */
export function scheduleSweep(path: string, retentionMs: number, onSkip?: OnSkip): void {
  const now = Date.now();
  if (now - (lastSweep.get(path) ?? Number.NEGATIVE_INFINITY) < SWEEP_EVERY_MS) return;
  lastSweep.set(path, now);
  setImmediate(() => {
    try {
      sweepPath(path, { retentionMs, staleTempMs: DEFAULT_STALE_TEMP_MS, onSkip });
    } catch {
      // the directory went away, or a race with another sweeper: the next sweep tries again
    }
  });
}
