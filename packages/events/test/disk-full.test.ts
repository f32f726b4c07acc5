import { readFileSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventEntry, openEventLog, readEvents, type Skip } from '@fipc/events';
import { smallTmpfs } from '@fipc/test-utils';
import { describe, expect, it, type TestContext } from 'vitest';

async function read(path: string) {
  const entries: EventEntry[] = [];
  const skipped: Skip[] = [];
  for await (const entry of readEvents(path, { onSkip: (s) => skipped.push(s) })) entries.push(entry);
  return { entries, skipped, types: entries.map((e) => e.record.event_type) };
}

/** A real 1 MiB tmpfs with a 64 KiB file in it that the test removes to make room again. */
function fullDisk(context: TestContext) {
  const tmpfs = smallTmpfs(1024);
  if ('skip' in tmpfs) {
    console.log(tmpfs.skip);
    return context.skip();
  }
  const filler = join(tmpfs.dir, 'filler');
  writeFileSync(filler, Buffer.alloc(64 * 1024));
  return { path: join(tmpfs.dir, 'events.jsonl'), dir: tmpfs.dir, makeRoom: () => unlinkSync(filler) };
}

describe('a full disk (a real 1 MiB tmpfs)', () => {
  it('a short write leaves a fragment: DISK_FULL, readers skip it, the next record starts on a fresh line', async (context) => {
    const disk = fullDisk(context);
    const log = openEventLog(disk.path, { instanceId: 'i' });
    let last = 0;
    let error: unknown;
    for (;;) {
      try {
        last = (await log.emit('big', { data: { pad: 'x'.repeat(10_000) } })).nextOffset;
      } catch (caught) {
        error = caught;
        break;
      }
    }
    expect(error).toMatchObject({ name: 'EventLogError', code: 'DISK_FULL', path: log.path });
    // The kernel wrote what fit: a fragment of the record is there, and nothing more can be written.
    const full = statSync(disk.path).size;
    expect(full).toBeGreaterThan(last);
    await expect(log.emit('still-full')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(statSync(disk.path).size).toBe(full);
    disk.makeRoom();
    const after = await log.emit('after');
    await log.close();
    expect(after.offset).toBe(full + 2); // after the NUL and newline that close the fragment's line
    const { types, skipped } = await read(disk.path);
    expect(types.at(-1)).toBe('after');
    expect(types.filter((t) => t === 'big')).toHaveLength(types.length - 1);
    expect(skipped).toEqual([
      { reason: 'invalid JSON', path: disk.path, offset: last, length: full - last + 1 },
    ]);
  });

  it('a record cut just before its newline is never read as a record: the emit failed', async (context) => {
    const disk = fullDisk(context);
    const log = openEventLog(disk.path, { instanceId: 'i', maxRecordBytes: 2 * 1024 * 1024 });
    const probe = await log.emit('big', { data: { pad: '' } });
    // Make the next record (same shape, seq 2) exactly one byte longer than the room left: only its newline is cut.
    const { bsize, bavail } = statfsSync(disk.dir);
    const room = Math.ceil(probe.nextOffset / bsize) * bsize + bavail * bsize - probe.nextOffset;
    const pad = 'x'.repeat(room + 1 - probe.bytes);
    await expect(log.emit('big', { data: { pad } })).rejects.toMatchObject({ code: 'DISK_FULL' });
    const fragment = readFileSync(disk.path).subarray(probe.nextOffset).toString();
    expect(JSON.parse(fragment)).toMatchObject({ event_type: 'big', seq: 2 }); // a whole record but its newline
    disk.makeRoom();
    await log.emit('after');
    await log.close();
    const { types, skipped } = await read(disk.path);
    expect(types).toEqual(['big', 'after']);
    expect(skipped).toEqual([
      { reason: 'invalid JSON', path: disk.path, offset: probe.nextOffset, length: room + 1 },
    ]);
  });
});
