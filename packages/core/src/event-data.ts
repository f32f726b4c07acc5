import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventSchemas } from './contract.js';
import { formatIssues } from './schema.js';

/**
 * What {@link checkEventData} found: the schema's output as the record's `data`, or why the record is skipped
 * (`unknownType` when its type has no schema: a reader may yield it unchecked instead).
 *
 * @example
 * const checked: EventDataCheck = { ok: false, unknownType: true, reason: 'unknown event type "x"' };
 */
export type EventDataCheck =
  | { ok: true; data: unknown }
  | { ok: false; unknownType: boolean; reason: string; cause?: unknown };

/**
 * Validates a record's `data` with the schema its `event_type` has in `events` (a contract's), the one check of
 * every typed reader: a log reader, an SSE stream, the browser client, so that a skipped record is told in the
 * same words everywhere. Synchronous when the schema is; otherwise a Promise that never rejects (a schema that
 * throws or rejects is a skip, not an error).
 *
 * @example
 * const checked = await checkEventData(contract.events, record.event_type, record.data);
 * if (checked.ok) record.data = checked.data;
 * else onSkip?.({ reason: checked.reason, cause: checked.cause });
 */
export function checkEventData(
  events: EventSchemas,
  type: string,
  data: unknown,
): EventDataCheck | Promise<EventDataCheck> {
  const schema = Object.hasOwn(events, type) ? events[type] : undefined;
  if (!schema) return { ok: false, unknownType: true, reason: `unknown event type "${type}"` };
  const threw = (cause: unknown): EventDataCheck => ({
    ok: false,
    unknownType: false,
    reason: `the schema of "${type}" threw while validating`,
    cause,
  });
  const settle = (result: StandardSchemaV1.Result<unknown>): EventDataCheck =>
    result.issues
      ? {
          ok: false,
          unknownType: false,
          reason: `invalid data for "${type}": ${formatIssues(result.issues)}`,
          cause: result.issues,
        }
      : { ok: true, data: result.value };
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = schema['~standard'].validate(data);
  } catch (error) {
    return threw(error);
  }
  return result instanceof Promise ? result.then(settle, threw) : settle(result);
}
