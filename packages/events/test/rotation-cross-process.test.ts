import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSegments } from '@fipc/events';
import { runTs, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { follow } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('three writer processes rotating one log at 256 KiB', () => {
  it('3 x 30,000 records: each in exactly one segment, none torn; two tailers from the start see all once, in per-writer order', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const tailers = [follow(path, 'start'), follow(path, 'start')];
    const maxBytes = 256 * 1024;
    await Promise.all(
      [0, 1, 2].map((w) =>
        runTs(fixture('append-rotating.ts'), [path, `${w}`, '30000', `${maxBytes}`, '--pause-every', '500']),
      ),
    );
    // On disk: every line of every file is a whole record, and each record is in one file only.
    const files = [...listSegments(path).map((s) => s.path), path];
    expect(files.length).toBeGreaterThan(30);
    const onDisk = new Set<string>();
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      for (const line of lines) {
        if (line === '') continue; // a writer that opened a file while another's write was landing
        const { data } = JSON.parse(line); // throws on a torn or interleaved record
        const key = `${data.w}:${data.i}`;
        expect(onDisk.has(key)).toBe(false);
        onDisk.add(key);
      }
    }
    expect(onDisk.size).toBe(90_000);
    for (const tail of tailers) {
      await waitFor(() => tail.entries.length >= 90_000, { timeoutMs: 60_000, what: '90,000 records' });
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // would show a duplicate
    for (const tail of tailers) {
      await tail.stop();
      expect(tail.entries).toHaveLength(90_000);
      const next = [0, 0, 0];
      for (const { record } of tail.entries) {
        const { w, i } = record.data as { w: number; i: number };
        expect(i).toBe(next[w]);
        next[w] = i + 1;
      }
      expect(next).toEqual([30_000, 30_000, 30_000]);
      expect(tail.skipped).toEqual([]);
      expect(new Set(tail.resets.map((r) => r.reason))).toEqual(new Set(['segment']));
    }
  }, 120_000);
});

describe('a logrotate-style mv while a long-lived writer runs', () => {
  it('loses nothing: the writer follows each mv, a follower drains each old file until sealed', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    const tail = follow(path, 'start');
    const writer = spawnTs(fixture('append-steady.ts'), [path, '3000', '--every-ms', '1']);
    await writer.waitForLine((line) => line === 'started');
    for (let k = 1; k <= 3; k++) {
      // logrotate runs far apart: the follower is past the previous rotation (another mv within SEAL_MS would
      // move a file the follower never saw at the path; the writers' own rotation has no such limit).
      await waitFor(() => tail.resets.length === k - 1 && tail.entries.length >= k * 400, {
        timeoutMs: 30_000,
        what: `${k * 400} records`,
      });
      await waitFor(() => existsSync(path), { what: 'the writer to make a new file' });
      execFileSync('mv', [path, `${path}.${k}`]); // as logrotate does, without telling the writer
    }
    await writer.waitForLine((line) => line === 'done', 60_000);
    await waitFor(() => tail.entries.length >= 3000, { timeoutMs: 30_000, what: '3,000 records' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await tail.stop();
    expect(tail.entries.map((e) => e.record.data.i)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(tail.resets.map((r) => r.reason)).toEqual(['rotated', 'rotated', 'rotated']);
    // Every record is in exactly one of the files.
    const counts = [1, 2, 3].map((k) => readFileSync(`${path}.${k}`, 'utf8').split('\n').length - 1);
    expect(counts.reduce((a, b) => a + b) + readFileSync(path, 'utf8').split('\n').length - 1).toBe(3000);
  }, 120_000);
});
