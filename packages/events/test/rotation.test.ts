import { existsSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EventEntry,
  EventLogError,
  listSegments,
  listWriters,
  openEventLog,
  readEvents,
  SEAL_MS,
  segmentPath,
  type TailFile,
  type TailReset,
  tailEvents,
} from '@fipc/events';
import { spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { follow } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readAll(path: string) {
  const entries: EventEntry[] = [];
  for await (const entry of readEvents(path)) entries.push(entry);
  return entries;
}

/** Every record of the log, segments first then the live file, as `data.i`. */
async function everything(path: string): Promise<unknown[]> {
  const files = [...listSegments(path).map((s) => s.path), path];
  const all: unknown[] = [];
  for (const file of files) for (const { record } of await readAll(file)) all.push(record.data.i);
  return all;
}

describe('a writer follows a rotation', () => {
  it('appends to the new file at the path once a mv renamed its file away (within RECHECK_MS)', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('n', { data: { i: 0 } });
    renameSync(path, `${path}.1`);
    await sleep(150); // past RECHECK_MS: the writer could have known
    await log.emit('n', { data: { i: 1 } });
    await log.close();
    expect((await readAll(`${path}.1`)).map((e) => e.record.data.i)).toEqual([0]);
    expect((await readAll(path)).map((e) => e.record.data.i)).toEqual([1]);
  });

  it('recreates a log deleted under it', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('n', { data: { i: 0 } });
    unlinkSync(path);
    await sleep(150);
    await log.emit('n', { data: { i: 1 } });
    await log.close();
    expect((await readAll(path)).map((e) => e.record.data.i)).toEqual([1]);
  });
});

