import { onAbort } from '@fipc/core';

/**
 * One subscriber's view of a topic: an async iterator of the events published after it subscribed, ending
 * when the topic completes (after the events already queued), when `close()` is called or its signal aborts.
 *
 * @example
 * const sub: Subscription<EventRecord> = bus.subscribe('run-1');
 * for await (const record of sub) if (record.event_type === 'completed') sub.close();
 * console.log(`lost ${sub.dropped} events`);
 */
export interface Subscription<T> extends AsyncIterableIterator<T> {
  /** Events this subscriber lost because its queue was full. */
  readonly dropped: number;
  /** Stops now; queued events are discarded. */
  close(): void;
}

/**
 * Options of {@link EventBus.subscribe}.
 *
 * @example
 * const sub = bus.subscribe('run-1', { maxQueue: 100, signal: AbortSignal.timeout(60_000) } satisfies SubscribeOptions);
 */
export interface SubscribeOptions {
  /**
   * Events held for a subscriber that does not keep up; when full, new events are dropped for it (and
   * counted in `dropped`) so a slow subscriber never blocks a publisher.
   * @default 1000
   */
  maxQueue?: number;
  /** Closes the subscription (its loop ends) when aborted. */
  signal?: AbortSignal;
}

/**
 * An in-process pub/sub with a completion signal: the original's bus, typed.
 *
 * @example
 * const bus = createEventBus<{ step: string }>();
 * const sub = bus.subscribe('run-1');
 * bus.publish('run-1', { step: 'build' });
 * bus.complete('run-1');
 * for await (const event of sub) console.log(event.step); // 'build', then the loop ends
 */
export interface EventBus<T> {
  /** Queues `event` for every current subscriber of `topic`; returns how many accepted it. */
  publish(topic: string, event: T): number;
  /** Ends every current subscription of `topic` once it has taken what is queued (the completion sentinel). */
  complete(topic: string): void;
  /** A new subscriber of `topic`: iterate it to receive what is published from now on. */
  subscribe(topic: string, options?: SubscribeOptions): Subscription<T>;
  /** Current subscribers of `topic`. */
  subscribers(topic: string): number;
}

interface Subscriber<T> {
  offer(event: T): boolean;
  complete(): void;
}

/**
 * Creates an {@link EventBus}. Publishing is synchronous and never blocks; each subscriber has its own
 * bounded queue.
 *
 * @example
 * const bus = createEventBus<EventRecord>();
 * for await (const { record } of tailEvents(path, { signal })) bus.publish(record.instance_id, record);
 */
export function createEventBus<T>(): EventBus<T> {
  const topics = new Map<string, Set<Subscriber<T>>>();
  return {
    publish(topic, event) {
      let accepted = 0;
      for (const subscriber of topics.get(topic) ?? []) if (subscriber.offer(event)) accepted++;
      return accepted;
    },
    complete(topic) {
      const subscribers = topics.get(topic);
      topics.delete(topic);
      for (const subscriber of subscribers ?? []) subscriber.complete();
    },
    subscribers: (topic) => topics.get(topic)?.size ?? 0,
    subscribe(topic, { maxQueue = 1000, signal } = {}) {
      const queue: T[] = [];
      let done = false;
      let dropped = 0;
      let wake: (() => void) | undefined;
      const set = topics.get(topic) ?? new Set();
      topics.set(topic, set);
      const notify = () => {
        const resolve = wake;
        wake = undefined;
        resolve?.();
      };
      const subscriber: Subscriber<T> = {
        offer(event) {
          if (done || queue.length >= maxQueue) {
            if (!done) dropped++;
            return false;
          }
          queue.push(event);
          notify();
          return true;
        },
        complete() {
          done = true;
          notify();
        },
      };
      let offAbort = () => {};
      const close = () => {
        done = true;
        queue.length = 0;
        set.delete(subscriber);
        if (set.size === 0 && topics.get(topic) === set) topics.delete(topic);
        offAbort();
        notify();
      };
      set.add(subscriber);
      if (signal?.aborted) close();
      else offAbort = onAbort(signal, close);
      const subscription: Subscription<T> = {
        get dropped() {
          return dropped;
        },
        close,
        async next(): Promise<IteratorResult<T>> {
          while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
          if (queue.length > 0) return { value: queue.shift()!, done: false };
          close();
          return { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<T>> {
          close();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return subscription;
        },
      };
      return subscription;
    },
  };
}
