import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStateStore, readState, StateError, writeState, writeStateSync } from '@fipc/state';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { mkfifoSync } from './mkfifo.js';

async function code(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StateError);
  return (error as StateError).code;
}

/** An instance directory beside an `outside` directory whose contents must never change. */
function setup() {
  const root = tempDir();
  const dir = join(root, 'instance');
  const outside = join(root, 'outside');
  mkdirSync(dir);
  mkdirSync(outside);
  writeFileSync(join(outside, 'victim.json'), 'precious');
  const untouched = () => {
    expect(readdirSync(outside)).toEqual(['victim.json']);
    expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe('precious');
  };
  return { dir, path: join(dir, 'state.json'), outside, untouched };
}

describe('hostile paths and inputs', () => {
  it('refuses to write or read through a symlink planted at the target', async () => {
    const { dir, path, outside, untouched } = setup();
    symlinkSync(join(outside, 'victim.json'), path);
    expect(await code(writeState(path, { a: 1 }))).toBe('NOT_A_FILE');
    expect(() => writeStateSync(path, { a: 1 })).toThrow(StateError);
    expect(await code(readState(path))).toBe('NOT_A_FILE');
    symlinkSync(join(outside, 'missing.json'), join(dir, 'dangling.json'));
    expect(await code(writeState(join(dir, 'dangling.json'), { a: 1 }))).toBe('NOT_A_FILE');
    untouched();
    expect(readdirSync(dir).sort()).toEqual(['dangling.json', 'state.json']);
  });

  it('refuses a directory, and a FIFO, in place of the file', async () => {
    const { dir, path, untouched } = setup();
    mkdirSync(path);
    expect(await code(writeState(path, { a: 1 }))).toBe('NOT_A_FILE');
    expect(await code(readState(path))).toBe('NOT_A_FILE');
    const fifo = join(dir, 'fifo.json');
    mkfifoSync(fifo);
    expect(await code(readState(fifo))).toBe('NOT_A_FILE'); // and does not hang
    expect(await code(writeState(fifo, { a: 1 }))).toBe('NOT_A_FILE');
    expect(readdirSync(dir).sort()).toEqual(['fifo.json', 'state.json']);
    untouched();
  });

  it('rejects a cycle, a BigInt, a throwing toJSON and a non-object before creating any file', async () => {
    const { dir, path, untouched } = setup();
    await writeState(path, { good: true });
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const inputs: unknown[] = [
      cycle,
      { big: 10n },
      {
        toJSON() {
          throw new Error('no');
        },
      },
      null,
      [1, 2],
      'text',
      { instance_id: 42 },
    ];
    for (const input of inputs) expect(await code(writeState(path, input as object))).toBe('SCHEMA_MISMATCH');
    const store = openStateStore(path);
    expect(await code(store.set({ big: 1n }))).toBe('SCHEMA_MISMATCH');
    await expect(store.close()).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(await readState(path)).toMatchObject({ good: true });
    untouched();
  });

  it('reports a missing directory, or a file in its place, as NOT_FOUND', async () => {
    const { dir, untouched } = setup();
    expect(await code(writeState(join(dir, 'nope', 'state.json'), { a: 1 }))).toBe('NOT_FOUND');
    writeFileSync(join(dir, 'file'), '');
    expect(await code(writeState(join(dir, 'file', 'state.json'), { a: 1 }))).toBe('NOT_FOUND');
    untouched();
  });
});
