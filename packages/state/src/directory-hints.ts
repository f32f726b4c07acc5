import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes a watcher when the file may have changed. Every write renames a new inode over the name, so the
 * directory is watched (a watch on the file would stay on the old inode), plus a slow safety poll for lost
 * events and filesystems without notifications. A wake-up is only a hint to go and read.
 */
export class DirectoryHints {
  #dirty = true;
  #wake: (() => void) | undefined;
  #watcher: FSWatcher | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #dir: string;
  readonly #name: string;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.#hint();

  constructor(path: string, pollMs: number, signal?: AbortSignal) {
    this.#dir = dirname(path);
    this.#name = basename(path);
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setInterval(() => {
      this.#watch(); // the directory may have appeared (or come back) since
      this.#hint();
    }, pollMs);
    this.#watch();
  }

  /** Resolves at the next hint, or at once if one came since the last call. */
  async wait(): Promise<void> {
    if (!this.#dirty && !this.#signal?.aborted) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#dirty = false;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#watcher?.close();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#wake?.();
  }

  #watch(): void {
    if (this.#watcher) return;
    try {
      const watcher = watch(this.#dir, { persistent: true }, (_event, name) => {
        // Temp files come and go beside the target: only its own name (or an unnamed event) is a hint.
        if (name === null || name === this.#name) this.#hint();
      });
      watcher.on('error', () => {
        // The directory was removed, or inotify gave up: the poll re-watches when it can.
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
      });
      this.#watcher = watcher;
    } catch {
      // No directory yet, or no watches left: the poll carries on alone.
    }
  }

  #hint(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
