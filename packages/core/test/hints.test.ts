import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { ChangeHints, rewatchDirectory, watchDirectory, watchedDirectories } from '../src/index.js';

describe('watchDirectory', () => {
  it('uses one watch per directory however many listen', () => {
    const dir = tempDir();
    const before = watchedDirectories();
    const offs = Array.from({ length: 20 }, () => watchDirectory(dir, () => {}));
    expect(watchedDirectories()).toBe(before + 1);
    for (const off of offs) off();
  });

  it('watches again when the directory is removed and made again', async () => {
    const root = tempDir();
    const dir = join(root, 'run');
    mkdirSync(dir);
    const names: (string | null)[] = [];
    const off = watchDirectory(dir, (name) => names.push(name));
    try {
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      await new Promise((resolve) => setTimeout(resolve, 150));
      rewatchDirectory(dir); // what each safety poll does
      names.length = 0;
      writeFileSync(join(dir, 'events.jsonl'), 'x\n');
      await waitFor(() => names.includes('events.jsonl'), { timeoutMs: 2_000, what: 'a hint' });
    } finally {
      off();
    }
  });
});

describe('ChangeHints', () => {
  it('wakes on a change of its own file, not of a neighbour, and closes on abort', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const hints = new ChangeHints(join(dir, 'events.jsonl'), 60_000, controller.signal);
    await hints.wait(); // the first call returns at once: read what is there
    writeFileSync(join(dir, 'other'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hints.dirty).toBe(false);
    writeFileSync(join(dir, 'events.jsonl'), 'x\n');
    await hints.wait();
    controller.abort();
    await hints.wait(); // closed: never blocks
  });

  it('the safety poll wakes the waiter with no notification at all', async () => {
    const dir = tempDir();
    const hints = new ChangeHints(join(dir, 'missing', 'events.jsonl'), 30);
    await hints.wait();
    const started = Date.now();
    await hints.wait();
    expect(Date.now() - started).toBeLessThan(1_000);
    hints.close();
  });

  it('tells whether a hint may have been a replacement of the path, not only a write to the file', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, 'a\n');
    const hints = new ChangeHints(path, 60_000);
    try {
      await hints.wait();
      expect(hints.takeRenamed()).toBe(true); // nothing is known of the path yet
      appendFileSync(path, 'b\n');
      await hints.wait();
      expect(hints.takeRenamed()).toBe(false); // a write: still the same file
      writeFileSync(join(dir, 'next'), 'c\n');
      renameSync(join(dir, 'next'), path);
      await hints.wait();
      await new Promise((resolve) => setTimeout(resolve, 50)); // every notification of the rename is in
      expect(hints.takeRenamed()).toBe(true);
      expect(hints.takeRenamed()).toBe(false); // taken
    } finally {
      hints.close();
    }
  });
});
