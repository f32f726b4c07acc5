import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Stops waiting on a request the moment the connection drops or comes back. A request sent just before a
 * server crash, or while reconnecting (buffered, then sent to a server still recovering its streams), gets no
 * answer and would otherwise hold its caller until the request timeout; its outcome is unknown either way,
 * so the caller re-reads the server's state.
 */
export class Disconnects {
  readonly #waiters = new Set<(error: Error) => void>();
  // A QueuedIterator underneath, which `stop()` ends.
  readonly #status: AsyncIterable<{ type: string }> & { stop?: () => void };

  constructor(nc: NatsConnection) {
    const statuses = nc.status();
    this.#status = statuses;
    void (async () => {
      for await (const status of statuses) {
        if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
        for (const reject of this.#waiters) reject(new Error(`${status.type} while waiting for the server`));
        this.#waiters.clear();
      }
    })();
  }

  /** `promise`, or a rejection at the next disconnect, whichever comes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiters.add(reject);
      promise.then(resolve, reject).finally(() => this.#waiters.delete(reject));
    });
  }

  close(): void {
    this.#status.stop?.();
  }
}
