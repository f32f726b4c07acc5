/**
 * The wait before reconnection `attempt` (1, 2, ...): `baseMs` doubled per attempt, capped at `maxMs`, with
 * jitter (50 to 100 %) so that the clients of a restarted server do not all come back at once.
 */
export function reconnectDelay(baseMs: number, attempt: number, maxMs: number): number {
  const ms = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ms * (0.5 + Math.random() * 0.5));
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
