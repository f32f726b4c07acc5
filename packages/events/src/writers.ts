import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { FipcError, writeFileAtomicSync } from '@fipc/core';

/**
 * A process that has the log open for writing, as its marker file says (PROTOCOL.md 2.7).
 *
 * @example
 * const busy = listWriters('run/events.jsonl').some((writer: WriterInfo) => writer.live);
 */
export interface WriterInfo {
  /** The marker file. */
  path: string;
  pid: number;
  host: string;
  /** ISO 8601: when the writer opened the log. */
  since: string;
  /**
   * On this host: the process runs and is the one that wrote the marker (same start time, where the system
   * tells it). On another host: the marker's heartbeat is less than {@link WRITER_STALE_MS} old.
   */
  live: boolean;
}

/**
 * How often an open writer touches its marker, for readers on other hosts.
 *
 * @example
 * console.log(`markers are touched every ${HEARTBEAT_MS / 1000} s`);
 */
export const HEARTBEAT_MS = 10_000;
/**
 * A marker from another host whose heartbeat is older than this is not live (its writer died there).
 *
 * @example
 * const fresh = (mtimeMs: number) => Date.now() - mtimeMs < WRITER_STALE_MS;
 */
export const WRITER_STALE_MS = 60_000;

interface Marker {
  pid: number;
  host: string;
  start: string | null;
  since: string;
}

// Asked for on first use, not at import: Deno refuses `hostname()` without --allow-sys, and a process that
// cannot know its host name still writes its log (its writers are then judged by heartbeat alone).
let cachedHost: string | null | undefined;
function thisHost(): string | null {
  if (cachedHost === undefined) {
    try {
      cachedHost = hostname();
    } catch {
      cachedHost = null;
    }
  }
  return cachedHost;
}

/** `.<name>.writers/` beside the log: one marker file per open writer. */
export const writersDirectory = (logPath: string): string => {
  const file = resolve(logPath);
  return join(dirname(file), `.${basename(file)}.writers`);
};

/**
 * The writers that have the log open, live or left behind by a process that died (their markers stay until
 * the next writer on the same host removes them).
 *
 * @example
 * for (const writer of listWriters('run/events.jsonl')) console.log(writer.pid, writer.host, writer.live);
 */
export function listWriters(logPath: string): WriterInfo[] {
  const dir = writersDirectory(logPath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const writers: WriterInfo[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    try {
      const marker = JSON.parse(readFileSync(path, 'utf8')) as Marker;
      if (!Number.isSafeInteger(marker.pid) || typeof marker.host !== 'string') continue;
      writers.push({
        path,
        pid: marker.pid,
        host: marker.host,
        since: marker.since,
        live: isLive(marker, path),
      });
    } catch {
      // Removed meanwhile, or still being written (it is written before the log is opened): not a writer yet.
    }
  }
  return writers;
}

function isLive(marker: Marker, path: string): boolean {
  if (marker.host !== thisHost()) {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats !== undefined && Date.now() - stats.mtimeMs < WRITER_STALE_MS;
  }
  const start = processStart(marker.pid);
  if (start !== undefined) return marker.start === null || start === marker.start;
  try {
    process.kill(marker.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by someone else
  }
}

/**
 * The process's start time in clock ticks since boot (`/proc/<pid>/stat`, field 22): with the pid it names
 * one process for good, where a pid alone may be reused. `undefined` where there is no /proc (or no process);
 * `null` marks "cannot tell" in a marker.
 */
function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const hasProc = (() => {
  try {
    statSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/**
 * Marks this process as a writer of the log until the returned function is called: writes the marker, touches
 * it every {@link HEARTBEAT_MS}, and removes the markers of writers on this host whose process is gone. Best
 * effort: where no marker can be written (a writable log in a directory that is not), the writer still
 * writes, unseen by retention (PROTOCOL.md 2.7).
 */
export function registerWriter(logPath: string): () => void {
  try {
    return register(logPath);
  } catch {
    return () => {};
  }
}

function register(logPath: string): () => void {
  const dir = writersDirectory(logPath);
  mkdirSync(dirname(dir), { recursive: true });
  makeDirectory(dir);
  removeDead(logPath);
  const host = thisHost();
  if (host === null) throw new Error('no host name: the writer goes unregistered');
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  const path = join(dir, `${safeHost}-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  const marker: Marker = {
    pid: process.pid,
    host,
    start: hasProc ? (processStart(process.pid) ?? null) : null,
    since: new Date().toISOString(),
  };
  // Published whole (a hard link of a complete temp file): a reader never sees a half-written marker.
  const text = `${JSON.stringify(marker)}\n`;
  for (let attempt = 1; ; attempt++) {
    try {
      writeFileAtomicSync(path, text, { publish: 'exclusive', mode: 0o644 });
      break;
    } catch (error) {
      // The last writer to close removes the empty directory: make it again, once or twice.
      if (!(error instanceof FipcError && error.code === 'NOT_FOUND') || attempt === 3) throw error;
      makeDirectory(dir);
    }
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Removed by a forced clean-up: the writer goes on without it.
    }
  }, HEARTBEAT_MS).unref();
  return () => {
    clearInterval(heartbeat);
    try {
      unlinkSync(path);
      rmdirSync(dir); // the last writer leaves no trace; ENOTEMPTY while others write
    } catch {}
  };
}

function makeDirectory(dir: string): void {
  try {
    // Not recursive: where a file system answers ENOENT for a name it cannot hold (/proc), Node's recursive
    // mkdir retries forever.
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function removeDead(logPath: string): void {
  for (const writer of listWriters(logPath)) {
    if (writer.host === thisHost() && !writer.live) {
      try {
        unlinkSync(writer.path);
      } catch {}
    }
  }
}
