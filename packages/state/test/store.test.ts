import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openStateStore, readState, StateError, writeState } from '@fipc/state';
import { runTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('openStateStore', () => {
  it('coalesces 10,000 update() calls in a burst: the last value lands, in very few physical writes', async () => {
    const path = join(tempDir(), 'state.json');
    const store = openStateStore(path, { initial: { n: 0, label: 'burst' } });
    const calls = Array.from({ length: 10_000 }, (_, i) => store.update({ n: i + 1 }));
    const landed = await Promise.all(calls);
    console.log(`10,000 update() calls -> ${store.writes} physical write(s)`);
    expect(store.writes).toBeGreaterThanOrEqual(1);
    expect(store.writes).toBeLessThanOrEqual(3);
    expect(landed[0]).toMatchObject({ requested: 1, version: 10_000 });
    expect(landed.at(-1)).toMatchObject({ requested: 10_000, version: 10_000 });
    expect(landed.every((l, i) => l.requested === i + 1 && l.version >= l.requested)).toBe(true);
    expect(landed.at(-1)!.snapshot).toMatchObject({ n: 10_000, label: 'burst' });
    expect(await readState(path)).toMatchObject({ n: 10_000, label: 'burst' });
    await store.close();
  });

  it('says which version landed when calls are coalesced, and flush() waits for the latest', async () => {
    const path = join(tempDir(), 'state.json');
    const store = openStateStore(path, { durability: 'fsync' });
    const first = store.set({ step: 'a' });
    const second = store.update({ extra: 1 });
    expect((await first).version).toBe(2);
    expect((await second).snapshot).toMatchObject({ step: 'a', extra: 1 });
    const third = store.update({ step: 'b' });
    const flushed = await store.flush();
    expect(flushed?.version).toBe(3);
    expect((await third).version).toBe(3);
    expect(store.landed).toBe(3);
    expect(await readState(path)).toMatchObject({ step: 'b', extra: 1 });
    await store.close();
    await expect(store.update({ step: 'c' })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('starts from the snapshot already in the file, and writes one physical write per awaited call', async () => {
    const path = join(tempDir(), 'state.json');
    await writeState(path, { status: 'old', kept: true }, { instanceId: 'job-7' });
    const store = openStateStore(path); // returns at once; the file is read before the first write
    for (let i = 1; i <= 5; i++) await store.update({ i });
    expect(store.current).toMatchObject({ instance_id: 'job-7', status: 'old', kept: true, i: 5 });
    expect(store.writes).toBe(5);
    expect(await readState(path)).toMatchObject({ instance_id: 'job-7', status: 'old', kept: true, i: 5 });
    await store.close();
  });

  it('opens at once; update() merges into the file read lazily; set() needs no base', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    await writeState(path, { status: 'old', kept: true }, { instanceId: 'job-8' });
    const merged = openStateStore(path);
    expect(merged.version).toBe(0);
    expect((await merged.update({ status: 'new' })).snapshot).toMatchObject({
      instance_id: 'job-8',
      status: 'new',
      kept: true,
    });
    await merged.close();
    const replaced = openStateStore(path);
    replaced.update({ lost: true });
    expect((await replaced.set({ status: 'fresh' })).snapshot).toEqual({
      instance_id: basename(dir), // a whole new snapshot: the file's instance_id is not carried over
      updated_at: expect.any(String),
      status: 'fresh',
    });
    await replaced.close();
  });

  it('updates made before the base is read land as if merged into it one by one: values and key order', async () => {
    const path = join(tempDir(), 'state.json');
    await writeState(path, { b: 1, a: 1, keep: 'x' }, { instanceId: 'job-9' });
    const store = openStateStore(path);
    const patches = [
      { c: 1, a: 2 },
      { d: 1, b: 2 },
      { c: 3, e: undefined },
      { 2: 'two', a: 4 },
    ];
    for (const patch of patches) store.update(patch);
    const landed = await store.flush();
    const expected = { instance_id: 'job-9', b: 1, a: 1, keep: 'x' };
    for (const patch of patches) Object.assign(expected, patch);
    expect(Object.keys(store.current)).toEqual(Object.keys(expected));
    expect(store.current).toStrictEqual(expected);
    expect(landed?.snapshot).toEqual({ ...expected, updated_at: expect.any(String) });
    await store.close();
  });

  it('an unreadable base fails the updates and flush(), which reads again once the file is fixed', async () => {
    const path = join(tempDir(), 'state.json');
    writeFileSync(path, '{"torn":');
    const store = openStateStore(path);
    const update = store.update({ n: 1 });
    await expect(update).rejects.toMatchObject({ code: 'INVALID_JSON' });
    await expect(store.flush()).rejects.toMatchObject({ code: 'INVALID_JSON' });
    await writeState(path, { kept: true });
    expect((await store.flush())?.snapshot).toMatchObject({ kept: true, n: 1 });
    await store.close();
  });

  it('spaces physical writes by minIntervalMs and still lands the last value', async () => {
    const path = join(tempDir(), 'state.json');
    const store = openStateStore(path, { minIntervalMs: 50 });
    const started = Date.now();
    for (let i = 1; i <= 20; i++) {
      store.update({ i });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await store.flush();
    expect(store.writes).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 50) + 1);
    expect(await readState(path)).toMatchObject({ i: 20 });
    await store.close();
  });

  it('rejects the calls of a write the schema refuses, and flush() reports it', async () => {
    const path = join(tempDir(), 'state.json');
    const store = openStateStore(path, {
      schema: z.object({ percent: z.number().max(100) }),
      initial: { percent: 0 },
    });
    await store.update({ percent: 50 });
    const bad = store.update({ percent: 500 });
    await expect(bad).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    await expect(store.flush()).rejects.toBeInstanceOf(StateError);
    expect(await readState(path)).toMatchObject({ percent: 50 });
    await store.update({ percent: 60 });
    expect(await readState(path)).toMatchObject({ percent: 60 });
    await store.close();
  });

  it.each([
    ['process.exit() right after the burst', 'exit', ''],
    ['process.exit() right after the burst, durable', 'exit', 'durable'],
    ['the event loop emptying', 'drain', ''],
    ['process.exit() while a durable write waits for its fsync', 'midwrite', 'durable'],
  ])('a process that ends by %s does not lose the last update', async (_, how, durable) => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    const child = await runTs(fixture('store-exit.ts'), [path, how, durable]);
    if (how === 'midwrite') console.log(`mid-write exit: ${child.stdout.trim()}`);
    else expect(child.stdout).toContain('writes before exit: 0,');
    expect(await readState(path)).toMatchObject({ n: 10_000 });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('process.exit() before the file was read: the exit flush reads it and merges the updates', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    await writeState(path, { kept: true, n: 0 }, { instanceId: 'job-9' });
    await runTs(fixture('store-exit.ts'), [path, 'unread']);
    expect(await readState(path)).toMatchObject({ instance_id: 'job-9', kept: true, n: 10_000 });
  });
});
