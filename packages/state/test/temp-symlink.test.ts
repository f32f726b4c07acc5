import { mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState, StateError, writeState } from '@fipc/state';
import { tempDir } from '@fipc/test-utils';
import { afterEach, expect, it, vi } from 'vitest';

// The temp names are random; to plant something at the name a writer will use, the names are made predictable.
const names = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('../src/temp-name.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/temp-name.ts')>();
  return {
    ...original,
    tempPath: (path: string) => {
      const name = names.queue.shift();
      return name === undefined ? original.tempPath(path) : join(path, '..', name);
    },
  };
});

afterEach(() => {
  names.queue.length = 0;
});

function setup() {
  const root = tempDir();
  const dir = join(root, 'instance');
  const outside = join(root, 'outside');
  mkdirSync(dir);
  mkdirSync(outside);
  writeFileSync(join(outside, 'victim.json'), 'precious');
  return { dir, outside, path: join(dir, 'state.json') };
}

it('never follows a symlink planted at the temp name: steps around it and leaves it alone', async () => {
  const { dir, outside, path } = setup();
  const planted = '.state-aaaaaaaaaaaaaaaa.tmp';
  symlinkSync(join(outside, 'victim.json'), join(dir, planted));
  symlinkSync(join(outside, 'new.json'), join(dir, '.state-bbbbbbbbbbbbbbbb.tmp')); // dangling: O_CREAT would create it
  names.queue.push(planted, '.state-bbbbbbbbbbbbbbbb.tmp');
  await writeState(path, { ok: true });
  expect(await readState(path)).toMatchObject({ ok: true });
  expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe('precious');
  expect(readdirSync(outside)).toEqual(['victim.json']);
  expect(readlinkSync(join(dir, planted))).toBe(join(outside, 'victim.json'));
  expect(readdirSync(dir).sort()).toEqual([
    '.state-aaaaaaaaaaaaaaaa.tmp',
    '.state-bbbbbbbbbbbbbbbb.tmp',
    'state.json',
  ]);
});

it('gives up with a clear error when every temp name it tries is taken', async () => {
  const { dir, outside, path } = setup();
  const planted = '.state-cccccccccccccccc.tmp';
  symlinkSync(join(outside, 'victim.json'), join(dir, planted));
  names.queue.push(...Array.from({ length: 10 }, () => planted));
  const error = await writeState(path, { ok: true }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(StateError);
  expect(error).toMatchObject({ code: 'IO_ERROR', cause: { code: 'EEXIST' } });
  expect(readdirSync(dir)).toEqual([planted]);
  expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe('precious');
  expect(readdirSync(outside)).toEqual(['victim.json']);
});
