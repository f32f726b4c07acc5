import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { EventLogError, openEventLog, readEvents, tailEvents } from '@fipc/events';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { settle } from './helpers.js';

const record = (type: string) =>
  `{"schema_version":1,"timestamp":"2026-01-01T00:00:00.000Z","instance_id":"i","event_type":"${type}","phase":null,"data":{}}`;

async function readAll(path: string): Promise<string[]> {
  const types: string[] = [];
  for await (const { record } of readEvents(path)) types.push(record.event_type);
  return types;
}

async function tailFirst(path: string): Promise<void> {
  for await (const _ of tailEvents(path, { pollMs: 50 })) return;
}

const notAFile = (path: string) =>
  expect.objectContaining({ name: 'EventLogError', code: 'NOT_A_FILE', path });

describe('a path that is not a regular file', () => {
  it('readEvents and tailEvents refuse a directory with NOT_A_FILE', async () => {
    const path = join(tempDir(), 'events.jsonl');
    mkdirSync(path);
    expect(await settle(readAll(path))).toEqual(notAFile(path));
    expect(await settle(tailFirst(path))).toEqual(notAFile(path));
  });

  it('a symlink is never followed: openEventLog, readEvents and tailEvents refuse it with NOT_A_FILE', async () => {
    const dir = tempDir();
    const outside = join(dir, 'outside.jsonl');
    writeFileSync(outside, `${record('outside')}\n`);
    const path = join(dir, 'events.jsonl');
    symlinkSync(outside, path);
    expect(() => openEventLog(path)).toThrow(notAFile(path));
    expect(await settle(readAll(path))).toEqual(notAFile(path));
    expect(await settle(tailFirst(path))).toEqual(notAFile(path));
    // A dangling symlink: opening must not create its target either.
    const dangling = join(dir, 'dangling.jsonl');
    symlinkSync(join(dir, 'target.jsonl'), dangling);
    expect(() => openEventLog(dangling)).toThrow(notAFile(dangling));
    expect(readFileSync(outside, 'utf8')).toBe(`${record('outside')}\n`);
    expect(() => readFileSync(join(dir, 'target.jsonl'))).toThrow(/ENOENT/);
  });

  it('a FIFO is refused with NOT_A_FILE at once: no reader or writer blocks on it', async () => {
    const path = join(tempDir(), 'events.jsonl');
    execFileSync('mkfifo', [path]);
    // A reader blocked in open(2) on the FIFO (the defect) is released when the test ends.
    onTestFinished(() => closeSync(openSync(path, constants.O_RDWR | constants.O_NONBLOCK)));
    expect(() => openEventLog(path)).toThrow(notAFile(path));
    expect(await settle(readAll(path))).toEqual(notAFile(path));
    expect(await settle(tailFirst(path))).toEqual(notAFile(path));
  });
});

describe('tailEvents when the log exists but cannot be opened', () => {
  it('rejects with IO_ERROR on EACCES instead of waiting forever', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, `${record('a')}\n`);
    chmodSync(path, 0o000);
    if (process.getuid?.() !== 0) {
      expect(await settle(tailFirst(path))).toEqual(
        expect.objectContaining({ name: 'EventLogError', code: 'IO_ERROR', path }),
      );
      return;
    }
    // root reads any file: the follower runs in a child process as `nobody`, for whom the open fails.
    console.log('running as root: the EACCES follower runs in a child process as uid 65534');
    chmodSync(dir, 0o755);
    const child = spawnTs(join(import.meta.dirname, 'fixtures', 'tail-open.ts'), [path], {
      uid: 65534,
      gid: 65534,
    });
    expect(await child.waitForLine((line) => line === 'waiting' || line.startsWith('error '))).toBe(
      'error IO_ERROR EventLogError',
    );
  });

  it('rejects with a typed error on any open failure but ENOENT (ENAMETOOLONG, ENOTDIR), even as root', async () => {
    const dir = tempDir();
    const long = join(dir, `${'x'.repeat(300)}.jsonl`);
    const error = await settle(tailFirst(long));
    expect(error).toBeInstanceOf(EventLogError);
    expect(error).toMatchObject({ code: 'IO_ERROR', path: long, cause: { code: 'ENAMETOOLONG' } });
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const under = join(file, 'events.jsonl');
    expect(await settle(tailFirst(under))).toMatchObject({
      name: 'EventLogError',
      code: 'NOT_FOUND',
      cause: { code: 'ENOTDIR' },
    });
  });
});