describe('rotation by the writer', () => {
  it('rotate() renames the live file to the next segment; an empty live file is not rotated', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    expect(await log.rotate()).toBeUndefined();
    await log.emit('n', { data: { i: 0 } });
    expect(await log.rotate()).toBe(segmentPath(path, 1));
    await log.emit('n', { data: { i: 1 } });
    expect(await log.rotate()).toBe(join(path, '..', 'events.000002.jsonl'));
    await log.emit('n', { data: { i: 2 } });
    await log.close();
    await expect(log.rotate()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(listSegments(path).map((s) => s.number)).toEqual([1, 2]);
    expect(await everything(path)).toEqual([0, 1, 2]);
  });

  it('rotates by size: every record in exactly one file, each segment at least maxBytes', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { rotation: { maxBytes: 8 * 1024 } });
    for (let i = 0; i < 2_000; i++) await log.emit('n', { data: { i } });
    await log.close();
    const segments = listSegments(path);
    expect(segments.length).toBeGreaterThan(10);
    for (const { path: segment } of segments) {
      const size = statSync(segment).size;
      expect(size).toBeGreaterThanOrEqual(8 * 1024);
      expect(size).toBeLessThan(9 * 1024);
    }
    expect(await everything(path)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
  });

  it('durable: 64 concurrent emitters across rotations, records written in batches land in order, each once', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { durability: 'fsync', rotation: { maxBytes: 16 * 1024 } });
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < 3_000) await log.emit('n', { data: { i: next++ } });
      }),
    );
    await log.close();
    expect(listSegments(path).length).toBeGreaterThan(5);
    expect(await everything(path)).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });

  it('keeps at most maxSegments segments, deleting the oldest', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { rotation: { maxBytes: 1024, maxSegments: 3 } });
    for (let i = 0; i < 500; i++) await log.emit('n', { data: { i } });
    await log.close();
    const numbers = listSegments(path).map((s) => s.number);
    expect(numbers).toHaveLength(3);
    expect(numbers[2]! - numbers[0]!).toBe(2);
    expect(numbers[0]).toBeGreaterThan(1);
  });

  it('rotates by age, measured from the first record', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { rotation: { maxAgeMs: 200 } });
    await log.emit('n', { data: { i: 0 } });
    await log.emit('n', { data: { i: 1 } });
    await sleep(300);
    await log.emit('n', { data: { i: 2 } });
    await log.close();
    expect((await readAll(segmentPath(path, 1))).map((e) => e.record.data.i)).toEqual([0, 1]);
    expect((await readAll(path)).map((e) => e.record.data.i)).toEqual([2]);
  });

  it('refuses rotation limits that are not positive integers', () => {
    const path = join(tempDir(), 'events.jsonl');
    expect(() => openEventLog(path, { rotation: { maxBytes: 0 } })).toThrow(EventLogError);
    expect(() => openEventLog(path, { rotation: { maxSegments: 0 } })).toThrow(/maxSegments/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('following a rotated log', () => {
  it('from start: the segments in order, then the live file, each switch told as a segment reset', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (let i = 0; i < 6; i++) {
      await log.emit('n', { data: { i } });
      if (i === 1 || i === 3) await log.rotate();
    }
    const files: TailFile[] = [];
    const resets: TailReset[] = [];
    const controller = new AbortController();
    const seen: unknown[] = [];
    const started = Date.now();
    for await (const { record } of tailEvents(path, {
      signal: controller.signal,
      onFile: (file) => files.push(file),
      onReset: (reset) => resets.push(reset),
    })) {
      seen.push(record.data.i);
      if (seen.length === 6) controller.abort();
    }
    await log.close();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    // The segments of a rotation that is SEAL_MS old are complete: no waiting for them.
    expect(Date.now() - started).toBeLessThan(SEAL_MS + 500);
    expect(resets.map((r) => r.reason)).toEqual(['segment', 'segment']);
    expect(files.map((f) => f.path)).toEqual([segmentPath(path, 1), segmentPath(path, 2), path]);
    expect(new Set(files.map((f) => f.epoch)).size).toBe(3);
  });

  it('a live follower reads what a late writer appends to a segment before it is sealed', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const tail = follow(path);
    // One synchronous sequence, well within RECHECK_MS: the late writer does not look again before i: 1.
    const late = openEventLog(path);
    const rotator = openEventLog(path);
    await late.emit('n', { data: { i: 0 } });
    await rotator.rotate();
    await late.emit('n', { data: { i: 1 } }); // lands in the segment: the writer checked less than 100 ms ago
    await sleep(150);
    await late.emit('n', { data: { i: 2 } }); // in the new live file
    await waitFor(() => tail.entries.length === 3, { what: 'three records' });
    await tail.stop();
    await Promise.all([late.close(), rotator.close()]);
    expect((await readAll(segmentPath(path, 1))).map((e) => e.record.data.i)).toEqual([0, 1]);
    expect(tail.entries.map((e) => e.record.data.i)).toEqual([0, 1, 2]);
    expect(tail.resets.map((r) => r.reason)).toEqual(['segment']);
  });

  it('from a position in a segment resumes there exactly; a deleted segment restarts from the start', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (let i = 0; i < 6; i++) {
      await log.emit('n', { data: { i } });
      if (i === 1 || i === 3) await log.rotate();
    }
    await log.close();
    const files: TailFile[] = [];
    const collect = async (from: { epoch: string; offset: number }, count: number) => {
      const controller = new AbortController();
      const seen: unknown[] = [];
      const resets: TailReset[] = [];
      for await (const { record, nextOffset } of tailEvents(path, {
        from,
        signal: controller.signal,
        onReset: (reset) => resets.push(reset),
        onFile: (file) => files.push(file),
      })) {
        seen.push({ i: record.data.i, nextOffset });
        if (seen.length === count) controller.abort();
      }
      return { seen, resets };
    };
    const first = (await readAll(segmentPath(path, 1)))[0]!;
    const epoch = await epochOf(path, 1);
    const { seen, resets } = await collect({ epoch, offset: first.nextOffset }, 5);
    expect(seen.map((s) => (s as { i: number }).i)).toEqual([1, 2, 3, 4, 5]);
    expect(resets.map((r) => r.reason)).toEqual(['segment', 'segment']);
    expect(files.map((f) => f.path)).toEqual([segmentPath(path, 1), segmentPath(path, 2), path]);
    unlinkSync(segmentPath(path, 1));
    const gone = await collect({ epoch, offset: first.nextOffset }, 4);
    expect(gone.resets[0]).toEqual({ reason: 'truncated', previousOffset: first.nextOffset });
    expect(gone.seen.map((s) => (s as { i: number }).i)).toEqual([2, 3, 4, 5]);
  });

  it('tells onSkip when retention deleted segments the follower had not read yet', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (let i = 0; i < 4; i++) {
      await log.emit('n', { data: { i } });
      await log.rotate();
    }
    await log.emit('n', { data: { i: 4 } });
    await log.close();
    const controller = new AbortController();
    const seen: unknown[] = [];
    const skipped: string[] = [];
    for await (const { record } of tailEvents(path, {
      signal: controller.signal,
      onSkip: (skip) => skipped.push(skip.reason),
      onFile: (file) => {
        if (file.path === segmentPath(path, 1)) {
          unlinkSync(segmentPath(path, 2));
          unlinkSync(segmentPath(path, 3));
        }
      },
    })) {
      seen.push(record.data.i);
      if (record.data.i === 4) controller.abort();
    }
    expect(seen).toEqual([0, 3, 4]);
    expect(skipped).toEqual(['2 segment(s) deleted before they were read']);
  });
});

async function epochOf(path: string, segment: number): Promise<string> {
  const controller = new AbortController();
  let epoch = '';
  for await (const _ of tailEvents(segmentPath(path, segment), {
    signal: controller.signal,
    onFile: (file) => (epoch = file.epoch),
  }))
    controller.abort();
  return epoch;
}

describe('writer markers', () => {
  it('an open writer is listed live; closing removes its marker; a killed one is not live and is cleaned up', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    expect(listWriters(path)).toMatchObject([{ pid: process.pid, live: true }]);
    await log.close();
    expect(listWriters(path)).toEqual([]);
    const child = spawnTs(join(import.meta.dirname, 'fixtures', 'append-steady.ts'), [
      path,
      '100000',
      '--every-ms',
      '50',
    ]);
    await child.waitForLine((line) => line === 'started');
    expect(listWriters(path)).toMatchObject([{ pid: child.process.pid, live: true }]);
    await child.kill9();
    expect(listWriters(path)).toMatchObject([{ pid: child.process.pid, live: false }]);
    const next = openEventLog(path);
    expect(listWriters(path)).toMatchObject([{ pid: process.pid, live: true }]);
    await next.close();
    expect(readdirSync(join(path, '..')).sort()).toEqual(['events.jsonl']); // the last writer takes the directory too
  });
});
