import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanStaleTemps, readState, StateError, writeState, writeStateSync } from '@fipc/state';
import { runTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

async function failure(promise: Promise<unknown>): Promise<StateError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StateError);
  return error as StateError;
}

describe('writeState', () => {
  it("names the instance after the resolved directory of a bare relative file (never '.')", async () => {
    const dir = join(tempDir(), 'job-9');
    mkdirSync(dir);
    const writer = fileURLToPath(new URL('fixtures/relative-writer.ts', import.meta.url));
    const { stdout } = await runTs(writer, ['rel.json'], { cwd: dir });
    const [written, writtenSync] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect([written.instance_id, writtenSync.instance_id]).toEqual(['job-9', 'job-9']);
    expect(JSON.parse(readFileSync(join(dir, 'rel.json'), 'utf8')).instance_id).toBe('job-9');
  });

  it('writes instance_id and updated_at beside the fields, compact JSON with a final newline, mode 0600', async () => {
    const dir = join(tempDir(), 'run-42');
    mkdirSync(dir);
    const path = join(dir, 'state.json');
    const before = Date.now();
    const written = await writeState(path, { status: 'running', percent: 40 });
    expect(written.instance_id).toBe('run-42');
    expect(Date.parse(written.updated_at)).toBeGreaterThanOrEqual(before - 1);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`${JSON.stringify(written)}\n`);
    expect(Object.keys(JSON.parse(text))).toEqual(['instance_id', 'updated_at', 'status', 'percent']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('writes the same bytes as JSON.stringify of the snapshot for any plain fields, and refuses what JSON drops', async () => {
    const path = join(tempDir(), 'state.json');
    const cases = [
      {},
      { a: 1 },
      { nested: { list: [1, 'two', null, { deep: true }] }, quote: '"\\\n', emoji: '😀', '': 0 },
      { instance_id: 'kept "quoted" id', updated_at: 'replaced', n: -0.5 },
    ];
    for (const fields of cases) {
      const written = await writeState(path, fields);
      expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(written)}\n`);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(written);
    }
    const before = readFileSync(path, 'utf8');
    for (const bad of [
      { n: Number.NaN },
      { f: () => 1 },
      { deep: [{ n: Number.POSITIVE_INFINITY }] },
      { big: 1n },
    ])
      expect((await failure(writeState(path, bad))).code).toBe('SCHEMA_MISMATCH');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('keeps the caller instance_id (or the option), always stamps a fresh updated_at', async () => {
    const path = join(tempDir(), 'state.json');
    const own = await writeState(path, { instance_id: 'mine', updated_at: 'stale', x: 1 });
    expect(own).toMatchObject({ instance_id: 'mine', x: 1 });
    expect(own.updated_at).not.toBe('stale');
    const forced = await writeState(
      path,
      { instance_id: 'mine', x: 2 },
      { instanceId: 'option', durability: 'fsync' },
    );
    expect(forced.instance_id).toBe('option');
    expect(writeStateSync(path, { x: 3 }, { durability: 'fsync' }).instance_id).toBe(
      basename(join(path, '..')),
    );
    expect(await readState(path)).toMatchObject({ x: 3 });
  });

  it('validates with a schema before writing anything', async () => {
    const path = join(tempDir(), 'state.json');
    const schema = z.strictObject({ percent: z.number().max(100) });
    await writeState(path, { percent: 1 }, { schema });
    const error = await failure(writeState(path, { percent: 101 }, { schema }));
    expect(error.code).toBe('SCHEMA_MISMATCH');
    expect(error.issues?.[0]?.path).toEqual(['percent']);
    expect(await readState(path)).toMatchObject({ percent: 1 });
  });

  it('removes stale temp files of crashed writers: only ours, only old ones', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    const old = Date.now() / 1000 - 3600;
    const files = {
      ours: '.state-0123456789abcdef.tmp',
      python: '.state-k2_9xq7a.tmp',
      fresh: '.state-fedcba9876543210.tmp',
      otherTarget: '.other-0123456789abcdef.tmp',
      notTemp: '.state-notes.txt',
      visible: 'state-0123456789abcdef.tmp',
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), 'x');
    for (const [key, name] of Object.entries(files))
      if (key !== 'fresh') utimesSync(join(dir, name), old, old);
    mkdirSync(join(dir, '.state-directory1.tmp'));
    utimesSync(join(dir, '.state-directory1.tmp'), old, old);
    await writeState(path, { ok: true }); // the first write to a path cleans up
    expect(readdirSync(dir).sort()).toEqual(
      [
        files.fresh,
        files.otherTarget,
        files.notTemp,
        files.visible,
        '.state-directory1.tmp',
        'state.json',
      ].sort(),
    );
    expect(cleanStaleTemps(path, { staleTempMs: 0 })).toEqual([join(dir, files.fresh)]);
  });
});

describe('readState', () => {
  it('tells a missing file, invalid JSON and a schema mismatch apart', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    expect((await failure(readState(path))).code).toBe('NOT_FOUND');
    expect((await failure(readState(join(dir, 'nope', 'state.json')))).code).toBe('NOT_FOUND');
    writeFileSync(path, '');
    expect((await failure(readState(path))).code).toBe('INVALID_JSON');
    writeFileSync(path, '{"instance_id":"a","updated_at":"b",');
    expect((await failure(readState(path))).code).toBe('INVALID_JSON');
    writeFileSync(path, Buffer.from([0x7b, 0xff, 0x7d]));
    expect((await failure(readState(path))).code).toBe('INVALID_JSON');
    writeFileSync(path, '[1,2]');
    expect((await failure(readState(path))).code).toBe('SCHEMA_MISMATCH');
    writeFileSync(path, '{"status":"running"}');
    expect((await failure(readState(path))).code).toBe('SCHEMA_MISMATCH');
    writeFileSync(path, '{"instance_id":"a","updated_at":"b","percent":"forty"}');
    const mismatch = await failure(readState(path, { schema: z.object({ percent: z.number() }) }));
    expect(mismatch.code).toBe('SCHEMA_MISMATCH');
    expect(mismatch.message).toContain('percent');
  });

  it('reads what the Python original writes, and returns the schema output with the metadata', async () => {
    const path = join(tempDir(), 'state.json');
    // json.dump(snapshot, fh): default separators, no final newline, isoformat() timestamps.
    writeFileSync(
      path,
      '{"instance_id": "run-1", "updated_at": "2026-11-24T10:00:00.123456+00:00", "status": "running", "step": 3}',
    );
    const state = await readState(path, { schema: z.strictObject({ status: z.string(), step: z.number() }) });
    expect(state).toEqual({
      instance_id: 'run-1',
      updated_at: '2026-11-24T10:00:00.123456+00:00',
      status: 'running',
      step: 3,
    });
  });
});
