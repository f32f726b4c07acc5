import { readdirSync } from 'node:fs';
import { rewatchDirectory, watchDirectory } from '@fipc/core';
import { requestError } from './errors.js';
import { parseName } from './names.js';
import type { Responder } from './responder.js';

/**
 * The requests a responder has yet to try, and their dispatch: fed by the directory watch (a new request's
 * name) and by rescans (every unanswered request, including claims that may have expired), drained into
 * handlers no faster than `concurrency` allows, so nothing is claimed that cannot run at once.
 */
export class RequestQueue {
  // id -> whether an existing claim should be checked for expiry (rescans) or the id skipped if claimed (hints)
  readonly #pending = new Map<string, boolean>();
  readonly #responder: Responder;

  constructor(responder: Responder) {
    this.#responder = responder;
  }

  /** Listens to the directory (the process's one watch on it) and rescans every `pollMs`; returns the stop. */
  watch(): () => void {
    const { path, settings } = this.#responder;
    const unwatch = watchDirectory(path, (name) => {
      if (this.#responder.stopping) return;
      if (name === null) return this.rescan();
      const parsed = parseName(name);
      if (parsed?.kind === 'request') {
        this.enqueue(parsed.id, false);
        this.pump();
      } else if (parsed?.kind === 'response') this.#responder.checkRunning(parsed.id);
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

  /** Queues every request without a response. */
  rescan(): void {
    const { path, settings } = this.#responder;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
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
    for (const id of requests) if (!answered.has(id)) this.enqueue(id, true);
    this.pump();
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
        responder.settings.onError(requestError(error, undefined, id), id);
      }
    }
  }

  clear(): void {
    this.#pending.clear();
  }
}
