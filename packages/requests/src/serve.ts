import {
  DEFAULT_POLL_MS,
  type Durability,
  durabilityOption,
  type OnSkip,
  onAbort,
  positiveMs,
  type RequestSchemas,
} from '@fipc/core';
import { openDirectory } from './directory.js';
import { checkKinds, dispatcher } from './dispatch.js';
import { RequestError } from './errors.js';
import type { RequestHandlers, TypedServeOptions } from './kinds.js';
import { DEFAULT_LEASE_MS, Heartbeat } from './lease.js';
import { DEFAULT_MAX_BYTES } from './outcome.js';
import { RequestQueue } from './queue.js';
import type { RequestRecord } from './records.js';
import { startRenewal } from './renewal.js';
import { Responder, type ServeSettings } from './responder.js';
import { DEFAULT_RETENTION_MS, scheduleSweep } from './sweep.js';

/**
 * What a handler gets besides the payload.
 *
 * @example
 * const handler = async (payload: unknown, { id, request, signal }: RequestContext) => {
 *   console.log(`answering ${id} asked by ${request.requester?.pid}`);
 *   return { approved: !signal.aborted };
 * };
 */
export interface RequestContext {
  /** The request id. */
  id: string;
  /** The request's kind, as its file records it; `undefined` in requests written without one (the original's). */
  kind: string | undefined;
  /** The whole request file (schema, requested_at, expires_at, requester, ...). */
  request: RequestRecord;
  /**
   * Aborts when the request is cancelled or expires, when another responder took the request over (our lease
   * was lost), or when `serveRequests` stops.
   */
  signal: AbortSignal;
}

/**
 * Answers one request: its return value (JSON) is the answer; a throw becomes an error response.
 *
 * @example
 * const handler: RequestHandler<{ question: string }> = async ({ question }) => ({ approved: question.length < 100 });
 */
export type RequestHandler<P = unknown, A = unknown> = (
  payload: P,
  context: RequestContext,
) => A | Promise<A>;

/**
 * Options of {@link serveRequests}.
 *
 * @example
 * const options: ServeOptions = { signal: stop.signal, concurrency: 4, leaseMs: 30_000 };
 */
export interface ServeOptions {
  /** Stops the loop: running handlers are aborted and awaited, unfinished claims released at once. */
  signal?: AbortSignal;
  /**
   * Most handlers running at once in this responder; it claims no more requests than it can run.
   * @default 8
   */
  concurrency?: number;
  /**
   * A claim not renewed for this long (the responder died or hung) may be taken over by another responder.
   * Renewed every `leaseMs / 3` while the handler runs.
   * @default 30_000
   */
  leaseMs?: number;
  /**
   * Safety rescan period (new requests normally arrive through `fs.watch` at once); also bounds how late an
   * expired lease of another responder is noticed.
   * @default 500 (`DEFAULT_POLL_MS`)
   */
  pollMs?: number;
  /**
   * Finished pairs older than this are removed (swept at most once a minute).
   * @default 3_600_000 (1 hour)
   */
  retentionMs?: number;
  /**
   * Largest request file read and response file written, in bytes.
   * @default 1 MiB
   */
  maxBytes?: number;
  /**
   * `'fsync'`: each response file and the directory are on stable storage before the request counts as
   * answered.
   * @default 'none'
   */
  durability?: Durability;
  /**
   * Bad input: a request file that is not a request (malformed JSON or shape, not UTF-8, over `maxBytes`, a
   * symlink or FIFO at its path). It is answered with an error response (its requester gets
   * `RESPONDER_ERROR`) and never handled.
   * @default ignored
   */
  onSkip?: OnSkip;
  /**
   * Operational failures that do not stop the loop: the directory cannot be listed, a request cannot be read,
   * an answer cannot be written (`DISK_FULL`, `IO_ERROR`), the heartbeat cannot be renewed. The request
   * concerned is left pending, and retried at the next rescan. (A handler that throws is not one: its
   * error is the request's answer.)
   * @default process.emitWarning
   */
  onError?: (error: RequestError, requestId: string | undefined) => void;
}

