import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cleanStaleTemps, readState } from '@fipc/state';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { expect, it } from 'vitest';
import { z } from 'zod';

const Snapshot = z.strictObject({ n: z.number().int().positive(), pad: z.string().length(256 * 1024) });

it('kill -9 of a writer at random moments, 25 times: state.json is always the old or the new snapshot', async () => {
  const dir = tempDir();
  const path = join(dir, 'state.json');
  let previous = 0;
  const leftovers = new Set<string>();
  for (let round = 0; round < 25; round++) {
    const writer = spawnTs(join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), [path]);
    await writer.waitForLine((line) => line === 'ready');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    const exit = await writer.kill9();
    expect(exit.signal).toBe('SIGKILL');
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBeGreaterThan(256 * 1024);
    const state = await readState(path, { schema: Snapshot });
    expect(state.n).toBeGreaterThanOrEqual(1);
    previous = state.n;
    // A kill between creating the temp file and renaming it leaves the temp file: the crashed writer's only
    // trace. It is hidden and ours by name; the stale rule removes it once it is old enough.
    for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) leftovers.add(name);
  }
  console.log(`25 kills; last snapshot n=${previous}; ${leftovers.size} kills left a temp file`);
  const removed = cleanStaleTemps(path, { staleTempMs: 0 });
  expect(readdirSync(dir).sort()).toEqual(['state.json']);
  // Writers clean leftovers older than 60 s themselves at their first write, so on a slow run some are gone already.
  expect(removed.every((file) => leftovers.has(basename(file)))).toBe(true);
  expect(removed.every((file) => /\/\.state-[0-9a-f]{16}\.tmp$/.test(file))).toBe(true);
}, 300_000);
