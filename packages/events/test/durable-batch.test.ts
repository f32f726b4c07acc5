import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { runTs, smallTmpfs, tempDir } from '@fipc/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readAll } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

afterEach(() => {
  vi.useRealTimers();
});

describe("durability 'fsync': records emitted during a sync", () => {
  it('go to the file at the path when they are written: a rotation during the sync is followed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // only the clock: the writer's 100 ms recheck, on demand
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    const log = openEventLog(path, { instanceId: 'i', durability: 'fsync' });
    const first = log.emit('a');
    const second = log.emit('b'); // waits for the sync of 'a'
    renameSync(path, join(dir, 'moved.jsonl')); // logrotate's mv, while the sync runs
    vi.setSystemTime(Date.now() + 1_000); // the writer's next check of the path is due
    await Promise.all([first, second]);
    await log.close();
    const types = async (file: string) => (await readAll(file)).entries.map((e) => e.record.event_type);
    expect(await types(join(dir, 'moved.jsonl'))).toEqual(['a']);
    expect(await types(path)).toEqual(['b']);
  });

  it('are written together when it ends, in call order, at the offsets the emits report', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { instanceId: 'i', durability: 'fsync' });
    const first = log.emit('a'); // written now; its sync starts
    const rest = ['b', 'c', 'd'].map((type) => log.emit(type)); // a sync runs: they wait for it
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line).event_type)).toEqual(['a']);
    const emitted = await Promise.all([first, ...rest]);
    const bytes = readFileSync(path);
    expect(emitted.map((e) => e.record.seq)).toEqual([1, 2, 3, 4]);
    for (const { record, offset, nextOffset, bytes: length } of emitted) {
      expect(nextOffset - offset).toBe(length);
      expect(JSON.parse(bytes.subarray(offset, nextOffset).toString())).toEqual(record);
    }
    expect(emitted.at(-1)!.nextOffset).toBe(bytes.length);
    await log.close();
    const { entries } = await readAll(path);
    expect(entries.map((e) => e.record.event_type)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('are flushed by close() and reach the file after a torn line on its own line', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, '{"torn":');
    const log = openEventLog(path, { instanceId: 'i', durability: 'fsync' });
    const emits = Array.from({ length: 5 }, (_, i) => log.emit('e', { data: { i } }));
    await log.close();
    const emitted = await Promise.all(emits);
    expect(emitted[0]!.offset).toBe('{"torn":\n'.length);
    const { entries } = await readAll(path);
    expect(entries.map((e) => e.record.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
  });

  it('are in the file after process.exit() (a real child process)', async () => {
    const path = join(tempDir(), 'events.jsonl');
    await runTs(fixture('append-fsync-exit.ts'), [path, '50']);
    const { entries } = await readAll(path);
    expect(entries.map((e) => e.record.data)).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
  });

  it('on a full disk (a real 1 MiB tmpfs): the written ones resolve, the cut and later ones reject DISK_FULL', async (context) => {
    const tmpfs = smallTmpfs(1024);
    if ('skip' in tmpfs) {
      console.log(tmpfs.skip);
      return context.skip();
    }
    const path = join(tmpfs.dir, 'events.jsonl');
    const log = openEventLog(path, { instanceId: 'i', durability: 'fsync' });
    const pad = 'x'.repeat(20_000);
    // 100 records of 20 KB: the first is written at once, the other 99 together after its sync, and 1 MiB
    // holds about 50 of them.
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => log.emit('big', { data: { i, pad } })),
    );
    await log.close();
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBeGreaterThan(10);
    expect(ok).toBeLessThan(100);
    // In order: every fulfilled emit comes before every rejected one, and the rejections are DISK_FULL.
    expect(results.slice(0, ok).every((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results.slice(ok))
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'DISK_FULL' } });
    const { entries, skipped } = await readAll(path);
    expect(entries.map((e) => e.record.data.i)).toEqual(Array.from({ length: ok }, (_, i) => i));
    expect(skipped.length).toBeLessThanOrEqual(1); // the fragment of the record the disk cut
  });
});
