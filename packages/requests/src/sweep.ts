import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
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
  return sweepPath(path, settings).removed;
}

/** What a sweep removed, and the earliest moment at which anything it left could become removable. */
interface Swept {
  removed: number;
  nextDue: number;
}

function sweepPath(path: string, { retentionMs, staleTempMs, onSkip }: Settings): Swept {
  const now = Date.now();
  const ids = new Map<string, { request: boolean; response: boolean; leases: string[] }>();
  let removed = 0;
  let nextDue = Number.POSITIVE_INFINITY;
  const due = (at: number) => {
    nextDue = Math.min(nextDue, at);
  };
  const remove = (name: string) => {
    removeQuietly(join(path, name));
    removed++;
    due(now); // a removal that failed leaves the directory unchanged: look again next time
  };
  const mtime = (name: string) => lstatSync(join(path, name), { throwIfNoEntry: false })?.mtimeMs;
  const stale = (name: string, limit: (name: string) => number) => {
    const stats = lstatSync(join(path, name), { throwIfNoEntry: false });
    if (!stats || stats.isDirectory()) return;
    if (now - stats.mtimeMs > limit(name)) remove(name);
    else due(stats.mtimeMs + limit(name));
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
  // A file's end is its mtime (and a pending request's its expiry): removable `retentionMs` after it. A lower
  // bound of when it may be is kept. Timestamps are coarser than the clock: a retention of 0 means "finished
  // is enough" for an mtime (never for an expiry, which is exact).
  const ended = (end: number | undefined, mtime = true) => {
    if (end === undefined) return false; // gone meanwhile
    if ((mtime && retentionMs <= 0) || now - end >= retentionMs) return true;
    due(end + retentionMs);
    return false;
  };
  for (const [id, entry] of ids) {
    let finished: boolean;
    if (entry.response) finished = ended(mtime(responseName(id)));
    else if (entry.request) {
      // expires_at is never before the file was written, so only requests older than the retention period
      // can be finished: young ones (most of a large backlog) cost one lstat, not a read.
      finished = ended(mtime(requestName(id))) && ended(requestExpiry(path, id, onSkip), false);
    } else finished = entry.leases.every((lease) => ended(mtime(lease)));
    if (!finished) continue;
    if (isAwaited(path, id)) {
      due(now); // removable once no one here waits for it
      continue;
    }
    if (entry.request) remove(requestName(id));
    for (const lease of entry.leases) remove(lease);
    if (entry.response) remove(responseName(id));
  }
  return { removed, nextDue };
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
// Per directory and retention: the directories' stats before the last background sweep and when anything it
// left may become removable. Until then, and while neither directory changed, a sweep would find nothing.
const lastSwept = new Map<string, { main: Stats; own: Stats | undefined; nextDue: number }>();
// Directory timestamps are trusted once this old: they are coarser than the clock (see the queue's rescan).
const SETTLED_MS = 2_000;

/**
 * Sweeps `path` in the background unless this process did so in the last minute, or nothing can have become
 * removable since its last sweep (so a directory of many pending requests costs two stats a minute, not an
 * lstat of each). A sweep whose directory timestamps were too fresh to trust is tried again once they can be,
 * but only if the directory has been quiet since: a busy one is swept once a minute, never more.
 */
export function scheduleSweep(path: string, retentionMs: number, onSkip?: OnSkip): void {
  const now = Date.now();
  if (now - (lastSweep.get(path) ?? Number.NEGATIVE_INFINITY) < SWEEP_EVERY_MS) return;
  lastSweep.set(path, now);
  setImmediate(() => {
    try {
      const key = `${path}\0${retentionMs}`;
      const before = lastSwept.get(key);
      const main = statSync(path);
      const own = statSync(join(path, PRIVATE_DIRNAME), { throwIfNoEntry: false });
      if (before && Date.now() < before.nextDue && same(before.main, main) && same(before.own, own)) return;
      const quiet = settled(main) && settled(own);
      // The early retry, in a directory still busy: the sweep of the next minute does it.
      if (retrying.delete(key) && !quiet) return;
      const { nextDue } = sweepPath(path, { retentionMs, staleTempMs: DEFAULT_STALE_TEMP_MS, onSkip });
      if (quiet) lastSwept.set(key, { main, own, nextDue });
      else {
        // Not trusted yet: the next call may sweep again once the timestamps are, rather than in a minute.
        lastSwept.delete(key);
        retrying.add(key);
        lastSweep.set(path, Date.now() - SWEEP_EVERY_MS + SETTLED_MS);
      }
    } catch {
      // the directory went away, or a race with another sweeper: the next sweep tries again
    }
  });
}

const settled = (stats: Stats | undefined) =>
  !stats || Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) > SETTLED_MS;
// Per directory and retention: the last sweep found timestamps too fresh to trust, and an early retry is due.
const retrying = new Set<string>();

const same = (a: Stats | undefined, b: Stats | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino &&
    a.dev === b.dev);
