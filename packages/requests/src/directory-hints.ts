import { type FSWatcher, watch } from 'node:fs';

/** Called with the name of an entry that may have changed, or `null` for "anything may have changed". */
export type HintListener = (name: string | null) => void;

interface Hub {
  watcher: FSWatcher | undefined;
  listeners: Set<HintListener>;
  idle: NodeJS.Timeout | undefined;
}

// A watcher outlives its last subscriber for a while: a requester asking one question after another would
// otherwise pay for a new inotify watch on every request.
const LINGER_MS = 10_000;

// One fs.watch per directory per process, shared by every requester and responder in it.
const hubs = new Map<string, Hub>();

/**
 * Subscribes to change hints on a directory: `fs.watch` events (with the entry's name) as they come, and a
 * `null` hint every `pollMs` as a safety net for lost events, inotify overflow and filesystems without
 * notifications. Hints only say where to look; callers always read the files. Returns the unsubscribe.
 */
export function subscribeHints(dir: string, pollMs: number, listener: HintListener): () => void {
  let hub = hubs.get(dir);
  if (!hub) {
    hub = { watcher: undefined, listeners: new Set(), idle: undefined };
    hubs.set(dir, hub);
  }
  const current = hub;
  clearTimeout(current.idle);
  current.listeners.add(listener);
  ensureWatcher(dir, current);
  const timer = setInterval(() => {
    ensureWatcher(dir, current); // re-arm after a watcher error
    listener(null);
  }, pollMs);
  return () => {
    clearInterval(timer);
    current.listeners.delete(listener);
    if (current.listeners.size > 0) return;
    clearTimeout(current.idle);
    current.idle = setTimeout(() => {
      if (current.listeners.size > 0) return;
      current.watcher?.close();
      hubs.delete(dir);
    }, LINGER_MS).unref();
  };
}

function ensureWatcher(dir: string, hub: Hub): void {
  if (hub.watcher) return;
  try {
    const watcher = watch(dir, { persistent: false }, (_event, name) => {
      const entry = typeof name === 'string' ? name : null;
      for (const listener of hub.listeners) listener(entry);
    });
    watcher.on('error', () => {
      watcher.close();
      if (hub.watcher === watcher) hub.watcher = undefined;
      for (const listener of hub.listeners) listener(null);
    });
    hub.watcher = watcher;
  } catch {
    // inotify limits reached, or a filesystem without notifications: the safety poll carries on alone.
  }
}
