import type { EventRecord } from '@fipc/core';

/**
 * Name of the control event sent before a log that was truncated or replaced is streamed again from its start;
 * `fipc:` is reserved (see PROTOCOL.md section 5).
 *
 * @example
 * source.addEventListener(RESET_EVENT, () => clearTheProgressView());
 */
export const RESET_EVENT = 'fipc:reset';
/**
 * Name of the control event sent when the log did not appear within `waitForFileMs`; the stream then ends.
 *
 * @example
 * source.addEventListener(TIMEOUT_EVENT, () => source.close());
 */
export const TIMEOUT_EVENT = 'fipc:timeout';

// CR and LF end an SSE field: a name containing one would let a record inject fields or whole events.
const UNSAFE_NAME = /[\r\n]/;

/**
 * One record as an SSE event. `data:` is the record's compact JSON, which escapes every CR and LF, so the
 * payload is always one line and reaches a spec client byte-identical. An event type containing CR or LF is
 * not sent as `event:` (the client sees a `message`; the type is still in the data); nor is any with `named`
 * false (the `eventName: 'message'` option).
 */
export function recordFrame(record: EventRecord, id: string, named = true): Buffer {
  const type = record.event_type;
  const event = !named || UNSAFE_NAME.test(type) ? '' : `event: ${type}\n`;
  return Buffer.from(`id: ${id}\n${event}data: ${JSON.stringify(record)}\n\n`);
}

/** A control event (no id: it must not move the client's resume point). */
export const controlFrame = (event: string, data: object): Buffer =>
  Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export const HEARTBEAT = Buffer.from(':\n\n');
export const OPEN_COMMENT = Buffer.from(': fipc\n\n');
export const retryFrame = (ms: number): Buffer => Buffer.from(`retry: ${Math.round(ms)}\n\n`);
