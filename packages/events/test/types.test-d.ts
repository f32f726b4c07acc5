// Type tests (vitest typecheck): they fail the run when the types regress.
import { defineContract, type EventRecord } from '@fipc/core';
import { type EventEntry, openEventLog, readEvents, tailEvents } from '@fipc/events';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const contract = defineContract({
  events: {
    progress: z.object({ percent: z.number(), note: z.string().default('none') }),
    note: z.object({ text: z.string().optional() }),
    completed: z.object({}),
  },
});

describe('emit', () => {
  const log = openEventLog('run/events.jsonl', { events: contract.events });

  it('requires data exactly when the schema requires it', () => {
    void log.emit('progress', { data: { percent: 40 } });
    void log.emit('completed');
    void log.emit('note');
    void log.emit('note', { phase: 'x' });
    // @ts-expect-error: progress requires data
    void log.emit('progress');
    // @ts-expect-error: progress requires data, even with other options
    void log.emit('progress', { phase: 'build' });
  });

  it('refuses a wrong payload and an unknown type', () => {
    // @ts-expect-error: percent is a number
    void log.emit('progress', { data: { percent: 'forty' } });
    // @ts-expect-error: not in the contract
    void log.emit('debug');
  });

  it('resolves with the record typed by the schema output', async () => {
    const { record } = await log.emit('progress', { data: { percent: 1 } });
    expectTypeOf(record.event_type).toEqualTypeOf<'progress'>();
    expectTypeOf(record.data).toEqualTypeOf<{ percent: number; note: string }>();
  });

  it('an untyped log takes any type, with or without data', () => {
    const untyped = openEventLog('run/events.jsonl');
    void untyped.emit('anything');
    void untyped.emit('anything', { data: { x: 1 } });
  });
});

describe('readers', () => {
  it('readEvents narrows on event_type', async () => {
    for await (const { record } of readEvents('run/events.jsonl', { events: contract.events })) {
      expectTypeOf(record.event_type).toEqualTypeOf<'progress' | 'note' | 'completed'>();
      if (record.event_type === 'progress')
        expectTypeOf(record.data).toEqualTypeOf<{ percent: number; note: string }>();
      else if (record.event_type === 'note') {
        expectTypeOf(record.data.text).toEqualTypeOf<string | undefined>();
        // @ts-expect-error: only progress has percent
        void record.data.percent;
      } else expectTypeOf(record.event_type).toEqualTypeOf<'completed'>();
    }
  });

  it('tailEvents narrows on event_type in a switch', async () => {
    for await (const { record } of tailEvents('run/events.jsonl', { events: contract.events })) {
      switch (record.event_type) {
        case 'progress':
          expectTypeOf(record.data.percent).toEqualTypeOf<number>();
          break;
        case 'completed':
          expectTypeOf(record.data).toEqualTypeOf<Record<string, never>>();
          break;
        default:
          expectTypeOf(record.event_type).toEqualTypeOf<'note'>();
      }
    }
  });

  it("with unknown: 'yield', entries must be checked with known before narrowing", async () => {
    for await (const entry of readEvents('run/events.jsonl', { events: contract.events, unknown: 'yield' })) {
      if (!entry.known) {
        expectTypeOf(entry.record).toEqualTypeOf<EventRecord>();
        continue;
      }
      if (entry.record.event_type === 'progress')
        expectTypeOf(entry.record.data.percent).toEqualTypeOf<number>();
    }
  });

  it('without events, entries are untyped records as before', () => {
    expectTypeOf(readEvents('run/events.jsonl')).toEqualTypeOf<AsyncGenerator<EventEntry>>();
    expectTypeOf(tailEvents('run/events.jsonl', { from: 'end' })).toEqualTypeOf<AsyncGenerator<EventEntry>>();
  });
});
