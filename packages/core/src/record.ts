import { isJsonObject, type JsonObject } from './json.js';

/**
 * The `schema_version` this library writes. Readers accept any integer version >= 1 (see PROTOCOL.md).
 *
 * @example
 * if (record.schema_version > SCHEMA_VERSION) console.warn('written by a newer fipc; unknown fields are kept');
 */
export const SCHEMA_VERSION = 1;

/**
 * One line of `events.jsonl`, in the original pattern's field names.
 *
 * @example
 * const record: EventRecord = {
 *   schema_version: 1,
 *   timestamp: '2026-01-01T00:00:00.000Z',
 *   instance_id: 'run-1',
 *   event_type: 'progress',
 *   phase: 'build',
 *   data: { percent: 40 },
 * };
 */
export interface EventRecord<Type extends string = string, Data = JsonObject> {
  /** Version of the record format; see {@link SCHEMA_VERSION}. */
  schema_version: number;
  /** ISO 8601 in UTC. */
  timestamp: string;
  /** Which run, job or process instance wrote the record. */
  instance_id: string;
  /** What happened, such as `'progress'` or `'completed'`. */
  event_type: Type;
  /** The step of the run the event belongs to, or `null`. */
  phase: string | null;
  /** The event's payload: a JSON object. */
  data: Data;
  /** Per-writer sequence number, from 1 for each opened log (additive field; absent in the original's records). */
  seq?: number;
  /** Any other field a newer writer added is kept as it is. */
  [extra: string]: unknown;
}

/**
 * Presents a parsed line as an {@link EventRecord}, accepting the original's full record and its starter
 * template's short variant `{ts, id, type, data}`. Returns a reason string when the value is no record. A full
 * record that has its `phase` and `data` is returned as it is (not copied).
 *
 * @example
 * const record = toEventRecord(JSON.parse('{"ts":"2026-01-01T00:00:00Z","id":"run-1","type":"started","data":{}}'));
 * if (typeof record !== 'string') console.log(record.event_type); // 'started'
 */
export function toEventRecord(value: unknown): EventRecord | string {
  if (!isJsonObject(value)) return 'not a JSON object';
  if ('event_type' in value) {
    const { schema_version, timestamp, instance_id, event_type, phase = null, data = {} } = value;
    if (!Number.isInteger(schema_version) || (schema_version as number) < 1) return 'bad schema_version';
    if (typeof timestamp !== 'string') return 'bad timestamp';
    if (typeof instance_id !== 'string') return 'bad instance_id';
    if (typeof event_type !== 'string' || event_type === '') return 'bad event_type';
    if (phase !== null && typeof phase !== 'string') return 'bad phase';
    if (!isJsonObject(data)) return 'data is not an object';
    // A record as this library writes it is returned as parsed; only one missing phase or data is copied.
    if (value.phase === phase && value.data === data) return value as EventRecord;
    return { ...value, phase, data } as EventRecord;
  }
  if ('type' in value && 'ts' in value) {
    const { ts, id = '', type, data = {}, ...extra } = value;
    if (typeof ts !== 'string') return 'bad ts';
    if (typeof id !== 'string') return 'bad id';
    if (typeof type !== 'string' || type === '') return 'bad type';
    if (!isJsonObject(data)) return 'data is not an object';
    return {
      ...extra,
      schema_version: SCHEMA_VERSION,
      timestamp: ts,
      instance_id: id,
      event_type: type,
      phase: typeof extra.phase === 'string' ? extra.phase : null,
      data,
    };
  }
  return 'no event_type';
}