/**
 * What a stopped {@link serveRequests} did.
 *
 * @example
 * const { answered, failed }: ServeSummary = await serveRequests('runs/run-1', handler, { signal: stop.signal });
 */
export interface ServeSummary {
  /** Requests whose handler returned and whose answer was published. */
  answered: number;
  /** Requests whose handler threw, answered with an error response. */
  failed: number;
}

/**
 * Serves the requests of a directory until `signal` aborts. `handlers` is one handler per request kind (a
 * request's `kind` picks it), or one function for every kind. With a contract's `requests` in the options, each
 * payload is validated by its kind's schema before its handler runs and each answer before it is written. Any
 * number of responders, in any processes, may serve one directory: each request is claimed exclusively (a lease
 * file linked atomically) and handled by one of them; a responder that dies loses its claims after `leaseMs` and
 * another takes them over. A handler that throws produces an error response: the requester rejects with
 * `RESPONDER_ERROR`. So does a request of a kind no handler serves (`MALFORMED_REQUEST`), a payload its schema
 * rejects (`SCHEMA_MISMATCH`; both also told to `onSkip`) and an answer its schema rejects (`SCHEMA_MISMATCH`).
 *
 * Resolves with a summary once stopped and drained. Rejects at once with `INVALID_OPTIONS`,
 * `UNSAFE_DIRECTORY`, `DISK_FULL` or `IO_ERROR`.
 *
 * @example
 * const stop = new AbortController();
 * const served = serveRequests(
 *   'runs/run-1',
 *   { approve: async ({ question }, { signal }) => ({ approved: await askSomeone(question, signal) }) },
 *   { requests: contract.requests, signal: stop.signal, concurrency: 4 },
 * );
 * // later
 * stop.abort();
 * console.log(await served); // { answered: 12, failed: 0 }
 */
export function serveRequests<R extends RequestSchemas>(
  dir: string,
  handlers: RequestHandlers<R>,
  options: TypedServeOptions<R>,
): Promise<ServeSummary>;
export function serveRequests(
  dir: string,
  handlers: RequestHandler | Readonly<Record<string, RequestHandler>>,
  options?: ServeOptions & { requests?: never },
): Promise<ServeSummary>;
export async function serveRequests(
  dir: string,
  handlers: RequestHandler | Readonly<Record<string, RequestHandler>>,
  options: ServeOptions & { requests?: RequestSchemas } = {},
): Promise<ServeSummary> {
  const settings = checkServeOptions(options);
  const path = openDirectory(dir, true);
  const { signal } = options;
  if (signal?.aborted) return { answered: 0, failed: 0 };
  const heartbeat = new Heartbeat(path, settings.leaseMs);
  const handler = dispatcher(handlers, options.requests, settings.onSkip, path);
  const responder: Responder = new Responder(path, heartbeat, handler, settings, () => queue.pump());
  const queue = new RequestQueue(responder);
  const unwatch = queue.watch();
  const stopRenewal = startRenewal(responder);
  scheduleSweep(path, settings.retentionMs, settings.onSkip);
  queue.rescan();
  await new Promise<void>((resolve) => onAbort(signal, resolve));
  queue.clear();
  await responder.stop(signal?.reason);
  stopRenewal();
  unwatch();
  heartbeat.release();
  return responder.summary;
}

function checkServeOptions(options: ServeOptions & { requests?: RequestSchemas }): ServeSettings {
  checkKinds(options.requests);
  try {
    return {
      concurrency: positiveMs('concurrency', options.concurrency, 8),
      leaseMs: positiveMs('leaseMs', options.leaseMs, DEFAULT_LEASE_MS),
      pollMs: positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS),
      retentionMs: positiveMs('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS, 0),
      maxBytes: positiveMs('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES),
      durability: durabilityOption(options.durability),
      onSkip: options.onSkip,
      onError:
        options.onError ??
        ((error, id) =>
          process.emitWarning(`@fipc/requests responder${id ? ` (${id})` : ''}: ${error.message}`)),
    };
  } catch (error) {
    throw RequestError.from(error);
  }
}
