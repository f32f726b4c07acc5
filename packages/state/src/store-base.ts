import type { JsonObject, StandardSchemaV1 } from '@fipc/core';
import { StateError } from './errors.js';
import { readState, readStateBytesSync } from './read-state.js';
import { checkFieldsSync, parseSnapshot } from './snapshot.js';

/** The snapshot already in the file, without `updated_at`, as the base of `update()`; `{}` when there is none. */
export async function readBase(path: string, schema: StandardSchemaV1 | undefined): Promise<JsonObject> {
  try {
    const { updated_at: _, ...fields } = await readState(path, { schema });
    return fields;
  } catch (error) {
    if (missing(error)) return {};
    throw error;
  }
}

/** {@link readBase} at exit, where nothing can wait: an asynchronous schema is `INVALID_OPTIONS`. */
export function readBaseSync(path: string, schema: StandardSchemaV1 | undefined): JsonObject {
  try {
    const { instance_id, fields } = parseSnapshot(path, readStateBytesSync(path));
    return { instance_id, ...checkFieldsSync(path, schema, fields) };
  } catch (error) {
    if (missing(error)) return {};
    throw error;
  }
}

const missing = (error: unknown) => error instanceof StateError && error.code === 'NOT_FOUND';
