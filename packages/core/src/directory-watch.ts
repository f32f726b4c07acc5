import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, resolve } from 'node:path';

/**
 * Called with the name of an entry that may have changed, or `null` for "anything may have changed"; `kind` is
 * `'change'` when the notification was only about the entry's content or attributes (a write, a `touch`), so
 * the name still names the same file, and `'rename'` for anything else (created, removed, renamed, unknown).
 *
 * @example
 * const listener: HintListener = (name, kind) => { if (name === 'state.json' && kind === 'rename') reread(); };
 */
export type HintListener = (name: string | null, kind: 'rename' | 'change') => void;

interface Hub {
  watcher: FSWatcher | undefined;
  /** The watched directory's identity: a directory removed and made again needs a new watch. */
  identity: string | undefined;
  /** An event named like the directory itself: it may have been removed (and its inode number reused). */
  stale: boolean;
  checkedAt: number;
  listeners: Set<HintListener>;
  idle: NodeJS.Timeout | undefined;
}

// A watcher outlives its last listener for a while: a requester asking one question after another, or an SSE
// client reconnecting, would otherwise pay for a new inotify watch each time.
const LINGER_MS = 10_000;
// How often a listener's poll may re-check the directory's identity (a stat).
const RECHECK_MS = 100;

// One fs.watch per directory per process, shared by every follower, watcher, requester and responder.
const hubs = new Map<string, Hub>();

/**
 * Subscribes `listener` to the directory's change notifications (the entry's name, or `null`). The one
 * `fs.watch` call site of fipc: one watch per directory per process, whoever listens. A notification is only
 * a hint; pair it with a safety poll ({@link ChangeHints} does). Returns the unsubscribe.
 *
 * @example
 * const off = watchDirectory('run-1/input-requests', (name) => { if (name?.endsWith('.response')) check(); });
 */
export function watchDirectory(dir: string, listener: HintListener): () => void {
  const key = resolve(dir);
  let hub = hubs.get(key);
  if (!hub) {
    hub = {
      watcher: undefined,
      identity: undefined,
      stale: false,
      checkedAt: 0,
      listeners: new Set(),
      idle: undefined,
    };
    hubs.set(key, hub);
  }
  const current = hub;
  clearTimeout(current.idle);
  current.listeners.add(listener);
  ensureWatch(key, current, true);
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size > 0) return;
    clearTimeout(current.idle);
    current.idle = setTimeout(() => {
      if (current.listeners.size > 0 || hubs.get(key) !== current) return;
      current.watcher?.close();
      hubs.delete(key);
    }, LINGER_MS).unref();
  };
}

/**
 * Re-arms the directory's watch if it was lost (an error, inotify limits) or if the directory was removed and
 * made again (a watch on the old inode sees nothing). Called from safety polls; cheap (a stat at most every
 * 100 ms per directory).
 *
 * @example
 * setInterval(() => rewatchDirectory('run-1'), 500);
 */
export function rewatchDirectory(dir: string): void {
  const key = resolve(dir);
  const hub = hubs.get(key);
  if (hub) ensureWatch(key, hub, false);
}

/**
 * How many directories this process watches (for leak checks and the "watches per instance" figure).
 *
 * @example
 * console.log(`${watchedDirectories()} inotify watches`);
 */
export const watchedDirectories = (): number => [...hubs.values()].filter((hub) => hub.watcher).length;

function ensureWatch(dir: string, hub: Hub, force: boolean): void {
  const now = Date.now();
  if (!force && now - hub.checkedAt < RECHECK_MS) return;
  hub.checkedAt = now;
  const identity = identityOf(dir);
  if (hub.watcher && !hub.stale && identity === hub.identity) return;
  hub.watcher?.close();
  hub.watcher = undefined;
  hub.identity = identity;
  hub.stale = false;
  if (identity === undefined) return; // not there (yet): the polls look again
  try {
    const own = basename(dir);
    const watcher = watch(dir, { persistent: false }, (event, name) => {
      const entry = typeof name === 'string' ? name : null;
      if (entry === own) hub.stale = true;
      const kind = event === 'change' && entry !== null ? 'change' : 'rename';
      for (const listener of hub.listeners) listener(entry, kind);
    });
    watcher.on('error', () => {
      // The directory was removed, or inotify gave up: the next poll re-watches when it can.
      watcher.close();
      if (hub.watcher === watcher) hub.watcher = undefined;
      for (const listener of hub.listeners) listener(null, 'rename');
    });
    hub.watcher = watcher;
  } catch {
    // No watches left, or a filesystem without notifications: the safety polls carry on alone.
  }
}

function identityOf(dir: string): string | undefined {
  const stats = statSync(dir, { throwIfNoEntry: false });
  return stats?.isDirectory() ? `${stats.dev}:${stats.ino}:${stats.birthtimeMs}` : undefined;
}
