import { basename, dirname } from 'node:path';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { StateError } from './errors.js';

/**
 * A JSON object: what a snapshot's own fields are when no schema says more.
 *
 * @example
 * const fields: JsonObject = { status: 'running', percent: 40 };
 */
export type JsonObject = { [key: string]: unknown };

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
 * The caller's fields: the schema's output type, or any JSON object without one.
 *
 * @example
 * type Fields = FieldsOf<typeof Progress>; // { percent: number } for Progress = z.object({ percent: z.number() })
 */
export type FieldsOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : JsonObject;

/** Adds `instance_id` (kept if the caller gave one) and a fresh `updated_at`, in the original's field order. */
export function stamp(path: string, fields: unknown, instanceId: string | undefined): Snapshot {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new StateError('INVALID_SNAPSHOT', path, 'a snapshot must be a plain JSON object');
  const { instance_id: own, updated_at: _, ...rest } = fields as JsonObject;
  if (own !== undefined && typeof own !== 'string')
    throw new StateError('INVALID_SNAPSHOT', path, 'instance_id must be a string');
  const id = instanceId ?? own ?? basename(dirname(path));
  return { instance_id: id, updated_at: new Date().toISOString(), ...rest };
}

/** Compact JSON and a final newline; a cycle, a BigInt or a throwing `toJSON` becomes `INVALID_SNAPSHOT`. */
export function serialize(path: string, snapshot: Snapshot): Buffer {
  try {
    return Buffer.from(`${JSON.stringify(snapshot)}\n`);
  } catch (error) {
    throw new StateError('INVALID_SNAPSHOT', path, `not serialisable as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Runs the schema on the caller's fields (metadata removed, so strict schemas need not list it). */
export function validate(
  path: string,
  schema: StandardSchemaV1,
  fields: JsonObject,
): unknown | Promise<unknown> {
  const result = schema['~standard'].validate(fields);
  const check = (outcome: StandardSchemaV1.Result<unknown>) => {
    if (!outcome.issues) return outcome.value;
    const first = outcome.issues[0];
    const where = first?.path?.length
      ? ` at ${first.path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}`
      : '';
    throw new StateError('SCHEMA_MISMATCH', path, `schema rejected the snapshot${where}: ${first?.message}`, {
      issues: outcome.issues,
    });
  };
  return result instanceof Promise ? result.then(check) : check(result);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of a state file to a snapshot: parse, check the envelope, then the schema. */
export async function parseSnapshot(
  path: string,
  bytes: Uint8Array,
  schema?: StandardSchemaV1,
): Promise<Snapshot> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (error) {
    const why = bytes.length === 0 ? 'the file is empty' : 'the file is not valid UTF-8 JSON';
    throw new StateError('INVALID_JSON', path, why, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new StateError('SCHEMA_MISMATCH', path, 'the state file does not hold a JSON object');
  const { instance_id, updated_at, ...fields } = value as JsonObject;
  if (typeof instance_id !== 'string' || typeof updated_at !== 'string')
    throw new StateError(
      'SCHEMA_MISMATCH',
      path,
      'not a state snapshot: instance_id and updated_at must be strings',
    );
  const checked = schema ? await validate(path, schema, fields) : fields;
  return { instance_id, updated_at, ...(checked as JsonObject) };
}
