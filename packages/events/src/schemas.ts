import type { JsonObject, StandardSchemaV1 } from '@fipc/core';

/**
 * A map from event type to the schema of its `data`: any Standard Schema (zod, valibot, arktype, a
 * hand-written one) that validates synchronously.
 *
 * @example
 * import { z } from 'zod';
 * const events = { progress: z.object({ percent: z.number() }), completed: z.object({}) } satisfies EventSchemas;
 */
export type EventSchemas = Record<string, StandardSchemaV1<JsonObject, JsonObject>>;

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
 * The `data` an event type is written with: its schema's output.
 *
 * @example
 * type ProgressOut = EventOutput<typeof events, 'progress'>; // { percent: number }
 */
export type EventOutput<E extends EventSchemas, K extends string> = K extends keyof E
  ? StandardSchemaV1.InferOutput<E[K]>
  : JsonObject;

/**
 * The event types a log accepts: the schema map's keys, or any string when there is no map.
 *
 * @example
 * type Types = EventType<typeof events>; // 'progress' | 'completed'
 */
export type EventType<E extends EventSchemas> = string extends keyof E ? string : keyof E & string;
