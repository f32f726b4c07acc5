// Type tests (vitest typecheck): the server's options and the client's records typed by the contract.
import type { EventRecord } from '@fipc/core';
import { createSseStream, sseHandler } from '@fipc/sse';
import { subscribe } from '@fipc/sse/client';
import { describe, expectTypeOf, it } from 'vitest';
import { contract } from './fixtures/contract.js';

describe('subscribe', () => {
  it('yields the contract records, narrowed by event_type', async () => {
    for await (const record of subscribe('/events', { events: contract.events, terminal: 'completed' })) {
      if (record.event_type === 'progress') expectTypeOf(record.data).toEqualTypeOf<{ percent: number }>();
      else {
        expectTypeOf(record.event_type).toEqualTypeOf<'completed'>();
        expectTypeOf(record.data.outcome).toEqualTypeOf<string>();
      }
    }
  });

  it('refuses a terminal type the contract lacks; without events, records are untyped', async () => {
    // @ts-expect-error: no such event type
    subscribe('/events', { events: contract.events, terminal: 'finished' });
    for await (const record of subscribe('/events')) expectTypeOf(record).toEqualTypeOf<EventRecord>();
  });
});

describe('server options', () => {
  it('filter, terminal and map see the contract records', () => {
    createSseStream('run/events.jsonl', {
      events: contract.events,
      filter: (record) => record.event_type !== 'progress' || record.data.percent > 10,
      terminal: ['completed'],
      map: (record) => (record.event_type === 'completed' ? { ...record, data: {} } : record),
    });
    sseHandler(() => 'run/events.jsonl', {
      events: contract.events,
      // @ts-expect-error: completed has no percent
      filter: (record) => record.event_type === 'completed' && record.data.percent > 1,
    });
    // @ts-expect-error: no such event type
    createSseStream('run/events.jsonl', { events: contract.events, terminal: ['finished'] });
    // @ts-expect-error: eventName is 'type' or 'message'
    createSseStream('run/events.jsonl', { eventName: 'unnamed' });
  });
});
