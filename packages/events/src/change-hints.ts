import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes a follower when the file may have changed: `fs.watch` on the file and on its directory (for creation,
 * rename and replacement), plus a slow safety poll for lost events and filesystems without notifications.
 * Every wake-up is only a hint to read to the end; nothing is inferred from the event itself.
 * Closes itself when `signal` aborts, so an abandoned follower keeps no timer or watcher alive.
 * Exported as the building block for followers of other files (a mirror, a custom reader).
 *
 * @example
 * const hints = new ChangeHints('run/events.jsonl', 500, signal);
 * hints.watchFile();
 * while (!signal.aborted) {
 *   await hints.wait(); // a hint, or the safety poll: read to the end now
 *   readNewBytes();
 * }
 * hints.close();
 */
export class ChangeHints {
  #dirty = true;
  #closed = false;
  #wake: (() => void) | undefined;
  #file: FSWatcher | undefined;
  #dir: FSWatcher | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #path: string;
  readonly #name: string;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.close();

  constructor(path: string, pollMs: number, signal?: AbortSignal) {
    this.#path = path;
    this.#name = basename(path);
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setInterval(() => {
      this.#watchDirectory(); // the directory may have appeared (or been recreated) since
      this.hint();
    }, pollMs);
    this.#watchDirectory();
  }

  /** Watches the file now open (its inode: a replaced file needs a new watch). */
  watchFile(): void {
    if (this.#closed) return;
    this.#file?.close();
    this.#file = tryWatch(
      this.#path,
      () => this.hint(),
      () => (this.#file = undefined),
    );
    this.#watchDirectory();
  }

  /** Resolves at the next hint, or at once if one came since the last call or the hints are closed. */
  async wait(): Promise<void> {
    if (!this.#dirty && !this.#closed) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#dirty = false;
  }

  /** Stops the poll and the watchers and wakes the waiter; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#file?.close();
    this.#dir?.close();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.hint();
  }

  /** Marks the file as possibly changed and wakes the waiter. */
  hint(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #watchDirectory(): void {
    if (this.#closed) return;
    this.#dir ??= tryWatch(
      dirname(this.#path),
      (name) => {
        if (name === null || name === this.#name) this.hint();
      },
      () => (this.#dir = undefined),
    );
  }
}

function tryWatch(
  path: string,
  listener: (name: string | null) => void,
  onGone: () => void,
): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: true }, (_event, name) => listener(name));
    // A watched directory removed, or inotify limits reached: the safety poll carries on (and watches again).
    watcher.on('error', () => {
      watcher.close();
      onGone();
    });
    return watcher;
  } catch {
    return undefined;
  }
}
