import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineContract, type StandardSchemaV1 } from '@fipc/core';
import { openEventLog, readEvents, type Skip, tailEvents } from '@fipc/events';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const contract = defineContract({
  events: {
    progress: z.object({ percent: z.number().min(0).max(100), note: z.string().default('none') }),
    completed: z.object({}),
  },
});

/** A log with a valid record, one whose data fails its schema, one of a type the contract does not name. */
async function writeMixed(path: string) {
  const log = openEventLog(path, { instanceId: 'run-1' }); // untyped: it may write anything
  await log.emit('progress', { data: { percent: 40 } });
  const bad = await log.emit('progress', { data: { percent: 'forty' } });
  const unknown = await log.emit('debug', { data: { x: 1 } });
  await log.emit('completed');
  await log.close();
  return { bad, unknown };
}

describe('typed readers', () => {
  it('readEvents yields the schema output of valid records and skips the rest through onSkip', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const { bad, unknown } = await writeMixed(path);
    const skipped: Skip[] = [];
    const read = [];
    for await (const { record } of readEvents(path, {
      events: contract.events,
      onSkip: (s) => skipped.push(s),
    }))
      read.push(record);
    expect(read.map((r) => [r.event_type, r.data])).toEqual([
      ['progress', { percent: 40, note: 'none' }], // the default comes from the schema's output
      ['completed', {}],
    ]);
    expect(skipped).toEqual([
      {
        reason: 'invalid data for "progress": at percent: Invalid input: expected number, received string',
        path,
        offset: bad.offset,
        length: bad.bytes - 1,
        cause: expect.any(Array),
      },
      { reason: 'unknown event type "debug"', path, offset: unknown.offset, length: unknown.bytes - 1 },
    ]);
  });

  it("unknown: 'yield' yields unknown types marked known: false, and never a record that failed its schema", async () => {
    const path = join(tempDir(), 'events.jsonl');
    await writeMixed(path);
    const skipped: Skip[] = [];
    const read = [];
    for await (const entry of readEvents(path, {
      events: contract.events,
      unknown: 'yield',
      onSkip: (s) => skipped.push(s),
    }))
      read.push([entry.known, entry.record.event_type]);
    expect(read).toEqual([
      [true, 'progress'],
      [false, 'debug'],
      [true, 'completed'],
    ]);
    expect(skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^invalid data for "progress"/)]);
  });

  it('tailEvents validates live records the same way, while another writer appends', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const controller = new AbortController();
    const skipped: Skip[] = [];
    const read: unknown[] = [];
    const done = (async () => {
      for await (const { record } of tailEvents(path, {
        events: contract.events,
        signal: controller.signal,
        pollMs: 50,
        onSkip: (s) => skipped.push(s),
      })) {
        read.push(record.data);
        if (record.event_type === 'completed') controller.abort();
      }
    })();
    await writeMixed(path);
    await done;
    expect(read).toEqual([{ percent: 40, note: 'none' }, {}]);
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^invalid data for "progress"/),
      'unknown event type "debug"',
    ]);
  });

  it('awaits an asynchronous schema, and skips a record whose schema throws', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const slow: StandardSchemaV1<{ n: number }, { n: number; doubled: number }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => {
          const n = (value as { n: unknown }).n;
          if (n === 13) throw new Error('unlucky');
          return typeof n === 'number' ? { value: { n, doubled: n * 2 } } : { issues: [{ message: 'no n' }] };
        },
      },
    };
    appendFileSync(path, '');
    const log = openEventLog(path);
    for (const n of [1, 13, 2]) await log.emit('step', { data: { n } });
    await log.close();
    const skipped: Skip[] = [];
    const read = [];
    for await (const { record } of readEvents(path, {
      events: { step: slow },
      onSkip: (s) => skipped.push(s),
    }))
      read.push(record.data.doubled);
    expect(read).toEqual([2, 4]);
    expect(skipped).toMatchObject([
      { reason: 'the schema of "step" threw while validating', cause: expect.any(Error) },
    ]);
  });

  it('refuses a bad unknown option or a map entry that is no schema with INVALID_OPTIONS', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const drain = async (entries: AsyncIterable<unknown>) => {
      for await (const _ of entries);
    };
    // @ts-expect-error: unknown is 'skip' or 'yield'
    await expect(drain(readEvents(path, { events: contract.events, unknown: 'keep' }))).rejects.toMatchObject(
      {
        code: 'INVALID_OPTIONS',
      },
    );
    // @ts-expect-error: not a Standard Schema
    const events: typeof contract.events = { progress: {} };
    await expect(drain(tailEvents(path, { events }))).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('without events, readers still yield every record untyped', async () => {
    const path = join(tempDir(), 'events.jsonl');
    await writeMixed(path);
    const types = [];
    for await (const { record } of readEvents(path)) types.push(record.event_type);
    expect(types).toEqual(['progress', 'progress', 'debug', 'completed']);
  });
});
