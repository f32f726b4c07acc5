import {
  type EventRecord,
  FipcError,
  formatIssues,
  isJsonObject,
  isoTime,
  SCHEMA_VERSION,
  validateSync,
} from '@fipc/core';
import { EventLogError } from './errors.js';
import type { EventSchemas } from './schemas.js';

/** Event types starting with this belong to the protocol (SSE control events such as `fipc:reset`). */
export const RESERVED_PREFIX = 'fipc:';

/** The log a record is built for. */
export interface RecordContext {
  file: string;
  instanceId: string;
  schemas: EventSchemas | undefined;
}

/**
 * Checks an emit's type, phase and data (validated by its schema, whose output is written) and builds the
 * record. Throws an {@link EventLogError}: `INVALID_EVENT` for the type, `SCHEMA_MISMATCH` for the rest.
 */
export function buildRecord(
  type: string,
  phase: unknown,
  data: unknown,
  seq: number,
  { file, instanceId, schemas }: RecordContext,
  now = Date.now(),
): EventRecord {
  // Readers refuse a record without a non-empty string type: never write one they would skip.
  if (typeof type !== 'string' || type === '') throw invalid(file, 'event type must be a non-empty string');
  if (type.startsWith(RESERVED_PREFIX))
    throw invalid(
      file,
      `event type "${type}" is reserved: "${RESERVED_PREFIX}" types belong to the protocol`,
    );
  const schema = schemas && Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (schemas && !schema) throw invalid(file, `unknown event type "${type}"`);
  let value: unknown = data ?? {};
  if (schema) {
    let result: ReturnType<typeof validateSync>;
    try {
      result = validateSync(schema, value);
    } catch (error) {
      // An asynchronous schema (zod also answers a throwing transform with a promise) is INVALID_OPTIONS.
      if (error instanceof FipcError) throw EventLogError.from(error, file);
      throw mismatch(file, `the schema of "${type}" threw while validating`, error);
    }
    if (result.issues)
      throw mismatch(file, `invalid data for "${type}": ${formatIssues(result.issues)}`, result.issues);
    value = result.value;
  }
  if (!isJsonObject(value)) throw mismatch(file, `data of "${type}" must be a JSON object`);
  if (phase !== null && typeof phase !== 'string') throw mismatch(file, 'phase must be a string or null');
  return {
    schema_version: SCHEMA_VERSION,
    timestamp: isoTime(now),
    instance_id: instanceId,
    event_type: type,
    phase,
    data: value,
    seq,
  };
}

const invalid = (path: string, message: string) => new EventLogError('INVALID_EVENT', message, { path });

const mismatch = (path: string, message: string, cause?: unknown) =>
  new EventLogError('SCHEMA_MISMATCH', message, { cause, path });
