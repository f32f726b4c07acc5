import { createEventBus } from '@fipc/events';
import { describe, expect, it } from 'vitest';

describe('createEventBus', () => {
  it('fans events out to every subscriber of a topic, in order, and completes them', async () => {
    const bus = createEventBus<{ n: number }>();
    const a = bus.subscribe('run-1');
    const b = bus.subscribe('run-1');
    const other = bus.subscribe('run-2');
    expect(bus.subscribers('run-1')).toBe(2);
    for (let n = 0; n < 5; n++) expect(bus.publish('run-1', { n })).toBe(2);
    bus.complete('run-1');
    const collect = async (sub: AsyncIterable<{ n: number }>) => {
      const out: number[] = [];
      for await (const { n } of sub) out.push(n);
      return out;
    };
    expect(await collect(a)).toEqual([0, 1, 2, 3, 4]);
    expect(await collect(b)).toEqual([0, 1, 2, 3, 4]);
    expect(bus.subscribers('run-1')).toBe(0);
    bus.publish('run-2', { n: 9 });
    expect((await other.next()).value).toEqual({ n: 9 });
    other.close();
    expect(await other.next()).toEqual({ value: undefined, done: true });
    expect(bus.subscribers('run-2')).toBe(0);
  });

  it('drops for a full queue instead of blocking the publisher, and counts what it dropped', async () => {
    const bus = createEventBus<number>();
    const slow = bus.subscribe('t', { maxQueue: 3 });
    const fast = bus.subscribe('t', { maxQueue: 100 });
    for (let n = 0; n < 10; n++) bus.publish('t', n);
    expect(slow.dropped).toBe(7);
    expect(fast.dropped).toBe(0);
    bus.complete('t');
    const got: number[] = [];
    for await (const n of slow) got.push(n);
    expect(got).toEqual([0, 1, 2]);
  });

  it('wakes a waiting subscriber, and ends it when its signal aborts or the loop breaks', async () => {
    const bus = createEventBus<string>();
    const controller = new AbortController();
    const sub = bus.subscribe('t', { signal: controller.signal });
    const next = sub.next();
    bus.publish('t', 'hello');
    expect(await next).toEqual({ value: 'hello', done: false });
    const pending = sub.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(bus.publish('t', 'late')).toBe(0);
    const looped = bus.subscribe('t');
    bus.publish('t', 'x');
    for await (const value of looped) {
      expect(value).toBe('x');
      break;
    }
    expect(bus.subscribers('t')).toBe(0);
    await expect(bus.subscribe('t', { signal: AbortSignal.abort() }).next()).resolves.toMatchObject({
      done: true,
    });
  });
});
