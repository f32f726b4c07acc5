import { basename, dirname, resolve } from 'node:path';
import {
  formatIssues,
  isJsonObject,
  isPlainJson,
  type JsonObject,
  parseJsonBytes,
  type StandardSchemaV1,
  toJson,
  type Validated,
  validate,
  validateSync,
} from '@fipc/core';
import { StateError } from './errors.js';

/**
 * The two fields every `state.json` carries beside the caller's, as the original writes them.
 *
 * @example
 * const { instance_id, updated_at }: StateMeta = await readState('run-1/state.json');
 */
export interface StateMeta {
  /** The instance the state belongs to. */
  instance_id: string;
  /** ISO 8601 UTC time of the write, set by the writer on every write. */
  updated_at: string;
}

/**
 * A snapshot as read back: the caller's fields plus {@link StateMeta}.
 *
 * @example
 * const state: Snapshot<{ percent: number }> = await readState('run-1/state.json', { schema: Progress });
 * console.log(state.percent, state.updated_at);
 */
export type Snapshot<T = JsonObject> = Omit<T, keyof StateMeta> & StateMeta;

/**
 * The caller's fields as read or written: the schema's output type, or any JSON object without one.
 *
 * @example
 * type Fields = FieldsOf<typeof Progress>; // { percent: number } for Progress = z.object({ percent: z.number() })
 */
export type FieldsOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : JsonObject;

/**
 * The caller's fields as given to a writer: the schema's input type, or any JSON object without one.
 *
 * @example
 * type Given = InputOf<typeof Progress>; // a field with a `.default()` is optional here, present in FieldsOf
 */
export type InputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : JsonObject;

/** A snapshot to write: its `instance_id` and the caller's fields (`updated_at` is stamped at the write). */
export interface Draft {
  instance_id: string;
  fields: JsonObject;
}

/** A snapshot split into its metadata and the caller's fields. */
export interface Parts extends Draft {
  updated_at: string;
}

/** The caller's snapshot to write: checks it is an object, takes `instance_id` from it (or the option). */
export function draft(path: string, snapshot: unknown, instanceId: string | undefined): Draft {
  if (!isJsonObject(snapshot)) throw mismatch(path, 'a snapshot must be a plain JSON object');
  const { instance_id: own, updated_at: _, ...fields } = snapshot;
  if (own !== undefined && typeof own !== 'string') throw mismatch(path, 'instance_id must be a string');
  return { instance_id: instanceId ?? own ?? basename(dirname(resolve(path))), fields };
}

/** The bytes of a state file: the metadata first, as the original writes it, compact, one final newline. */
export function serialize(path: string, { instance_id, updated_at, fields }: Parts): Buffer {
  // The metadata is ours and plain: when the caller's fields are plain JSON too, the line is joined around them
  // without copying them into a new object (this runs at every write).
  if (isPlainJson(fields)) {
    const body = JSON.stringify(fields);
    const rest = body.length > 2 ? `,${body.slice(1)}` : '}';
    return Buffer.from(`{"instance_id":${JSON.stringify(instance_id)},"updated_at":"${updated_at}"${rest}\n`);
  }
  try {
    return Buffer.from(`${toJson({ instance_id, updated_at, ...fields })}\n`);
  } catch (error) {
    throw StateError.from(error, path);
  }
}

/** Bytes of a state file to its parts: strict UTF-8 JSON, then the envelope; no schema yet. */
export function parseSnapshot(path: string, bytes: Uint8Array): Parts {
  let value: unknown;
  try {
    value = parseJsonBytes(bytes, path);
  } catch (error) {
    throw StateError.from(error, path);
  }
  if (!isJsonObject(value)) throw mismatch(path, 'the state file does not hold a JSON object');
  const { instance_id, updated_at, ...fields } = value;
  if (typeof instance_id !== 'string' || typeof updated_at !== 'string')
    throw mismatch(path, 'not a state snapshot: instance_id and updated_at must be strings');
  return { instance_id, updated_at, fields };
}

/** The schema's output for the caller's fields (metadata removed first, so strict schemas need not list it). */
export async function checkFields(
  path: string,
  schema: StandardSchemaV1 | undefined,
  fields: JsonObject,
): Promise<JsonObject> {
  return schema ? outcome(path, await validate(schema, fields)) : fields;
}

/** {@link checkFields} where nothing can wait: an asynchronous schema is `INVALID_OPTIONS`, and leaks nothing. */
export function checkFieldsSync(
  path: string,
  schema: StandardSchemaV1 | undefined,
  fields: JsonObject,
): JsonObject {
  if (!schema) return fields;
  let result: Validated<unknown>;
  try {
    result = validateSync(schema, fields);
  } catch (error) {
    throw StateError.from(error, path);
  }
  return outcome(path, result);
}

/** The snapshot as the caller sees it: the metadata, then the fields. */
export const assemble = ({ instance_id, updated_at, fields }: Parts): JsonObject => ({
  instance_id,
  updated_at,
  ...fields,
});

function outcome(path: string, result: Validated<unknown>): JsonObject {
  if (result.issues)
    throw new StateError(
      'SCHEMA_MISMATCH',
      `the schema rejected the snapshot: ${formatIssues(result.issues)} (${path})`,
      { path, issues: result.issues },
    );
  if (!isJsonObject(result.value)) throw mismatch(path, "the schema's output is not a JSON object");
  // The metadata is the writer's: a schema cannot set or drop it.
  const { instance_id: _, updated_at: __, ...fields } = result.value;
  return fields;
}

const mismatch = (path: string, message: string) =>
  new StateError('SCHEMA_MISMATCH', `${message} (${path})`, { path });
