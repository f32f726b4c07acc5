import { lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listSegments, listWriters } from '@fipc/events';
import { listRequests } from '@fipc/requests';
import { readState } from '@fipc/state';
import { lastEventTime } from './last-event.js';

/**
 * One instance directory as {@link listInstances} sees it.
 *
 * @example
 * const line = ({ id, status, lastEventAt, bytes }: InstanceInfo) => `${id} ${status ?? '-'} ${lastEventAt ?? '-'} ${bytes}`;
 */
export interface InstanceInfo {
  /** The directory's name. */
  id: string;
  /** The directory's absolute path. */
  path: string;
  /** `state.json`'s `status` field when it is a string. */
  status: string | undefined;
  /** Whether `status` is one of the terminal statuses (the job is over). */
  terminal: boolean;
  /** `state.json` itself: `ok`, `missing`, or `invalid` (not a snapshot, not JSON, unreadable). */
  state: 'ok' | 'missing' | 'invalid';
  /** `state.json`'s `updated_at`. */
  updatedAt: string | undefined;
  /** The `timestamp` of the last record of `events.jsonl` (or of its newest segment when it is empty). */
  lastEventAt: string | undefined;
  /**
   * The latest modification time of the directory and its files, in ms since the epoch: its last activity.
   * Hidden entries at its top (writer markers and their heartbeats, locks, temp files) do not count.
   */
  lastActivityMs: number;
  /** Bytes of every file in the directory, segments and requests included. */
  bytes: number;
  /** Retained segments of the rotated log. */
  segments: number;
  /** Processes that have the log open for writing now (PROTOCOL.md 2.7). */
  liveWriters: number;
  /** Requests waiting for an answer or being answered (`pending`, `claimed`); `undefined` when unreadable. */
  pendingRequests: number | undefined;
}

/** Names that make a directory an instance (PROTOCOL.md section 1). */
export const LOG = 'events.jsonl';
const MARKERS = new Set([LOG, 'state.json', 'input-requests', `.${LOG}.writers`]);

/** Whether the directory holds an instance's files (a log, a state, requests, segments). */
export function isInstance(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((name) => MARKERS.has(name)) || listSegments(join(dir, LOG)).length > 0;
}

/** Reads everything {@link InstanceInfo} tells about the instance in `dir`. */
export async function inspectInstance(dir: string, terminal: ReadonlySet<string>): Promise<InstanceInfo> {
  const log = join(dir, LOG);
  let status: string | undefined;
  let updatedAt: string | undefined;
  let state: InstanceInfo['state'] = 'ok';
  try {
    const snapshot = await readState(join(dir, 'state.json'));
    status = typeof snapshot.status === 'string' ? snapshot.status : undefined;
    updatedAt = snapshot.updated_at;
  } catch (error) {
    state = (error as { code?: string }).code === 'NOT_FOUND' ? 'missing' : 'invalid';
  }
  const segments = listSegments(log);
  let lastEventAt = lastEventTime(log);
  for (let i = segments.length - 1; lastEventAt === undefined && i >= 0; i--)
    lastEventAt = lastEventTime(segments[i]!.path);
  let pendingRequests: number | undefined;
  try {
    pendingRequests = (await listRequests(dir, { status: ['pending', 'claimed'] })).length;
  } catch {
    pendingRequests = undefined; // an unsafe or unreadable requests directory: cannot tell
  }
  const { bytes, lastActivityMs } = usage(dir);
  return {
    id: basename(dir),
    path: dir,
    status,
    terminal: status !== undefined && terminal.has(status),
    state,
    updatedAt,
    lastEventAt,
    lastActivityMs,
    bytes,
    segments: segments.length,
    liveWriters: listWriters(log).filter((writer) => writer.live).length,
    pendingRequests,
  };
}

/** Total bytes and newest modification time under `dir`, never following a symlink. */
function usage(dir: string): { bytes: number; lastActivityMs: number } {
  let bytes = 0;
  let lastActivityMs = lstatSync(dir).mtimeMs;
  const walk = (path: string, counts: boolean) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) {
      const child = join(path, name);
      const stats = lstatSync(child, { throwIfNoEntry: false });
      if (!stats) continue;
      const active = counts && !(path === dir && name.startsWith('.'));
      if (active) lastActivityMs = Math.max(lastActivityMs, stats.mtimeMs);
      if (stats.isDirectory()) walk(child, active);
      else bytes += stats.size;
    }
  };
  walk(dir, true);
  return { bytes, lastActivityMs };
}
