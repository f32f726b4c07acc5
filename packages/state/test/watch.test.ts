import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Skip, type Snapshot, type StateError, watchState, writeState } from '@fipc/state';
import { runTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const Seq = z.object({ seq: z.number().int() });

/** Collects what a watcher yields until aborted. */
function collect(path: string, options: { onSkip?: (skip: Skip) => void; pollMs?: number } = {}) {
  const controller = new AbortController();
  const seen: Snapshot<{ seq: number }>[] = [];
  const done = (async () => {
    for await (const snapshot of watchState(path, { schema: Seq, signal: controller.signal, ...options }))
      seen.push(snapshot);
  })();
  const stop = () => {
    controller.abort();
    return done;
  };
  return { seen, stop };
}

describe('watchState', () => {
  it('across processes: a child writes a burst; the last yield is the final snapshot, in order, no duplicate', async () => {
    const path = join(tempDir(), 'state.json');
    for (const [count, every] of [
      ['2000', '1'],
      ['3000', '50'],
    ] as const) {
      const watcher = collect(path, { pollMs: 60_000 }); // the poll must not be what finds the last write
      await runTs(join(import.meta.dirname, 'fixtures', 'burst-writer.ts'), [path, count, every]);
      await waitFor(() => watcher.seen.at(-1)?.seq === Number(count), {
        timeoutMs: 20_000,
        what: 'the final snapshot',
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await watcher.stop();
      const seqs = watcher.seen.map((s) => s.seq);
      console.log(
        `burst of ${count} writes (yield every ${every}): the watcher yielded ${seqs.length} snapshots`,
      );
      expect(seqs.at(-1)).toBe(Number(count));
      // Never backwards, never the same one twice (a stale seq from the previous burst may come first).
      expect(seqs.slice(1).every((seq, i) => seq > seqs[i]! || (i === 0 && seqs[0]! > seq))).toBe(true);
    }
  }, 120_000);

  it('waits for a missing file, skips duplicates and invalid files, ends quietly on abort', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    const invalid: string[] = [];
    const watcher = collect(path, { onSkip: (skip) => invalid.push((skip.cause as StateError).code) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(watcher.seen).toEqual([]);
    const first = await writeState(path, { seq: 1 });
    await waitFor(() => watcher.seen.length === 1);
    // The same bytes renamed in again: a change of inode but not of content.
    writeFileSync(join(dir, 'copy'), `${JSON.stringify(first)}\n`);
    renameSync(join(dir, 'copy'), path);
    writeFileSync(join(dir, 'copy'), '{"torn":');
    renameSync(join(dir, 'copy'), path);
    await waitFor(() => invalid.includes('INVALID_JSON'));
    writeFileSync(join(dir, 'copy'), '{"instance_id":"x","updated_at":"y","seq":"nope"}');
    renameSync(join(dir, 'copy'), path);
    await waitFor(() => invalid.includes('SCHEMA_MISMATCH'));
    rmSync(path);
    await writeState(path, { seq: 2 });
    await waitFor(() => watcher.seen.length === 2);
    await watcher.stop();
    expect(watcher.seen.map((s) => s.seq)).toEqual([1, 2]);
    expect(invalid).toEqual(['INVALID_JSON', 'SCHEMA_MISMATCH']);
  });

  it('finds a change by its safety poll when the directory could not be watched at first', async () => {
    const root = tempDir();
    const path = join(root, 'later', 'state.json');
    const watcher = collect(path, { pollMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'later'));
    await writeState(path, { seq: 7 });
    await waitFor(() => watcher.seen.at(-1)?.seq === 7);
    await writeState(path, { seq: 8 });
    await waitFor(() => watcher.seen.at(-1)?.seq === 8);
    await watcher.stop();
  });
});
