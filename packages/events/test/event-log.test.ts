import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventLogError, openEventLog, readEvents } from '@fipc/events';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('openEventLog', () => {
  it('appends records in the original field names, one line each, with offsets', async () => {
    const path = join(tempDir(), 'run-7', 'events.jsonl');
    const log = openEventLog(path);
    const first = await log.emit('started');
    const second = await log.emit('progress', { phase: 'build', data: { percent: 40 } });
    await log.close();
    expect(log.instanceId).toBe('run-7');
    const [a, b] = lines(path);
    expect(Object.keys(a)).toEqual([
      'schema_version',
      'timestamp',
      'instance_id',
      'event_type',
      'phase',
      'data',
      'seq',
    ]);
    expect(a).toMatchObject({
      schema_version: 1,
      instance_id: 'run-7',
      event_type: 'started',
      phase: null,
      data: {},
      seq: 1,
    });
    expect(b).toMatchObject({ event_type: 'progress', phase: 'build', data: { percent: 40 }, seq: 2 });
    expect(new Date(a.timestamp).toISOString()).toBe(a.timestamp);
    expect(first.offset).toBe(0);
    expect(second.offset).toBe(first.nextOffset);
    expect(second.nextOffset).toBe(readFileSync(path).length);
  });

  it('validates typed events and writes nothing when data is invalid', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, {
      instanceId: 'i',
      events: { progress: z.object({ percent: z.number().min(0).max(100) }), done: z.object({}) },
    });
    const ok = await log.emit('progress', { data: { percent: 5 } });
    expect(ok.record.data.percent).toBe(5);
    // @ts-expect-error percent must be a number
    await expect(log.emit('progress', { data: { percent: 'x' } })).rejects.toMatchObject({
      code: 'SCHEMA_MISMATCH',
      path,
    });
    await expect(log.emit('progress', { data: { percent: 101 } })).rejects.toThrow(/percent/);
    // @ts-expect-error unknown type
    await expect(log.emit('nope')).rejects.toBeInstanceOf(EventLogError);
    await log.close();
    expect(lines(path)).toHaveLength(1);
  });

  it('refuses records over maxRecordBytes and unserialisable data with typed errors', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { maxRecordBytes: 300 });
    await expect(log.emit('big', { data: { s: 'x'.repeat(400) } })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await expect(log.emit('big', { data: { n: 1n } })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(log.emit('big', { data: cycle })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', path });
    // @ts-expect-error data must be an object
    await expect(log.emit('big', { data: [1] })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    // @ts-expect-error phase must be a string or null
    await expect(log.emit('big', { phase: 1 })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    const ok = await log.emit('small');
    expect(ok.record.seq).toBe(1);
    await log.close();
    await expect(log.emit('late')).rejects.toMatchObject({ code: 'CLOSED' });
    expect(lines(path)).toHaveLength(1);
  });

  it('starts on a fresh line after a torn last line, and readers skip the fragment', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const whole =
      '{"schema_version":1,"timestamp":"t","instance_id":"i","event_type":"a","phase":null,"data":{}}\n';
    writeFileSync(path, `${whole}{"schema_vers`);
    const log = openEventLog(path);
    const emitted = await log.emit('after');
    await log.close();
    const skipped: unknown[] = [];
    const read = [];
    for await (const entry of readEvents(path, { onSkip: (c) => skipped.push(c) })) read.push(entry);
    expect(read.map((e) => e.record.event_type)).toEqual(['a', 'after']);
    expect(read[1]!.offset).toBe(emitted.offset);
    expect(skipped).toEqual([{ offset: whole.length, length: 13, reason: 'invalid JSON', path }]);
  });

  it('fsync mode resolves every concurrent emit', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path, { durability: 'fsync' });
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => log.emit('tick', { data: { i } })));
    await log.close();
    expect(all.map((e) => e.record.data.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(lines(path)).toHaveLength(200);
  });

  it('refuses an empty, unknown or prototype-key type with INVALID_EVENT, and a throwing schema with a typed error', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const untyped = openEventLog(path);
    await expect(untyped.emit('')).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await untyped.close();
    const throwing = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (): never => {
          throw new Error('boom');
        },
      },
    };
    const typed = openEventLog(path, {
      events: {
        ok: z.object({}),
        // zod answers a throwing transform with a promise: an asynchronous schema, refused as an option
        boom: z.object({}).transform(() => {
          throw new Error('boom');
        }),
        throws: throwing,
      },
    });
    // @ts-expect-error not an event type of this log
    await expect(typed.emit('constructor')).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await expect(typed.emit('boom')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(typed.emit('throws')).rejects.toMatchObject({
      code: 'SCHEMA_MISMATCH',
      cause: { message: 'boom' },
    });
    await typed.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('refuses the fipc: types the protocol reserves (SSE control events) with INVALID_EVENT', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await expect(log.emit('fipc:reset')).rejects.toMatchObject({ code: 'INVALID_EVENT', path });
    await expect(log.emit('fipc:timeout')).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    const typed = openEventLog(path, { events: { 'fipc:reset': z.object({}) } });
    await expect(typed.emit('fipc:reset')).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await log.emit('reset:fipc'); // only the prefix is reserved
    await Promise.all([log.close(), typed.close()]);
    expect(lines(path).map((r) => r.event_type)).toEqual(['reset:fipc']);
  });

  it('refuses bad options with INVALID_OPTIONS and a directory in the way with NOT_A_FILE', () => {
    const dir = tempDir();
    // @ts-expect-error not a durability
    expect(() => openEventLog(join(dir, 'a.jsonl'), { durability: 'fsnyc' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
    expect(() => openEventLog(join(dir, 'a.jsonl'), { maxRecordBytes: 0.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
    expect(() => openEventLog(dir)).toThrow(expect.objectContaining({ code: 'NOT_A_FILE', path: dir }));
  });
});
