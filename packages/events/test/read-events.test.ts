import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventEntry, openEventLog, readEvents, type Skip } from '@fipc/events';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { follow } from './helpers.js';

const record = (type: string, extra = '') =>
  `{"schema_version":1,"timestamp":"2026-01-01T00:00:00.000Z","instance_id":"i","event_type":"${type}","phase":null,"data":{}${extra}}`;

async function read(path: string, options: Parameters<typeof readEvents>[1] = {}) {
  const entries: EventEntry[] = [];
  const skipped: Skip[] = [];
  for await (const entry of readEvents(path, { ...options, onSkip: (c) => skipped.push(c) }))
    entries.push(entry);
  return { entries, skipped, types: entries.map((e) => e.record.event_type) };
}

describe('readEvents', () => {
  it('recovers a record glued to a torn fragment, with the offset where the record starts', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const fragment = '{"schema_version":1,"timestamp":"2026-01-01T00:0';
    writeFileSync(path, `${record('a')}\n${fragment}${record('glued')}\n${record('b')}\n`);
    const { entries, skipped, types } = await read(path);
    expect(types).toEqual(['a', 'glued', 'b']);
    const start = record('a').length + 1;
    expect(entries[1]!.offset).toBe(start + fragment.length);
    expect(skipped).toEqual([
      { offset: start, length: fragment.length, reason: 'torn fragment before a record', path },
    ]);
  });

  it('recovers a record glued to a fragment torn inside a UTF-8 character, in readEvents and tailEvents', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const e = Buffer.from('é'); // two bytes: the tear keeps only the first
    const torn = Buffer.concat([Buffer.from('{"schema_version":1,"data":{"name":"'), e.subarray(0, 1)]);
    const before = Buffer.from(`${record('a')}\n`);
    writeFileSync(path, Buffer.concat([before, torn, Buffer.from(`${record('glued')}\n${record('b')}\n`)]));
    const expected = [
      { reason: 'torn fragment before a record', path, offset: before.length, length: torn.length },
    ];
    const { entries, skipped, types } = await read(path);
    expect(types).toEqual(['a', 'glued', 'b']);
    expect(entries[1]!.offset).toBe(before.length + torn.length);
    expect(skipped).toEqual(expected);
    const tail = follow(path);
    await waitFor(() => tail.entries.length === 3, { what: 'three records' });
    await tail.stop();
    expect(tail.entries).toEqual(entries);
    expect(tail.skipped).toEqual(expected);
  });

  it("presents the original's short variant {ts,id,type,data} in the long shape, and accepts CRLF and blank lines", async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(
      path,
      `{"ts":"2026-01-01T00:00:00+00:00","id":"py-1","type":"progress","data":{"p":1},"x_extra":true}\r\n\n  \n${record('b')}\r\n`,
    );
    const { entries, skipped } = await read(path);
    expect(skipped).toEqual([]);
    expect(entries[0]!.record).toEqual({
      schema_version: 1,
      timestamp: '2026-01-01T00:00:00+00:00',
      instance_id: 'py-1',
      event_type: 'progress',
      phase: null,
      data: { p: 1 },
      x_extra: true,
    });
    expect(entries[1]!.record.event_type).toBe('b');
  });

  it('skips a complete line just over maxLineBytes, whatever the chunk it sits in', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const long = record('long', `,"pad":"${'p'.repeat(500)}"`);
    writeFileSync(path, `${record('a')}\n${long}\n${record('b')}\n`);
    const { types, skipped } = await read(path, { maxLineBytes: 300 });
    expect(types).toEqual(['a', 'b']);
    expect(skipped).toEqual([
      { offset: record('a').length + 1, length: long.length, reason: 'line longer than maxLineBytes', path },
    ]);
  });

  it('starting inside a line skips to the next one and says so', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n${record('b')}\n`);
    const { types, skipped, entries } = await read(path, { from: 5 });
    expect(types).toEqual(['b']);
    expect(entries[0]!.offset).toBe(record('a').length + 1);
    expect(skipped).toEqual([
      { offset: 5, length: record('a').length - 5, reason: 'from is not a line start', path },
    ]);
  });

  it('ends at the end of the log as it was when reading started, even while a writer keeps appending', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (let i = 0; i < 100; i++) await log.emit('before');
    let count = 0;
    for await (const { record: r } of readEvents(path)) {
      expect(r.event_type).toBe('before');
      if (++count === 1) for (let i = 0; i < 5_000; i++) await log.emit('after');
    }
    await log.close();
    expect(count).toBe(100);
  });

  it('does not yield a last line without its newline', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n`);
    appendFileSync(path, record('unfinished'));
    expect((await read(path)).types).toEqual(['a']);
  });
});
