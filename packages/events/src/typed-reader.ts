import {
  checkEventData,
  type EventEntry,
  type EventOf,
  type EventSchemas,
  eventSchemasProblem,
  type OnSkip,
} from '@fipc/core';
import { EventLogError } from './errors.js';

/**
 * What a typed reader does with a record whose type has no schema in `events`: `'skip'` it (told to `onSkip`),
 * or `'yield'` it, marked `known: false`.
 *
 * @example
 * const unknown: UnknownEvents = 'yield';
 */
export type UnknownEvents = 'skip' | 'yield';

/**
 * The options that make `readEvents` and `tailEvents` typed.
 *
 * @example
 * const options: TypedReaderOptions<typeof contract.events, 'skip'> = { events: contract.events };
 */
export interface TypedReaderOptions<
  E extends EventSchemas | undefined = undefined,
  U extends UnknownEvents = 'skip',
> {
  /**
   * The schema of each event type's `data` (a contract's `events`, or the map `openEventLog` takes). Each
   * record's data is validated and yielded as the schema's output, typed per `event_type`; a record that fails
   * is skipped and told to `onSkip` with the reason, never yielded untyped.
   * @default every record, as `EventRecord<string, JsonObject>`
   */
  events?: E;
  /**
   * A record of a type `events` does not name: `'skip'` tells `onSkip`; `'yield'` yields it with every entry
   * carrying `known` (`true` for a validated record, `false` for this one), to test before narrowing.
   * @default 'skip'
   */
  unknown?: U;
}

/**
 * What a reader yields: an {@link EventEntry} of `EventRecord` without `events`; with them, of the union of the
 * contract's records (narrowed by `record.event_type`), and with `unknown: 'yield'` also the unknown ones,
 * told apart by `known`.
 *
 * @example
 * for await (const entry of readEvents(path, { events: contract.events, unknown: 'yield' })) {
 *   if (!entry.known) continue;
 *   if (entry.record.event_type === 'progress') console.log(entry.record.data.percent);
 * }
 */
export type EntryOf<E extends EventSchemas | undefined, U extends UnknownEvents = 'skip'> = [E] extends [
  EventSchemas,
]
  ? [U] extends ['skip']
    ? EventEntry<EventOf<E>>
    : (EventEntry<EventOf<E>> & { known: true }) | (EventEntry & { known: false })
  : EventEntry;

/**
 * The entries of `entries` checked against `events`: typed, validated (data replaced by the schema's output),
 * unknown types skipped or marked. Without `events`, `entries` itself.
 */
export function typedEntries<E extends EventSchemas | undefined, U extends UnknownEvents>(
  entries: AsyncGenerator<EventEntry>,
  options: TypedReaderOptions<E, U> & { onSkip?: OnSkip },
  path: string,
): AsyncGenerator<EntryOf<E, U>> {
  const { events } = options;
  if (events === undefined) return entries as AsyncGenerator<EntryOf<E, U>>;
  return validated(entries, events, options, path) as AsyncGenerator<EntryOf<E, U>>;
}

async function* validated(
  entries: AsyncGenerator<EventEntry>,
  events: EventSchemas,
  { unknown = 'skip', onSkip }: { unknown?: UnknownEvents; onSkip?: OnSkip },
  path: string,
): AsyncGenerator<EventEntry & { known?: boolean }> {
  const invalid = (message: string) => new EventLogError('INVALID_OPTIONS', message, { path });
  if (unknown !== 'skip' && unknown !== 'yield') throw invalid("unknown must be 'skip' or 'yield'");
  const problem = eventSchemasProblem(events);
  if (problem) throw invalid(problem);
  const mark = unknown === 'yield';
  const skip = (entry: EventEntry, reason: string, cause?: unknown) =>
    onSkip?.({ reason, path, offset: entry.offset, length: entry.nextOffset - entry.offset - 1, cause });
  for await (const entry of entries) {
    const { record } = entry;
    const type = record.event_type;
    const pending = checkEventData(events, type, record.data);
    const checked = pending instanceof Promise ? await pending : pending;
    if (!checked.ok) {
      if (checked.unknownType && mark) yield { ...entry, known: false };
      else skip(entry, checked.reason, checked.cause);
      continue;
    }
    record.data = checked.data as EventEntry['record']['data'];
    yield mark ? { ...entry, known: true } : entry;
  }
}
