import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes a follower when the file may have changed: `fs.watch` on the file and on its directory (for creation,
 * rename and replacement), plus a slow safety poll for lost events and filesystems without notifications.
 * Every wake-up is only a hint to read to the end; nothing is inferred from the event itself.
 */
export class ChangeHints {
  #dirty = true;
  #wake: (() => void) | undefined;
  #file: FSWatcher | undefined;
  #dir: FSWatcher | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #path: string;
  readonly #name: string;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.hint();

  constructor(path: string, pollMs: number, signal?: AbortSignal) {
    this.#path = path;
    this.#name = basename(path);
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setInterval(() => {
      this.#watchDirectory(); // the directory may have appeared since
      this.hint();
    }, pollMs);
    this.#watchDirectory();
  }

  /** Watches the file now open (its inode: a replaced file needs a new watch). */
  watchFile(): void {
    this.#file?.close();
    this.#file = tryWatch(this.#path, () => this.hint());
    this.#watchDirectory();
  }

  /** Resolves at the next hint, or at once if one came since the last call. */
  async wait(): Promise<void> {
    if (!this.#dirty && !this.#signal?.aborted) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#dirty = false;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#file?.close();
    this.#dir?.close();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#wake?.();
  }

  #watchDirectory(): void {
    this.#dir ??= tryWatch(dirname(this.#path), (name) => {
      if (name === null || name === this.#name) this.hint();
    });
  }

  /** Marks the file as possibly changed and wakes the waiter. */
  hint(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function tryWatch(path: string, listener: (name: string | null) => void): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: true }, (_event, name) => listener(name));
    // A watched directory removed, or inotify limits reached: the safety poll carries on alone.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
