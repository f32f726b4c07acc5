import { fdatasync } from 'node:fs';

/**
 * Group commit: every caller that asks while one `fdatasync` runs shares the next one, so N concurrent
 * durable emits cost about two syncs instead of N.
 */
export class GroupCommit {
  #waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  #running: Promise<void> | undefined;

  /** `beforeSync` runs just before each sync starts: the records written in it are part of that sync. */
  constructor(
    readonly fd: number,
    private readonly beforeSync: () => void = () => {},
  ) {}

  /** Whether a sync is running or about to start: a record written now would wait for the one after it. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Resolves once everything written to `fd` before the call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#running ??= this.#run();
    });
  }

  /** Resolves when no sync is running or waiting. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    for (;;) {
      this.beforeSync();
      if (this.#waiting.length === 0) break;
      const batch = this.#waiting;
      this.#waiting = [];
      const error = await new Promise<unknown>((done) => fdatasync(this.fd, done));
      for (const waiter of batch) error ? waiter.reject(error) : waiter.resolve();
      // Let the callers just released write their next records first, so they share the next sync instead
      // of waiting for the one after it: batches stay full instead of alternating half and half.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#running = undefined;
  }
}
