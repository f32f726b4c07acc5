import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { readState, StateError, writeState, writeStateBytes } from '../src/index.js';

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof StateError ? error.code : String(error)),
  );

describe('writeStateBytes', () => {
  it('writes another writer’s snapshot byte for byte, updated_at and white space included', async () => {
    const dir = tempDir();
    const source = join(dir, 'a', 'state.json');
    mkdirSync(join(dir, 'a'));
    await writeState(source, { status: 'running', percent: 40 });
    const bytes = readFileSync(source);
    const copy = join(dir, 'state.json');
    await writeStateBytes(copy, bytes, { durability: 'fsync' });
    expect(readFileSync(copy)).toEqual(bytes);
    const python = Buffer.from('{"instance_id": "run-1", "updated_at": "2026-11-24T10:00:00+00:00", "n": 1}');
    await writeStateBytes(copy, python);
    expect(readFileSync(copy)).toEqual(python);
    expect(await readState(copy)).toMatchObject({ instance_id: 'run-1', n: 1 });
    expect(readdirSync(dir).sort()).toEqual(['a', 'state.json']); // no temp file left
  });

  it('refuses bytes that are not a snapshot, and unsafe targets, writing nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"instance_id":"x","updated_at":"t"}\n');
    expect(await code(writeStateBytes(path, Buffer.from('{"instance_id":"x"}')))).toBe('SCHEMA_MISMATCH');
    expect(await code(writeStateBytes(path, Buffer.from('[1]')))).toBe('SCHEMA_MISMATCH');
    expect(await code(writeStateBytes(path, Buffer.from([0x7b, 0xff, 0x7d])))).toBe('INVALID_JSON');
    expect(await code(writeStateBytes(path, Buffer.alloc(0)))).toBe('INVALID_JSON');
    expect(readFileSync(path, 'utf8')).toBe('{"instance_id":"x","updated_at":"t"}\n');
    const link = join(dir, 'link.json');
    symlinkSync(path, link);
    expect(await code(writeStateBytes(link, Buffer.from('{"instance_id":"y","updated_at":"t"}')))).toBe(
      'NOT_A_FILE',
    );
    expect(
      await code(
        writeStateBytes(path, Buffer.from('{"instance_id":"y","updated_at":"t"}'), {
          durability: 'yes' as never,
        }),
      ),
    ).toBe('INVALID_OPTIONS');
  });
});
