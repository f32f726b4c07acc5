import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes a loop when a file may have changed: `fs.watch` on the file and its directory as hints, plus a safety
 * poll, so a lost notification delays the loop by at most `pollMs`. (The same policy as `tailEvents`.)
 */
export class ChangeWake {
  #dirty = true;
  #wake: (() => void) | undefined;
  #file: FSWatcher | undefined;
  #dir: FSWatcher | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #onAbort = () => this.hint();

  constructor(
    private readonly path: string,
    pollMs: number,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setInterval(() => this.hint(), pollMs);
    this.watch();
  }

  /** (Re)watches the file now at the path, and its directory if not yet watched. */
  watch(): void {
    this.#file?.close();
    this.#file = tryWatch(this.path, () => this.hint());
    this.#dir ??= tryWatch(dirname(this.path), (name) => {
      if (name === null || name === basename(this.path)) this.hint();
    });
  }

  async wait(): Promise<void> {
    if (!this.#dirty && !this.signal?.aborted) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#dirty = false;
  }

  hint(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#file?.close();
    this.#dir?.close();
    this.signal?.removeEventListener('abort', this.#onAbort);
    this.hint();
  }
}

function tryWatch(path: string, listener: (name: string | null) => void): FSWatcher | undefined {
  try {
    const watcher = watch(path, (_event, name) => listener(name));
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
