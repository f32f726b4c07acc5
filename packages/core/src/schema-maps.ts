import type { EventSchemas, RequestSchemas } from './contract.js';
import { isStandardSchema } from './schema.js';

// The checks of a contract's schema maps, shared by `defineContract` and every reader that takes a map, so that
// each package's `INVALID_OPTIONS` says the same thing.

/**
 * Why `events` cannot be a schema map: the first value that is no Standard Schema; `undefined` when each is one.
 *
 * @example
 * const problem = eventSchemasProblem(options.events ?? {});
 * if (problem) throw new FipcError('INVALID_OPTIONS', problem);
 */
export function eventSchemasProblem(events: EventSchemas): string | undefined {
  if (!isMap(events)) return 'events must be an object mapping each event type to its schema';
  for (const [type, schema] of Object.entries(events))
    if (!isStandardSchema(schema)) return `the schema of "${type}" is no Standard Schema`;
  return undefined;
}

/**
 * Why `requests` cannot be a schema map: the first kind without a Standard Schema as payload and as answer;
 * `undefined` when each has both.
 *
 * @example
 * const problem = requestSchemasProblem(contract.requests);
 * if (problem) throw new FipcError('INVALID_OPTIONS', problem);
 */
export function requestSchemasProblem(requests: RequestSchemas): string | undefined {
  if (!isMap(requests)) return 'requests must be an object mapping each request kind to its schemas';
  for (const [kind, schemas] of Object.entries(requests))
    if (!isStandardSchema(schemas?.payload) || !isStandardSchema(schemas.answer))
      return `request kind "${kind}" needs a Standard Schema as payload and as answer`;
  return undefined;
}

// A map comes from the caller's code, maybe from JavaScript: an array or null would otherwise be a TypeError.
const isMap = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
