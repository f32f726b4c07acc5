import { onAbort } from '@fipc/core';
import { type KV, KvWatchInclude } from '@nats-io/kv';
import { NatsBridgeError } from './errors.js';
import { isWrongLastSequence } from './nats-errors.js';
import { decodeOutcome, type NatsResponseRecord } from './request-records.js';
import { sleep } from './retry.js';

type Listener = (value: Uint8Array) => void;

/**
 * One KV watch per bucket and instance in a process, however many requests wait: it only hints that an
 * outcome appeared (each waiter also reads its key every `pollMs`, which covers a watch stalled by a server
 * restart).
 */
class OutcomeWatch {
  readonly #kv: KV;
  readonly #filter: string;
  readonly #listeners = new Map<string, Set<Listener>>();
  #running = false;

  constructor(kv: KV, instance: string) {
    this.#kv = kv;
    this.#filter = `${instance}.>`;
  }

  listen(key: string, listener: Listener): () => void {
    const set = this.#listeners.get(key) ?? new Set();
    this.#listeners.set(key, set);
    set.add(listener);
    if (!this.#running) void this.#watch();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
    };
  }

  async #watch(): Promise<void> {
    this.#running = true;
    try {
      while (this.#listeners.size > 0) {
        try {
          const entries = await this.#kv.watch({ key: this.#filter, include: KvWatchInclude.UpdatesOnly });
          const idle = setInterval(() => {
            if (this.#listeners.size === 0) entries.stop();
          }, 1000);
          try {
            for await (const entry of entries) {
              if (entry.operation !== 'PUT') continue;
              for (const listener of this.#listeners.get(entry.key) ?? []) listener(entry.value);
            }
          } finally {
            clearInterval(idle);
          }
        } catch {
          await sleep(1000);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

const watches = new WeakMap<KV, Map<string, OutcomeWatch>>();

function watchOf(kv: KV, instance: string): OutcomeWatch {
  const byInstance = watches.get(kv) ?? new Map<string, OutcomeWatch>();
  watches.set(kv, byInstance);
  let watch = byInstance.get(instance);
  if (!watch) {
    watch = new OutcomeWatch(kv, instance);
    byInstance.set(instance, watch);
  }
  return watch;
}

/** The request's outcome, if there is one. */
export async function readOutcome(
  kv: KV,
  key: string,
  requestId: string,
): Promise<NatsResponseRecord | undefined> {
  const entry = await kv.get(key);
  return entry && entry.operation === 'PUT' ? decodeOutcome(entry.value, requestId) : undefined;
}

/**
 * Publishes `record` as the request's outcome unless it has one: `kv.create`, so of racing writers exactly one
 * wins. Resolves with `undefined` when this one won, else with the outcome that did.
 */
export async function publishOutcome(
  kv: KV,
  key: string,
  record: NatsResponseRecord,
  requestId: string,
): Promise<NatsResponseRecord | undefined> {
  try {
    await kv.create(key, `${JSON.stringify(record, undefined, 2)}\n`);
    return undefined;
  } catch (error) {
    if (!isWrongLastSequence(error)) throw error;
  }
  const outcome = await readOutcome(kv, key, requestId);
  if (!outcome)
    throw new NatsBridgeError('NATS_ERROR', `the outcome of ${requestId} vanished`, { requestId });
  return outcome;
}

/** What ended a wait: the outcome, the deadline, or the signal. */
export type WaitEnd = NatsResponseRecord | 'deadline' | 'aborted';

/**
 * Waits for the request's outcome: the shared watch's hints, and a read of the key every `pollMs`. Ends at
 * `deadline` (epoch ms) or when `signal` aborts. Rejects with `MALFORMED_RESPONSE`.
 */
export function waitOutcome(
  kv: KV,
  instance: string,
  key: string,
  requestId: string,
  { pollMs, deadline, signal }: { pollMs: number; deadline?: number; signal?: AbortSignal },
): Promise<WaitEnd> {
  return new Promise<WaitEnd>((resolve, reject) => {
    let done = false;
    const finish = (end: WaitEnd | Error) => {
      if (done) return;
      done = true;
      off();
      offAbort();
      clearInterval(poll);
      clearTimeout(timer);
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
    const decode = (value: Uint8Array) => {
      try {
        finish(decodeOutcome(value, requestId));
      } catch (error) {
        finish(error as Error);
      }
    };
    const check = () => {
      if (deadline !== undefined && Date.now() >= deadline) return finish('deadline');
      readOutcome(kv, key, requestId).then(
        (outcome) => outcome && finish(outcome),
        (error) => error instanceof NatsBridgeError && finish(error), // NATS trouble: the next poll retries
      );
    };
    const off = watchOf(kv, instance).listen(key, decode);
    const offAbort = onAbort(signal, () => finish('aborted'));
    const poll = setInterval(check, pollMs);
    // A timer fires at most 2^31 - 1 ms ahead; the poll covers deadlines further away.
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(check, Math.min(Math.max(0, deadline - Date.now()), 2 ** 31 - 1));
    check();
  });
}

/** Calls `listener` when the shared watch sees an outcome for `key`; returns the unsubscribe. */
export const onOutcome = (kv: KV, instance: string, key: string, listener: () => void): (() => void) =>
  watchOf(kv, instance).listen(key, listener);
