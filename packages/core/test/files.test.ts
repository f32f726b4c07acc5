import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { smallTmpfs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import {
  FipcError,
  openRegularSync,
  readJsonFile,
  readJsonFileSync,
  syncDirectorySync,
  toJson,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../src/index.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FipcError);
    return (error as FipcError).code;
  }
  throw new Error('did not throw');
};

describe('writeFileAtomic', () => {
  it('replaces the target and leaves no temp file', async () => {
    const dir = tempDir();
    const target = join(dir, 'state.json');
    expect(writeFileAtomicSync(target, 'one\n')).toBe(true);
    expect(await writeFileAtomic(target, 'two\n', { durability: 'fsync' })).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it("'exclusive' publishes only if the name is free: the first writer wins", () => {
    const dir = tempDir();
    const target = join(dir, 'q.response');
    expect(writeFileAtomicSync(target, 'first', { publish: 'exclusive' })).toBe(true);
    expect(writeFileAtomicSync(target, 'second', { publish: 'exclusive', durability: 'fsync' })).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['q.response']);
  });

  it('refuses to replace a symlink or a directory, and never follows a symlink planted at the temp name', () => {
    const dir = tempDir();
    const outside = join(dir, 'outside');
    writeFileSync(outside, 'untouched');
    symlinkSync(outside, join(dir, 'link.json'));
    expect(codeOf(() => writeFileAtomicSync(join(dir, 'link.json'), 'x'))).toBe('NOT_A_FILE');
    mkdirSync(join(dir, 'sub'));
    expect(codeOf(() => writeFileAtomicSync(join(dir, 'sub'), 'x'))).toBe('NOT_A_FILE');
    const planted = join(dir, 'planted.tmp');
    symlinkSync(outside, planted);
    let attempts = 0;
    const target = join(dir, 'ok.json');
    writeFileAtomicSync(target, 'ok', {
      tempPath: (n) => (++attempts, n === 1 ? planted : `${target}.t${n}`),
    });
    expect(attempts).toBe(2);
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(readFileSync(target, 'utf8')).toBe('ok');
  });

  it('maps a missing directory to NOT_FOUND', () => {
    const dir = tempDir();
    expect(codeOf(() => writeFileAtomicSync(join(dir, 'nope', 'x.json'), 'x'))).toBe('NOT_FOUND');
    expect(codeOf(() => syncDirectorySync(join(dir, 'nope')))).toBe('NOT_FOUND');
  });

  it('reports DISK_FULL on a full tmpfs, keeps the old file and leaves no temp file', (context) => {
    const fs = smallTmpfs(1024);
    if ('skip' in fs) {
      console.log(`skipped: ${fs.skip}`);
      return context.skip();
    }
    const target = join(fs.dir, 'state.json');
    writeFileAtomicSync(target, 'old');
    expect(codeOf(() => writeFileAtomicSync(target, Buffer.alloc(2 * 1024 * 1024)))).toBe('DISK_FULL');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(fs.dir)).toEqual(['state.json']);
  });
});

describe('readJsonFile', () => {
  it('reads JSON, and treats invalid UTF-8, an empty file and bad JSON as INVALID_JSON', async () => {
    const dir = tempDir();
    const file = join(dir, 'a.json');
    writeFileSync(file, '{"a":"é"}');
    expect(readJsonFileSync(file)).toEqual({ a: 'é' });
    expect(await readJsonFile(file)).toEqual({ a: 'é' });
    for (const bytes of [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), '', '{']) {
      writeFileSync(file, bytes);
      expect(codeOf(() => readJsonFileSync(file))).toBe('INVALID_JSON');
      await expect(readJsonFile(file)).rejects.toMatchObject({ code: 'INVALID_JSON' });
    }
  });

  it('refuses a symlink, a directory and a FIFO without blocking, and a file over maxBytes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'real.json'), '{}');
    symlinkSync(join(dir, 'real.json'), join(dir, 'link.json'));
    mkdirSync(join(dir, 'dir.json'));
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    for (const name of ['link.json', 'dir.json', 'fifo.json']) {
      expect(codeOf(() => readJsonFileSync(join(dir, name)))).toBe('NOT_A_FILE');
      await expect(readJsonFile(join(dir, name))).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    }
    expect(codeOf(() => openRegularSync(join(dir, 'fifo.json'), 1 /* O_WRONLY */))).toBe('NOT_A_FILE');
    writeFileSync(join(dir, 'big.json'), `"${'x'.repeat(100)}"`);
    expect(codeOf(() => readJsonFileSync(join(dir, 'big.json'), { maxBytes: 10 }))).toBe('TOO_LARGE');
    expect(codeOf(() => readJsonFileSync(join(dir, 'missing.json')))).toBe('NOT_FOUND');
    expect(existsSync(join(dir, 'missing.json'))).toBe(false);
  });
});

describe('toJson', () => {
  it('serialises plain values as JSON.stringify does, and refuses what JSON cannot carry, however deep', () => {
    const record = { a: 1, b: 'x', c: [true, null, { d: 2.5 }], e: {} };
    expect(toJson(record)).toBe(JSON.stringify(record));
    expect(toJson(record, 2)).toBe(JSON.stringify(record, null, 2));
    expect(toJson({ when: new Date(0), gone: undefined })).toBe('{"when":"1970-01-01T00:00:00.000Z"}');
    for (const bad of [
      { n: Number.NaN },
      { deep: [{ n: Number.POSITIVE_INFINITY }] },
      { f: () => 1 },
      [Symbol('s')],
      { big: 1n },
      undefined,
    ]) {
      expect(() => toJson(bad)).toThrow(expect.objectContaining({ code: 'SCHEMA_MISMATCH' }));
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toJson(cycle)).toThrow(expect.objectContaining({ code: 'SCHEMA_MISMATCH' }));
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(toJson(deep)).toBe(JSON.stringify(deep));
  });
});
