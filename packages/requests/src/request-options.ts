import {
  DEFAULT_POLL_MS,
  type Durability,
  durabilityOption,
  positiveMs,
  type StandardSchemaV1,
} from '@fipc/core';
import { RequestError } from './errors.js';
import type { EventSink } from './event-sink.js';
import { DEFAULT_MAX_BYTES } from './outcome.js';
import { DEFAULT_RETENTION_MS } from './sweep.js';

/**
 * Options shared by {@link request} and {@link awaitResponse}.
 *
 * @example
 * const options: WaitOptions<typeof Approval> = { schema: Approval, signal: AbortSignal.timeout(60_000), durability: 'fsync' };
 */
export interface WaitOptions<S extends StandardSchemaV1 = StandardSchemaV1> {
  /**
   * Any Standard Schema (zod, valibot, arktype...): validates the answer, which resolves as the schema's
   * output; a mismatch rejects with `SCHEMA_MISMATCH`. When the schema also implements `StandardJSONSchemaV1`
   * (zod 4 does), `request` writes the JSON Schema of the answers it accepts into the request file.
   */
  schema?: S;
  /**
   * Give up after this many ms: the request is marked expired on disk (responders see it) and the Promise
   * rejects with `TIMEOUT`. `request` writes it as `expires_at`.
   * @default no timeout
   */
  timeoutMs?: number;
  /** Aborting cancels the request on disk (responders see it) and rejects with `ABORTED`. */
  signal?: AbortSignal;
  /** An event log (such as `@fipc/events`' `EventLog`) that receives the lifecycle events. */
  events?: EventSink;
  /**
   * Safety poll period: the longest the answer waits when every `fs.watch` notification is lost (it normally
   * arrives within a millisecond).
   * @default 500 (`DEFAULT_POLL_MS`)
   */
  pollMs?: number;
  /**
   * Largest request and response file, in bytes.
   * @default 1 MiB
   */
  maxBytes?: number;
  /**
   * `'fsync'`: the request file (and the expiry or cancel we write) and the directory are on stable storage
   * before going on.
   * @default 'none'
   */
  durability?: Durability;
  /**
   * Finished pairs older than this are removed from the directory (at most one sweep a minute per process).
   * @default 3_600_000 (1 hour)
   */
  retentionMs?: number;
}

/**
 * Options of {@link request}.
 *
 * @example
 * const options: RequestOptions<typeof Approval> = { id: 'deploy-42', schema: Approval, timeoutMs: 10 * 60_000 };
 */
export interface RequestOptions<S extends StandardSchemaV1 = StandardSchemaV1> extends WaitOptions<S> {
  /**
   * The request id; a valid id that exists already (same payload) resumes waiting for that request.
   * @default a random UUID
   */
  id?: string;
}

/**
 * The answer type a schema gives: its output, or `unknown` without a schema.
 *
 * @example
 * const Approval = z.object({ approved: z.boolean() });
 * type Approved = Answer<typeof Approval>; // { approved: boolean }
 */
export type Answer<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>;

/** Validates the options of `request` and `awaitResponse` (`INVALID_OPTIONS`) and fills in the defaults. */
export function checkOptions(options: WaitOptions) {
  try {
    const { timeoutMs } = options;
    return {
      timeoutMs: timeoutMs === undefined ? undefined : positiveMs('timeoutMs', timeoutMs, 0),
      pollMs: positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS),
      maxBytes: positiveMs('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES),
      retentionMs: positiveMs('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS, 0),
      durability: durabilityOption(options.durability),
    };
  } catch (error) {
    throw RequestError.from(error);
  }
}
