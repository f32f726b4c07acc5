import {
  checkEventData,
  type EventRecord,
  type EventSchemas,
  eventSchemasProblem,
  type OnSkip,
  toEventRecord,
} from '@fipc/core/portable';
import { SseError } from '../errors.js';
import type { SseMessage } from './parse-sse.js';

/**
 * The record an SSE message carries, validated by its event type's schema when `events` is given; `undefined`
 * (told to `onSkip`) for what is no record: invalid JSON, a broken envelope, an unknown type, invalid data.
 */
export async function toRecord(
  message: SseMessage,
  events: EventSchemas | undefined,
  onSkip: OnSkip | undefined,
): Promise<EventRecord | undefined> {
  const skip = (reason: string, cause?: unknown) => {
    onSkip?.({ reason: `event ${message.id || '(no id)'}: ${reason}`, cause });
    return undefined;
  };
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch (error) {
    return skip('invalid JSON', error);
  }
  const record = toEventRecord(value);
  if (typeof record === 'string') return skip(record);
  if (!events) return record;
  const checked = await checkEventData(events, record.event_type, record.data);
  if (!checked.ok) return skip(checked.reason, checked.cause);
  return { ...record, data: checked.data as EventRecord['data'] };
}

/** `events` itself, once every schema in it is checked to be a Standard Schema; throws `INVALID_OPTIONS`. */
export function checkEvents(events: EventSchemas | undefined): EventSchemas | undefined {
  const problem = events && eventSchemasProblem(events);
  if (problem) throw new SseError('INVALID_OPTIONS', problem);
  return events;
}
