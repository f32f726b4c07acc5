import { setTimeout as delay } from 'node:timers/promises';

/** Waits before a retry: 50 ms, doubling up to 1 s; `reset` after a success. Resolves early on abort. */
export class Backoff {
  #ms = 0;

  reset(): void {
    this.#ms = 0;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    this.#ms = Math.min(1000, this.#ms ? this.#ms * 2 : 50);
    await sleep(this.#ms, signal);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {}
}

/**
 * How long a JetStream request may wait for its answer. A healthy server answers in about a millisecond; a
 * request lost in a server restart is retried after this (its outcome is re-read, never assumed).
 */
export const REQUEST_TIMEOUT_MS = 2000;
