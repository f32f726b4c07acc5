import { readdirSync } from 'node:fs';
import { rewatchDirectory, watchDirectory } from '@fipc/core';
import { parseName, requestName, responseName } from './names.js';

/** Looks at a waiter's response file: `poll` when no hint named it (it may well not exist). */
export type Check = (poll: boolean) => void;

/**
 * The waiters of one directory that share one safety poll period. The directory watch is the process's one
 * watch on it (core `watchDirectory`); each period has its own timer, so a waiter is never polled more slowly
 * than it asked for, and many waiters with one period cost one timer and, past {@link LIST_FROM}, one listing.
 */
interface Group {
  waiters: Map<string, Set<Check>>;
  close: () => void;
}

// dir -> pollMs -> group
const groups = new Map<string, Map<number, Group>>();

// Past this many waiters a safety poll lists the directory once instead of looking up each waiter's files.
const LIST_FROM = 16;

/** Whether this process is waiting for the outcome of `id` (retention must not remove it under us). */
export function isAwaited(dir: string, id: string): boolean {
  for (const group of groups.get(dir)?.values() ?? []) if (group.waiters.has(id)) return true;
  return false;
}

/** Calls `check` on every hint about `id`'s response and on every safety poll; returns the unregister. */
export function register(dir: string, id: string, pollMs: number, check: Check): () => void {
  const byPeriod = groups.get(dir) ?? new Map<number, Group>();
  groups.set(dir, byPeriod);
  const group = byPeriod.get(pollMs) ?? openGroup(dir, pollMs);
  byPeriod.set(pollMs, group);
  const { waiters } = group;
  const set = waiters.get(id) ?? new Set();
  waiters.set(id, set.add(check));
  return () => {
    set.delete(check);
    if (set.size === 0 && waiters.get(id) === set) waiters.delete(id);
    if (waiters.size > 0 || byPeriod.get(pollMs) !== group) return;
    byPeriod.delete(pollMs);
    if (byPeriod.size === 0 && groups.get(dir) === byPeriod) groups.delete(dir);
    group.close();
  };
}

function openGroup(dir: string, pollMs: number): Group {
  const waiters = new Map<string, Set<Check>>();
  const unwatch = watchDirectory(dir, (name) => {
    if (name === null) return pollAll(dir, waiters);
    const parsed = parseName(name);
    if (parsed?.kind !== 'response') return;
    for (const each of [...(waiters.get(parsed.id) ?? [])]) each(false);
  });
  // Not unref'd: a pending request keeps its process alive, as a pending network request would.
  const timer = setInterval(() => {
    rewatchDirectory(dir); // re-arm a watch lost to an error, or to the directory being made again
    pollAll(dir, waiters);
  }, pollMs);
  return {
    waiters,
    close: () => {
      clearInterval(timer);
      unwatch();
    },
  };
}

function pollAll(dir: string, waiters: Map<string, Set<Check>>): void {
  let names: Set<string> | undefined;
  if (waiters.size > LIST_FROM) {
    try {
      names = new Set(readdirSync(dir));
    } catch {
      // the directory is gone: each waiter finds out for itself
    }
  }
  for (const [id, set] of [...waiters]) {
    // Only what the listing shows as answered or removed needs a closer look.
    if (names?.has(requestName(id)) && !names.has(responseName(id))) continue;
    for (const each of [...set]) each(!names?.has(responseName(id)));
  }
}
