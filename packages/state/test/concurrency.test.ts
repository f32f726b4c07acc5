import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState, writeState } from '@fipc/state';
import { runTs, spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('many writer and reader processes', () => {
  it('4 writers x 1,000 writes while 4 readers read: no partial, empty or invalid read, no temp file left', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    await writeState(path, { writer: 0, n: 1, pad: 'x'.repeat(2000) });
    const readers = Array.from({ length: 4 }, () => spawnTs(fixture('reader.ts'), [path]));
    await Promise.all(readers.map((reader) => reader.waitForLine((line) => line === 'ready')));
    await Promise.all(
      [1, 2, 3, 4].map((writer) => runTs(fixture('writer.ts'), [path, String(writer), '1000'])),
    );
    writeFileSync(`${path}.stop`, '');
    const results = await Promise.all(
      readers.map(async (reader) => {
        const exit = await reader.exited;
        expect(exit, reader.stderr).toEqual({ code: 0, signal: null });
        return JSON.parse(reader.lines.at(-1)!) as { reads: number; failures: string[]; failed: number };
      }),
    );
    const reads = results.reduce((sum, result) => sum + result.reads, 0);
    console.log(
      `4 readers made ${reads} reads during 4,000 writes, ${results.map((r) => r.failed).join('/')} failed`,
    );
    for (const result of results) {
      expect(result.failures).toEqual([]);
      expect(result.reads).toBeGreaterThan(0);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const last = await readState(path);
    expect(last.n).toBe(1000); // every writer ends at n = 1000; whichever renamed last wins
  }, 300_000);
});
