import type { StandardSchemaV1 } from '@standard-schema/spec';
import { FipcError } from './errors.js';
import type { JsonObject } from './json.js';
import type { EventRecord } from './record.js';
import { isStandardSchema } from './schema.js';
import { eventSchemasProblem, requestSchemasProblem } from './schema-maps.js';

/**
 * A map from event type to the schema of its `data`: any Standard Schema (zod, valibot, arktype, a
 * hand-written one) whose input and output are JSON objects.
 *
 * @example
 * import { z } from 'zod';
 * const events = { progress: z.object({ percent: z.number() }), completed: z.object({}) } satisfies EventSchemas;
 */
export type EventSchemas = Record<string, StandardSchemaV1<JsonObject, JsonObject>>;

/**
 * The schemas of one request kind: what the requester asks (`payload`) and what the responder answers (`answer`).
 *
 * @example
 * const approve: RequestKind = { payload: z.object({ question: z.string() }), answer: z.object({ approved: z.boolean() }) };
 */
export interface RequestKind<
  P extends StandardSchemaV1 = StandardSchemaV1,
  A extends StandardSchemaV1 = StandardSchemaV1,
> {
  /** Validates the request's payload: the requester writes its output, the responder's handler gets its output. */
  payload: P;
  /** Validates the answer: the responder writes its output, the requester resolves with its output. */
  answer: A;
}

/**
 * A map from request kind to its {@link RequestKind} schemas.
 *
 * @example
 * const requests = { approve: { payload: Question, answer: Approval } } satisfies RequestSchemas;
 */
export type RequestSchemas = Record<string, RequestKind>;

/**
 * What the processes around one instance directory agree on: its event types, its state and its request kinds.
 * Made by {@link defineContract}; each part is exactly what the matching API takes (`events` for the event
 * readers and writer, `state` as the state schema, `requests` for `request` and `serveRequests`).
 *
 * @example
 * const contract: Contract<{ progress: typeof Progress }, typeof Status, {}> = defineContract({
 *   events: { progress: Progress },
 *   state: Status,
 * });
 */
export interface Contract<
  E extends EventSchemas = EventSchemas,
  S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
  R extends RequestSchemas = RequestSchemas,
> {
  /** The schema of each event type's `data`. */
  readonly events: E;
  /** The schema of the state snapshot's fields, or `undefined` when the contract says nothing about state. */
  readonly state: S;
  /** The payload and answer schemas of each request kind. */
  readonly requests: R;
}

/**
 * The record of one event type of `E`, with `data` as its schema's output: a union over the types that
 * narrows on `record.event_type`.
 *
 * @example
 * const show = (record: EventOf<typeof contract.events>) => {
 *   if (record.event_type === 'progress') console.log(record.data.percent); // number
 * };
 */
export type EventOf<E extends EventSchemas> = {
  [K in keyof E & string]: EventRecord<K, StandardSchemaV1.InferOutput<E[K]>>;
}[keyof E & string];

/**
 * The records of a stream or reader: the union of a contract's records ({@link EventOf}), or any `EventRecord`
 * without one.
 *
 * @example
 * const show = (record: RecordOf<typeof contract.events>) => record.event_type; // 'progress' | 'completed'
 */
export type RecordOf<E extends EventSchemas | undefined> = [E] extends [EventSchemas]
  ? EventOf<E>
  : EventRecord;

/**
 * The `data` an event type accepts: its schema's input, or any JSON object for an untyped log.
 *
 * @example
 * type ProgressIn = EventInput<typeof events, 'progress'>; // { percent: number }
 */
export type EventInput<E extends EventSchemas, K extends string> = K extends keyof E
  ? StandardSchemaV1.InferInput<E[K]>
  : JsonObject;

/**
 * The `data` an event type is written and read with: its schema's output, or any JSON object for an untyped log.
 *
 * @example
 * type ProgressOut = EventOutput<typeof events, 'progress'>; // { percent: number }
 */
export type EventOutput<E extends EventSchemas, K extends string> = K extends keyof E
  ? StandardSchemaV1.InferOutput<E[K]>
  : JsonObject;

/**
 * The event types of a schema map: its keys, or any string when there is no map.
 *
 * @example
 * type Types = EventType<typeof events>; // 'progress' | 'completed'
 */
export type EventType<E extends EventSchemas> = string extends keyof E ? string : keyof E & string;

/**
 * Declares an instance's contract once, to import in the worker, the host and the browser alike. Each part is
 * optional; the schemas are only checked to be Standard Schemas (`INVALID_OPTIONS` otherwise, or for an event
 * type starting with the reserved `fipc:`). Node-free: in code that a browser bundle includes, import it from
 * `@fipc/core/portable`.
 *
 * @example
 * import { defineContract } from '@fipc/core/portable';
 * import { z } from 'zod';
 * export const contract = defineContract({
 *   events: { progress: z.object({ percent: z.number() }), completed: z.object({}) },
 *   state: z.object({ status: z.enum(['running', 'done']) }),
 *   requests: { approve: { payload: z.object({ question: z.string() }), answer: z.object({ approved: z.boolean() }) } },
 * });
 */
export function defineContract<
  const E extends EventSchemas = Record<never, never>,
  S extends StandardSchemaV1 | undefined = undefined,
  const R extends RequestSchemas = Record<never, never>,
>(parts: { events?: E; state?: S; requests?: R }): Contract<E, S, R> {
  const { events = {} as E, requests = {} as R } = parts;
  const state = parts.state as S;
  const invalid = (message: string) => new FipcError('INVALID_OPTIONS', message);
  const eventsProblem = eventSchemasProblem(events);
  if (eventsProblem) throw invalid(eventsProblem);
  for (const type of Object.keys(events))
    if (type === '' || type.startsWith('fipc:')) throw invalid(`event type "${type}" is empty or reserved`);
  if (state !== undefined && !isStandardSchema(state))
    throw invalid('the state schema is no Standard Schema');
  const requestsProblem = requestSchemasProblem(requests);
  if (requestsProblem) throw invalid(requestsProblem);
  return Object.freeze({ events, state, requests });
}
