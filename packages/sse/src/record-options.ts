import type { EventEntry, EventRecord, EventSchemas, OnSkip, RecordOf } from '@fipc/core';
import { checkEventData, eventSchemasProblem } from '@fipc/core';
import { SseError } from './errors.js';
import { recordFrame } from './frames.js';
import { matcher, type RecordMatcher } from './record-matcher.js';

/**
 * The options that choose, type and shape the records a stream sends.
 *
 * @example
 * const options: RecordOptions<typeof contract.events> = {
 *   events: contract.events,
 *   terminal: ['completed', 'failed'],
 *   eventName: 'message',
 *   map: (record) => (record.event_type === 'started' ? { ...record, data: { ...record.data, pid: 0 } } : record),
 * };
 */
export interface RecordOptions<E extends EventSchemas | undefined = undefined> {
  /**
   * The schema of each event type's `data` (a contract's `events`): each record is validated (synchronously:
   * an asynchronous schema skips the record) before `filter`, `terminal` and `map` see it, typed by its
   * `event_type`; a record that fails, or whose type is not in the map, is not sent (told to `onSkip`).
   * @default every record is sent, untyped
   */
  events?: E;
  /** Only these records are sent (terminal records are always sent). @default every record */
  filter?: RecordMatcher<RecordOf<E>>;
  /** Records that end the stream: the record is sent, then the stream closes; a reconnect after it gets 204. */
  terminal?: RecordMatcher<RecordOf<E>>;
  /**
   * The SSE event name of a record: `'type'` sends its `event_type` as `event:` (listen with
   * `addEventListener(type)`); `'message'` sends none, so every record reaches `EventSource.onmessage`. Control
   * events (`fipc:reset`, `fipc:timeout`) keep their names either way.
   * @default 'type'
   */
  eventName?: 'type' | 'message';
  /**
   * Maps or redacts a record before it is sent: return the record to send (its JSON is the event's data), or
   * `undefined` to send nothing for it (its id is still passed, so a resume does not send it either). Runs
   * after `filter` and `terminal`, on the record as the log holds it (validated, with `events`).
   * @default the record as the log holds it
   */
  map?: (record: RecordOf<E>) => EventRecord | undefined;
}

/** The record options checked, as the stream uses them (every function takes an `EventRecord`). */
export interface ResolvedRecordOptions {
  filter: (record: EventRecord) => boolean;
  /** For records read before the stream starts (the 204 check of a resume): validates first, with `events`. */
  terminal: ((record: EventRecord) => boolean) | undefined;
  /** Validates a record (returns `undefined` for one to skip) when `events` is given. */
  check:
    | ((entry: EventEntry, onSkip: OnSkip | undefined, path: string) => EventRecord | undefined)
    | undefined;
  /** The user's terminal matcher, on a record already checked. */
  isTerminal: ((record: EventRecord) => boolean) | undefined;
  /** Re-encodes a frame, when the frame the log's follower made once is not what this stream sends. */
  encode: ((record: EventRecord, id: string) => Buffer | undefined) | undefined;
}

export function resolveRecordOptions(
  options: RecordOptions<EventSchemas | undefined>,
): ResolvedRecordOptions {
  const { events, eventName = 'type', map } = options as RecordOptions<EventSchemas>;
  if (eventName !== 'type' && eventName !== 'message')
    throw new SseError('INVALID_OPTIONS', "eventName must be 'type' or 'message'");
  if (map !== undefined && typeof map !== 'function')
    throw new SseError('INVALID_OPTIONS', 'map must be a function');
  const isTerminal = options.terminal === undefined ? undefined : matcher(options.terminal as RecordMatcher);
  const check = events && checker(events);
  const named = eventName === 'type';
  return {
    filter: options.filter === undefined ? () => true : matcher(options.filter as RecordMatcher),
    isTerminal,
    terminal:
      isTerminal && check
        ? (record) => {
            const checked = check({ record, offset: 0, nextOffset: 0 }, undefined, '');
            return checked !== undefined && isTerminal(checked);
          }
        : isTerminal,
    check,
    encode:
      named && !map
        ? undefined
        : (record, id) => {
            const sent = map ? map(record) : record;
            return sent === undefined ? undefined : recordFrame(sent, id, named);
          },
  };
}

/** Validates a record's data with its type's schema, synchronously; a record that fails is told to `onSkip`. */
function checker(events: EventSchemas): NonNullable<ResolvedRecordOptions['check']> {
  const problem = eventSchemasProblem(events);
  if (problem) throw new SseError('INVALID_OPTIONS', problem);
  return ({ record, offset, nextOffset }, onSkip, path) => {
    const type = record.event_type;
    const skip = (reason: string, cause?: unknown) => {
      onSkip?.({ reason, path, offset, length: nextOffset - offset - 1, cause });
      return undefined;
    };
    const checked = checkEventData(events, type, record.data);
    if (checked instanceof Promise)
      return skip(`the schema of "${type}" is asynchronous: a stream validates synchronously`);
    if (!checked.ok) return skip(checked.reason, checked.cause);
    return { ...record, data: checked.data as EventRecord['data'] };
  };
}
