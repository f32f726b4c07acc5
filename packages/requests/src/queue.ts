import { readdirSync, type Stats, statSync } from 'node:fs';
import { rewatchDirectory, watchDirectory } from '@fipc/core';
import { requestError } from './errors.js';
import { parseName } from './names.js';
import type { Responder } from './responder.js';

// A listing is trusted to hold while the directory's mtime and ctime stay the same, once they are this old:
// timestamps are coarser than the clock (a jiffy; seconds on some filesystems), so an entry made in the same
// tick as the listing, just after it, may have left them unchanged.
const SETTLED_MS = 2_000;

/**
 * The requests a responder has yet to try, and their dispatch: fed by the directory watch (a new request's
 * name) and by rescans (every unanswered request, including claims that may have expired), drained into
 * handlers no faster than `concurrency` allows, so nothing is claimed that cannot run at once. A rescan
 * costs a stat while the directory is unchanged; requests other live responders hold are not looked at again
 * before their leases may expire (`HeldClaims`). So a responder's idle cost does not grow with the backlog.
 */
export class RequestQueue {
  // id -> whether an existing claim should be checked for expiry (rescans) or the id skipped if claimed (hints)
  readonly #pending = new Map<string, boolean>();
  readonly #responder: Responder;
  /** The directory's stats when it was last listed, once settled (undefined: list at the next rescan). */
  #listed: Stats | undefined;

  constructor(responder: Responder) {
    this.#responder = responder;
  }

  /** Listens to the directory (the process's one watch on it) and rescans every `pollMs`; returns the stop. */
  watch(): () => void {
    const { path, settings } = this.#responder;
    const unwatch = watchDirectory(path, (name) => {
      if (this.#responder.stopping) return;
      if (name === null) return this.rescan(true);
      const parsed = parseName(name);
      if (parsed?.kind === 'request') {
        this.#responder.held.forget(parsed.id);
        this.enqueue(parsed.id, false);
        this.pump();
      } else if (parsed?.kind === 'response') {
        this.#responder.held.forget(parsed.id);
        this.#responder.checkRunning(parsed.id);
      } else if (parsed?.kind === 'lease' && this.#responder.held.isHeld(parsed.id)) {
        // A held claim was given up, taken over or touched: look at it now rather than at its expiry.
        this.#responder.held.forget(parsed.id);
        this.enqueue(parsed.id, true);
        this.pump();
      }
    });
    const timer = setInterval(() => {
      rewatchDirectory(path); // re-arm a watch lost to an error, or to the directory being made again
      this.rescan();
    }, settings.pollMs);
    return () => {
      clearInterval(timer);
      unwatch();
    };
  }

  /**
   * Queues every request without a response that no live responder holds; `force` lists the directory even
   * if it looks unchanged since the last listing.
   */
  rescan(force = false): void {
    const { path, settings, held } = this.#responder;
    for (const id of held.refresh()) this.enqueue(id, true);
    if (!this.#changed() && !force) {
      this.pump();
      return;
    }
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      this.#listed = undefined;
      settings.onError(requestError(error, path), undefined);
      return;
    }
    const requests: string[] = [];
    const answered = new Set<string>();
    for (const name of names) {
      const parsed = parseName(name);
      if (parsed?.kind === 'request') requests.push(parsed.id);
      else if (parsed?.kind === 'response') answered.add(parsed.id);
    }
    const unanswered = new Set(requests.filter((id) => !answered.has(id)));
    held.retain(unanswered);
    for (const id of unanswered) if (!held.isHeld(id)) this.enqueue(id, true);
    this.pump();
  }

  /** Whether the directory may have changed since it was last listed (one stat). */
  #changed(): boolean {
    let stats: Stats | undefined;
    try {
      stats = statSync(this.#responder.path);
    } catch {
      stats = undefined;
    }
    const before = this.#listed;
    const same =
      before !== undefined &&
      stats !== undefined &&
      stats.mtimeMs === before.mtimeMs &&
      stats.ctimeMs === before.ctimeMs &&
      stats.ino === before.ino &&
      stats.dev === before.dev;
    if (same) return false;
    this.#listed =
      stats && Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) > SETTLED_MS ? stats : undefined;
    return true;
  }

  enqueue(id: string, takeOver: boolean): void {
    if (this.#responder.running.has(id)) return;
    this.#pending.set(id, takeOver || (this.#pending.get(id) ?? false));
  }

  /** Starts queued requests while there is room. */
  pump(): void {
    const responder = this.#responder;
    while (!responder.stopping && responder.running.size < responder.settings.concurrency) {
      const next = this.#pending.entries().next();
      if (next.done) return;
      const [id, takeOver] = next.value;
      this.#pending.delete(id);
      try {
        responder.start(id, takeOver);
      } catch (error) {
        this.#listed = undefined; // pending again: the next rescan retries it
        responder.settings.onError(requestError(error, undefined, id), id);
      }
    }
  }

  clear(): void {
    this.#pending.clear();
  }
}
