import type { EventRecord } from '@fipc/core/portable';

/**
 * Which records match: one event type, several, or a predicate (typed by the contract's `events`, if given).
 *
 * @example
 * const terminal: RecordMatcher = (record) => record.event_type === 'completed' || record.phase === 'abort';
 */
export type RecordMatcher<R extends EventRecord = EventRecord> =
  | R['event_type']
  | readonly R['event_type'][]
  | ((record: R) => boolean);

/** A matcher as a predicate. Node-free: the server and `@fipc/sse/client` share it. */
export function matcher(match: RecordMatcher): (record: EventRecord) => boolean {
  if (typeof match === 'function') return match;
  const types = new Set(typeof match === 'string' ? [match] : match);
  return (record) => types.has(record.event_type);
}
