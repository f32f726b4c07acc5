import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const fixture = join(import.meta.dirname, 'fixtures', 'async-schema.ts');
const run = (path: string, how: string) => runTs(fixture, [path, how]);

describe('an asynchronous schema where only a synchronous one can run', () => {
  it('writeStateSync throws INVALID_OPTIONS and leaks no unhandled rejection (the process survives)', async () => {
    const path = join(tempDir(), 'state.json');
    const child = await run(path, 'sync-write');
    expect(child.stdout).toBe('INVALID_OPTIONS\nsurvived\n');
    expect(child.stderr).toBe('');
  });

  it.each([
    ['after version 1 landed', 'store-exit'],
    ['while version 1 waits for its fsync', 'store-midwrite'],
  ])(
    'a store exiting %s with version 2 pending: writes the last validated version, says why not the latest, does not crash',
    async (_, how) => {
      const path = join(tempDir(), 'state.json');
      const child = await run(path, how);
      expect(child.stdout).toMatch(/^survived; version [01] had landed before the exit\n$/);
      if (how === 'store-midwrite') console.log(`mid-write exit: ${child.stdout.trim()}`);
      expect(child.stderr).toMatch(/version 2\b.*not written.*asynchronous/);
      // Version 1 as the schema output it (checked: true): validated, never the raw update.
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ n: 1, checked: true });
    },
  );
});
