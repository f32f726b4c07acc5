// Type-checked by `pnpm smoke` against the packed @fipc/events, with moduleResolution NodeNext and Bundler.
import {
  createEventBus,
  type EventEntry,
  EventLogError,
  type EventLogErrorCode,
  type EventRecord,
  mirrorLog,
  openEventLog,
  readEvents,
  type Skip,
  type StandardSchemaV1,
  tailEvents,
} from '@fipc/events';

declare const progress: StandardSchemaV1<{ percent: number }>;
const log = openEventLog('run/events.jsonl', { instanceId: 'run-1', events: { progress } });

export async function typed(): Promise<number> {
  const { record, offset }: { record: EventRecord<'progress', { percent: number }>; offset: number } =
    await log.emit('progress', { data: { percent: 40 } });
  // @ts-expect-error: the data must match the schema
  await log.emit('progress', { data: { percent: 'forty' } });
  // @ts-expect-error: only the declared event types can be emitted
  await log.emit('unknown');
  return record.data.percent + offset;
}

export async function read(signal: AbortSignal): Promise<string[]> {
  const types: string[] = [];
  const onSkip = ({ reason, offset }: Skip) => types.push(`skipped ${reason} at ${offset ?? 0}`);
  for await (const entry of readEvents('run/events.jsonl', { onSkip })) types.push(entry.record.event_type);
  for await (const entry of tailEvents('run/events.jsonl', { from: 'end', signal })) {
    const { record, nextOffset }: EventEntry = entry;
    types.push(`${record.event_type}@${nextOffset}`);
  }
  return types;
}

export function code(error: unknown): EventLogErrorCode | undefined {
  return error instanceof EventLogError ? error.code : undefined;
}

export async function mirror(signal: AbortSignal): Promise<string[]> {
  await mirrorLog('run/events.jsonl', 'host/events.jsonl', { signal, durability: 'fsync' });
  // @ts-expect-error: durability is 'none' or 'fsync'
  await mirrorLog('a', 'b', { durability: true });
  const bus = createEventBus<EventRecord>();
  const out: string[] = [];
  for await (const record of bus.subscribe('run-1', { signal })) out.push(record.event_type);
  return out;
}
