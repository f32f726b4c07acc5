import { mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { sh } from './helpers/shell.js';

/** Sets the modification time of `dir` and everything in it to two days ago. */
function ageTwoDays(dir: string): void {
  const then = new Date(Date.now() - 2 * 86_400_000);
  for (const name of readdirSync(dir, { recursive: true }) as string[])
    utimesSync(join(dir, name), then, then);
  utimesSync(dir, then, then);
}

describe('fipc ls and fipc gc', { timeout: 300_000 }, () => {
  it('lists instances (text and JSON), removes the old finished one, dry run first', async () => {
    const root = tempDir();
    for (const [id, status] of [
      ['run-1', 'completed'],
      ['run-2', 'running'],
    ]) {
      mkdirSync(join(root, id!));
      const { code, stderr } = await sh(
        `fipc emit ${root}/${id} started && fipc state set ${root}/${id} '{"status":"${status}"}'`,
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      ageTwoDays(join(root, id!));
    }
    const ls = await sh(`fipc ls ${root} && fipc ls ${root} --json`);
    expect(ls.stderr).toBe('');
    const [one, two, ...json] = ls.stdout.trim().split('\n');
    expect(one).toMatch(/^run-1 {2}completed {2}[\d:. -]+ {2}\d+(\.\d)? (B|KiB)$/);
    expect(two).toMatch(/^run-2 {2}running {2}/);
    expect(json.map((line) => JSON.parse(line))).toMatchObject([
      { id: 'run-1', status: 'completed', terminal: true, live_writers: 0, pending_requests: 0, segments: 0 },
      { id: 'run-2', status: 'running', terminal: false },
    ]);
    const dry = await sh(`fipc gc ${root} --older-than 1d --dry-run`);
    expect(dry.stdout).toMatch(/^would remove run-1 \(.+\)\nkept run-2: not finished/);
    expect(readdirSync(root).sort()).toEqual(['run-1', 'run-2']);
    const gc = await sh(`fipc gc ${root} --older-than 36h`);
    expect(gc.stdout).toMatch(/^removed run-1 /);
    expect(readdirSync(root)).toEqual(['run-2']);
    const usage = await sh(
      `fipc gc ${root}; echo "exit $?"; fipc gc ${root} --older-than soon; echo "exit $?"`,
    );
    expect(usage.stdout).toBe('exit 2\nexit 2\n');
    expect(usage.stderr).toMatch(/missing --older-than/);
    const missing = await sh(`fipc ls ${root}/nope; echo "exit $?"`);
    expect(missing.stdout).toBe('exit 3\n');
  });
});
