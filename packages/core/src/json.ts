import { FipcError } from './errors.js';

/**
 * A JSON object, as parsed: the shape of a record's `data`, a snapshot, a request payload.
 *
 * @example
 * const data: JsonObject = { percent: 40, step: 'build' };
 */
export type JsonObject = { [key: string]: unknown };

/**
 * Whether `value` is a JSON object (not an array, not `null`).
 *
 * @example
 * if (!isJsonObject(value)) throw new TypeError('not an object');
 */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The one UTF-8 policy: bytes that are not UTF-8 are malformed, never decoded lossily.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes strict UTF-8 and parses JSON. Throws `INVALID_JSON` for invalid UTF-8, an empty input or bad JSON.
 *
 * @example
 * const value = parseJsonBytes(Buffer.from('{"a":1}')); // { a: 1 }
 */
export function parseJsonBytes(bytes: Uint8Array, path?: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw new FipcError('INVALID_JSON', `not valid UTF-8${where(path)}`, { cause: error, path });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = text.trim() === '' ? 'empty' : 'not valid JSON';
    throw new FipcError('INVALID_JSON', `${why}${where(path)}`, { cause: error, path });
  }
}

/**
 * Serialises a value as JSON, refusing what JSON cannot carry instead of changing it: a cycle, a BigInt, a
 * throwing `toJSON`, a non-finite number (which `JSON.stringify` writes as `null`), a function or symbol (which
 * it drops) or a non-JSON top level is a `SCHEMA_MISMATCH` error. A value arrives as it was given, or not at all.
 *
 * @example
 * const line = `${toJson({ a: 1 })}\n`;
 */
export function toJson(value: unknown, space?: number): string {
  let text: string | undefined;
  try {
    // A replacer takes JSON.stringify off its fast path (about twice the time for a record): a value that is
    // plain JSON throughout, as nearly every one is, is checked by a walk and serialised without it.
    text = plain(value, 0) ? JSON.stringify(value, null, space) : JSON.stringify(value, strict, space);
  } catch (error) {
    throw new FipcError('SCHEMA_MISMATCH', `not serialisable as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text === undefined) throw new FipcError('SCHEMA_MISMATCH', 'not serialisable as JSON');
  return text;
}

// Whether JSON.stringify writes `value` as it is: no non-finite number, function, symbol or toJSON anywhere, no
// cycle or excessive depth (left to the strict path, which reports them).
/**
 * Whether `value` is plain JSON throughout (finite numbers, strings, booleans, null, arrays and objects of
 * them, no `toJSON`): `JSON.stringify` then writes it exactly, with no replacer. A writer that built the rest
 * of a record itself checks only the caller's part.
 *
 * @example
 * const line = isPlainJson(record.data) ? JSON.stringify(record) : toJson(record);
 */
export const isPlainJson = (value: unknown): boolean => plain(value, 0);

function plain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value);
    case 'string':
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth > 64 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!plain(item, depth + 1)) return false;
        return true;
      }
      for (const key in value)
        if (Object.hasOwn(value, key) && !plain((value as Record<string, unknown>)[key], depth + 1))
          return false;
      return true;
    }
    default:
      return false; // undefined, function, symbol, bigint
  }
}

function strict(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('a non-finite number');
  if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`a ${typeof value}`);
  return value;
}

const where = (path: string | undefined) => (path ? ` (${path})` : '');
