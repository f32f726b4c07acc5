import { basename, dirname } from 'node:path';
import { onAbort } from './abort.js';
import { rewatchDirectory, watchDirectory } from './directory-watch.js';

/**
 * Wakes a follower when a file (or, with `name: null`, anything in a directory) may have changed: the shared
 * directory watch (it sees appends, creation, rename and replacement) plus a safety poll every `pollMs` for
 * lost events and filesystems without notifications. Every wake-up is only a hint to read to the end. Closes
 * itself when `signal` aborts, so an abandoned follower keeps no timer or watcher alive.
 *
 * @example
 * const hints = new ChangeHints('run/events.jsonl', 500, signal);
 * while (!signal.aborted) {
 *   await hints.wait(); // a hint, or the safety poll: read to the end now
 *   readNewBytes();
 * }
 * hints.close();
 */
export class ChangeHints {
  #dirty = true;
  #renamed = true;
  #closed = false;
  #wake: (() => void) | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #unwatch: () => void;
  readonly #offAbort: () => void;

  /**
   * @param path the file to watch; or a directory, with `filter` deciding which entry names are hints
   * @param pollMs the safety poll period
   * @param signal closes the hints when it aborts
   * @param filter which names are hints. @default the file's own name (a directory event without one counts)
   */
  constructor(path: string, pollMs: number, signal?: AbortSignal, filter?: (name: string) => boolean) {
    const dir = filter ? path : dirname(path);
    const own = basename(path);
    const matches = filter ?? ((name: string) => name === own);
    this.#unwatch = watchDirectory(dir, (name, kind) => {
      if (name === null || matches(name)) this.hint(kind);
    });
    this.#timer = setInterval(() => {
      rewatchDirectory(dir); // the directory may have appeared, or been made again, since
      this.hint();
    }, pollMs);
    this.#offAbort = onAbort(signal, () => this.close());
  }

  /** Resolves at the next hint, or at once if one came since the last call or the hints are closed. */
  async wait(): Promise<void> {
    if (!this.#dirty && !this.#closed) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#dirty = false;
  }

  /** Whether a hint came since the last {@link wait}. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /**
   * Whether the path may name another file than at the last call: a hint since then was not only a write to
   * it (a rename, a creation or removal, a lost notification, a safety poll). A follower that stats the path
   * at every wake to see whether it was replaced needs to do so only when this says so.
   */
  takeRenamed(): boolean {
    const renamed = this.#renamed;
    this.#renamed = false;
    return renamed;
  }

  /** Stops the poll and the watch and wakes the waiter; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unwatch();
    this.#offAbort();
    this.hint();
  }

  /** Marks the file as possibly changed (`'change'`: written to, still the same file) and wakes the waiter. */
  hint(kind: 'rename' | 'change' = 'rename'): void {
    this.#dirty = true;
    if (kind === 'rename') this.#renamed = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
